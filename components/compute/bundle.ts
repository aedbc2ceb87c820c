import * as path from "node:path";
import { buildSync } from "esbuild";

/** The repository root: Lambda entries are given relative to it. */
const ROOT = path.resolve(__dirname, "..", "..");
const cache = new Map<string, string>();

/**
 * Bundles a Lambda handler (TypeScript) into one CommonJS file for Node 22 with esbuild.
 * The AWS SDK is bundled too, so the deployed code runs the versions the tests ran; output is
 * deterministic, so the archive hash changes only when the code does.
 */
export function bundleHandler(entry: string): string {
    const cached = cache.get(entry);
    if (cached !== undefined) {
        return cached;
    }
    const result = buildSync({
        entryPoints: [path.join(ROOT, entry)],
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        minify: true,
        sourcemap: false,
        legalComments: "none",
        write: false,
        logLevel: "silent",
        absWorkingDir: ROOT,
    });
    const code = result.outputFiles[0].text;
    cache.set(entry, code);
    return code;
}
