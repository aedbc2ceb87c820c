// The Pulumi CLI's handling of --policy-pack-config, reproduced for the offline runner:
// parse (string = enforcement level, object = level + properties), start from each policy's
// declared level and schema defaults, apply `all`, then per-policy keys, then validate the result
// against each policy's schema. Stricter than the CLI: a key that names no policy, or a property
// a policy does not declare, is an error (a misspelled key would silently do nothing).
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { validateJsonSchema } from "./json-schema";

export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

const LEVELS: ReadonlySet<string> = new Set(["advisory", "mandatory", "remediate", "disabled"]);

function level(value: unknown, key: string): EnforcementLevel {
    if (typeof value !== "string" || !LEVELS.has(value)) {
        throw new Error(`Value ${JSON.stringify(value)} for "${key}" is not a valid enforcement level`);
    }
    return value as EnforcementLevel;
}

interface ParsedEntry {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

function parsePolicyPackConfig(raw: unknown): Map<string, ParsedEntry> {
    const result = new Map<string, ParsedEntry>();
    if (raw === undefined || raw === null) {
        return result;
    }
    if (typeof raw !== "object" || Array.isArray(raw)) {
        throw new Error("policy pack config must be a JSON object");
    }
    for (const [key, value] of Object.entries(raw)) {
        if (typeof value === "string") {
            result.set(key, { enforcementLevel: level(value, key) });
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            const entry: ParsedEntry = {};
            if (enforcementLevel !== undefined) {
                entry.enforcementLevel = level(enforcementLevel, key);
            }
            if (Object.keys(properties).length > 0) {
                entry.properties = properties;
            }
            if (entry.enforcementLevel || entry.properties) {
                result.set(key, entry);
            }
        } else {
            throw new Error(`Value ${JSON.stringify(value)} for "${key}" is not a valid value; must be a string or object`);
        }
    }
    return result;
}

export function reconcilePolicyPackConfig(policies: Policies, packLevel: EnforcementLevel, raw: unknown): Map<string, PolicyConfigEntry> {
    const given = parsePolicyPackConfig(raw);
    const errors: string[] = [];
    const result = new Map<string, PolicyConfigEntry>();
    for (const p of policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) {
                properties[key] = structuredClone(schema.default);
            }
        }
        result.set(p.name, { enforcementLevel: p.enforcementLevel ?? packLevel, properties });
    }
    const all = given.get("all")?.enforcementLevel;
    if (all) {
        for (const entry of result.values()) {
            entry.enforcementLevel = all;
        }
    }
    for (const [name, entry] of given) {
        const target = result.get(name);
        if (!target) {
            if (name !== "all") {
                const near = closest(name, [...result.keys()]);
                errors.push(`${name}: no policy of this name${near ? ` (did you mean ${near}?)` : ""}`);
            }
            continue;
        }
        if (entry.enforcementLevel) {
            target.enforcementLevel = entry.enforcementLevel;
        }
        Object.assign(target.properties, entry.properties ?? {});
    }
    for (const p of policies) {
        const schema: PolicyConfigJSONSchema = {
            type: "object",
            properties: p.configSchema?.properties ?? {},
            required: p.configSchema?.required,
            additionalProperties: false,
        };
        for (const problem of validateJsonSchema(schema, result.get(p.name)?.properties ?? {}, "")) {
            errors.push(`${p.name}: ${problem}`);
        }
    }
    if (errors.length > 0) {
        throw new Error(`invalid policy pack config:\n  ${errors.join("\n  ")}`);
    }
    return result;
}

/** The candidate within edit distance 3 of `name`, for "did you mean". */
function closest(name: string, candidates: readonly string[]): string | undefined {
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(name, candidate);
        if (distance <= 3 && (!best || distance < best.distance)) {
            best = { candidate, distance };
        }
    }
    return best?.candidate;
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
