import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

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
    const document = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    return Object.fromEntries(Object.entries(document?.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}
