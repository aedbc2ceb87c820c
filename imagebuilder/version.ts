/**
 * Image Builder versions derived from content, so nobody bumps them by hand.
 *
 * Image Builder never lets a component or recipe version change once created, and a recipe must name
 * a new version whenever its parent image or a component changes. Both are computed here, purely:
 *
 *   component  <major>.<content fingerprint>.0
 *   recipe     <major>.<components + recipe settings fingerprint>.<parent image fingerprint>
 *
 * The major comes from a `# component-major: N` line a person raises only for a breaking change; the
 * fingerprints are the first 30 bits of a SHA-256 (Image Builder allows 0..2^30-1 per node). So the
 * same inputs always give the same version, and which node changed says what changed: the minor for a
 * component or a recipe setting (volumes, keys), the patch for the parent image. Versions are unique, not ordered: recipes must reference
 * exact component versions, never `x.x.x`.
 */
import { createHash } from "node:crypto";

/** Largest value Image Builder accepts in a semantic version node. */
export const MAX_VERSION_NODE = 2 ** 30 - 1;

const MAJOR_LINE = /^#\s*component-major:\s*(\d+)\s*$/m;

export interface ComponentDocument {
    /** The component's name in Image Builder; part of the recipe fingerprint. */
    name: string;
    /** The document exactly as sent to Image Builder. */
    content: string;
}

export interface RecipeInputs {
    /** The parent AMI id the recipe is built from (resolved, e.g. from the ECS-optimised SSM parameter). */
    parentImage: string;
    /** In recipe order: order decides execution, so it is part of the fingerprint. */
    components: readonly ComponentDocument[];
    /**
     * Everything else that forces a new recipe (block device mappings, KMS key, working directory...), as
     * plain JSON; key order does not matter.
     */
    settings?: JsonValue;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** JSON with object keys sorted, so equal settings always hash alike. */
export function canonicalJson(value: JsonValue): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const keys = Object.keys(value).sort();
        return `{${keys.map(key => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

// Line endings differ between checkouts; the document Image Builder runs does not.
function normalise(content: string): string {
    return content.replace(/\r\n?/g, "\n");
}

export function fingerprint(text: string): number {
    return createHash("sha256").update(text, "utf8").digest().readUInt32BE(0) & MAX_VERSION_NODE;
}

export function declaredMajor(document: ComponentDocument): number {
    const match = MAJOR_LINE.exec(normalise(document.content));
    if (match === null) throw new Error(`component ${document.name}: add a "# component-major: N" line to its document`);
    const major = Number(match[1]);
    if (!Number.isSafeInteger(major) || major < 1 || major > MAX_VERSION_NODE) {
        throw new Error(`component ${document.name}: component-major must be between 1 and ${MAX_VERSION_NODE}, got ${match[1]}`);
    }
    return major;
}

export function componentVersion(document: ComponentDocument): string {
    return `${declaredMajor(document)}.${fingerprint(normalise(document.content))}.0`;
}

export function recipeVersion(inputs: RecipeInputs): string {
    if (inputs.components.length === 0) throw new Error("a recipe needs at least one component");
    if (!/^ami-[0-9a-f]{8,17}$/.test(inputs.parentImage)) throw new Error(`parentImage must be an AMI id, got ${JSON.stringify(inputs.parentImage)}`);
    const major = Math.max(...inputs.components.map(declaredMajor));
    const components = inputs.components.map(document => `${document.name}@${componentVersion(document)}`).join("\n");
    const settings = canonicalJson(inputs.settings ?? null);
    return `${major}.${fingerprint(`${components}\n${settings}`)}.${fingerprint(inputs.parentImage)}`;
}
