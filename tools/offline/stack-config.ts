import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** The root of the repository (where Pulumi.yaml is). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Reads `Pulumi.<stack>.yaml` into the engine's flat config map: object values JSON-encoded, as the engine passes them. */
export function readStackConfig(stack: string, root = REPO_ROOT): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    const document = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    return Object.fromEntries(
        Object.entries(document?.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}
