import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../config/errors";

/** The root of the repository (where Pulumi.yaml is). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

const INDEX = path.join(REPO_ROOT, "index.ts");

/**
 * Evaluates the real program (index.ts) afresh and returns its exported account outputs; the
 * module cache is cleared first so one process can evaluate several stacks.
 */
export function evaluateIndex(): unknown {
    delete require.cache[require.resolve(INDEX)];
    return (require(INDEX) as { accounts: unknown }).accounts;
}

/** Reads `Pulumi.<stack>.yaml` into the engine's flat config map: object values JSON-encoded, as the engine passes them. */
export function readStackConfig(stack: string, root = REPO_ROOT): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    const name = path.relative(root, file);
    if (!existsSync(file)) {
        throw new ConfigError([{ key: name, message: `stack config file ${file} does not exist (pulumi stack init ${stack} writes it)` }]);
    }
    let document: { config?: Record<string, unknown> } | null;
    try {
        document = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    } catch (error) {
        // The yaml parser's message carries the line and column.
        throw new ConfigError([{ key: name, message: `not valid YAML: ${(error as Error).message}` }]);
    }
    if (document !== null && (typeof document !== "object" || Array.isArray(document))) {
        throw new ConfigError([{ key: name, message: "expected a YAML mapping with a config: section" }]);
    }
    return Object.fromEntries(Object.entries(document?.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}
