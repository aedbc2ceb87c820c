// @pulumi/policy's server as published, rebuilt from the installed (patched) one by reversing
// patches/@pulumi+policy+*.patch, which `npm install` applies with patch-package. The patch only
// saves work; the server-patch spec serves the pack on both and compares their answers byte for byte.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import { applyPatch, parsePatch, reversePatch } from "diff";

const SERVER_FILE = require.resolve("@pulumi/policy/server");
const PATCHES = path.join(__dirname, "..", "patches");
/** What only the patched server.js contains. */
const PATCH_MARK = "makeNotApplicableResponse";

export function serverIsPatched(): boolean {
    return readFileSync(SERVER_FILE, "utf8").includes(PATCH_MARK);
}

/** The published server.js: the installed one with the patch reversed. */
export function publishedSource(): { source: string; sha256: string } {
    const installed = readFileSync(SERVER_FILE, "utf8");
    if (!installed.includes(PATCH_MARK)) {
        throw new Error(`${SERVER_FILE} is not patched: npm install applies patches/ with patch-package`);
    }
    const files = readdirSync(PATCHES).filter(f => f.startsWith("@pulumi+policy+") && f.endsWith(".patch"));
    if (files.length !== 1) {
        throw new Error(`expected one @pulumi/policy patch in ${PATCHES}, found ${files.length}`);
    }
    const patches = parsePatch(readFileSync(path.join(PATCHES, files[0]), "utf8"));
    if (patches.length !== 1 || patches[0].newFileName !== "b/node_modules/@pulumi/policy/server.js") {
        throw new Error(`${files[0]} must patch node_modules/@pulumi/policy/server.js only`);
    }
    const source = applyPatch(installed, reversePatch(patches[0]));
    if (source === false) {
        throw new Error(`${files[0]} does not reverse onto ${SERVER_FILE}`);
    }
    return { source, sha256: createHash("sha256").update(source).digest("hex") };
}

/**
 * Makes this process load the published server wherever it requires @pulumi/policy's server: a
 * module instance compiled from the published source stands in the module cache for the installed
 * file. Must run before @pulumi/policy itself is loaded (its PolicyPack keeps the server it found).
 */
export function usePublishedServer(): void {
    if (require.cache[require.resolve("@pulumi/policy/policy")]) {
        throw new Error("usePublishedServer: @pulumi/policy is already loaded with the installed server");
    }
    const loader = Module as unknown as { _nodeModulePaths(dir: string): string[] };
    const instance = new Module(SERVER_FILE, module) as Module & { _compile(source: string, file: string): void };
    instance.filename = SERVER_FILE;
    instance.paths = loader._nodeModulePaths(path.dirname(SERVER_FILE));
    instance._compile(publishedSource().source, SERVER_FILE);
    instance.loaded = true;
    require.cache[SERVER_FILE] = instance;
}
