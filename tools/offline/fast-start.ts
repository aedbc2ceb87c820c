import * as nodeModule from "node:module";
import * as path from "node:path";

/**
 * Imported first by the offline tools (the plan and its bench), before anything loads the Pulumi SDK:
 *
 * - Node's on-disk compile cache (Node >= 22.1) for every module compiled after this one, under
 *   node_modules/.cache (git-ignored). Node keys each entry by the module's source hash, so a changed
 *   file is compiled again; the TypeScript sources are cached as ts-node's output.
 * - `@pulumi/pulumi`'s runtime index loads closure serialisation eagerly (`serializeFunction`, which
 *   loads TypeScript, and `computeCodePaths`, which loads npm's arborist and pacote): about half of the
 *   SDK's load time, for code a program uses only through `aws.lambda.CallbackFunction` or dynamic
 *   providers, neither of which lakewarden has. Those two modules are replaced by forwarders that load
 *   the real module on first call, so a program that does call them still gets the real thing.
 *   `tests/tools/fast-start.test.ts` checks the forwarders export what the real modules do.
 */
export const COMPILE_CACHE = path.resolve(__dirname, "..", "..", "node_modules", ".cache", "lakewarden-node-compile");

if (typeof nodeModule.enableCompileCache === "function" && !process.env.NODE_DISABLE_COMPILE_CACHE) {
    nodeModule.enableCompileCache(COMPILE_CACHE);
}

/** The SDK modules loaded only when called, with the functions each exports. */
export const DEFERRED: Record<string, string[]> = {
    "@pulumi/pulumi/runtime/closure/serializeClosure": ["serializeFunction", "serializeFunctionAsync"],
    "@pulumi/pulumi/runtime/closure/codePaths": ["computeCodePaths", "findWorkspaceRoot", "packageArchivePath"],
};

function defer(request: string, names: string[]): void {
    const file = require.resolve(request);
    // Too late once the SDK's runtime is loaded (a test file imported it first): then nothing is saved, and nothing changes.
    if (require.cache[file] || require.cache[require.resolve("@pulumi/pulumi/runtime")]) {
        return;
    }
    let real: Record<string, (...args: unknown[]) => unknown> | undefined;
    const load = () => {
        if (!real) {
            if (require.cache[file] === stub) {
                delete require.cache[file];
            }
            real = require(file) as Record<string, (...args: unknown[]) => unknown>;
        }
        return real;
    };
    const stub = new nodeModule.Module(file, module);
    stub.filename = file;
    stub.loaded = true;
    stub.exports = Object.fromEntries(
        names.map(name => [
            name,
            function (this: unknown, ...args: unknown[]) {
                return load()[name].apply(this, args);
            },
        ]),
    );
    require.cache[file] = stub;
}

for (const [request, names] of Object.entries(DEFERRED)) {
    defer(request, names);
}
