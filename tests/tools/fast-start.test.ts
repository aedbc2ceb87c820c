import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { DEFERRED } from "../../tools/offline/fast-start";

const ROOT = path.resolve(__dirname, "..", "..");

/** Runs a script in a fresh process (this worker may have loaded the SDK already) after tools/offline/fast-start. */
function fresh(script: string): string {
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-r", "./tools/offline/fast-start.ts", "-e", script], {
        cwd: ROOT,
        encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout;
}

describe("offline tools' fast start", () => {
    it("loads the Pulumi SDK without closure serialisation, and serialises a function on demand", () => {
        const out = JSON.parse(
            fresh(`
                const loaded = () => Object.keys(require.cache).filter(k => /node_modules\\/(typescript|@npmcli\\/arborist)\\//.test(k)).length;
                const base = loaded(); // ts-node's own TypeScript
                const pulumi = require("@pulumi/pulumi");
                const before = loaded() - base;
                pulumi.runtime.serializeFunction(() => 42).then(s => {
                    console.log(JSON.stringify({ before, after: loaded(), text: s.text }));
                });
            `),
        ) as { before: number; after: number; text: string };
        assert.equal(out.before, 0, "TypeScript and arborist were loaded with the SDK");
        assert.ok(out.after > 0, "the real serializeClosure was never loaded");
        assert.match(out.text, /42/);
    });

    it("defers exactly the functions the real modules export", () => {
        const real = JSON.parse(
            fresh(`
                const out = {};
                for (const request of ${JSON.stringify(Object.keys(DEFERRED))}) {
                    const file = require.resolve(request);
                    delete require.cache[file];
                    out[request] = Object.keys(require(file)).sort();
                }
                console.log(JSON.stringify(out));
            `),
        ) as Record<string, string[]>;
        assert.deepEqual(real, Object.fromEntries(Object.entries(DEFERRED).map(([request, names]) => [request, [...names].sort()])));
    });

    it("keeps the SDK's own computeCodePaths working through the forwarder", () => {
        const out = fresh(`
            require("@pulumi/pulumi").runtime.computeCodePaths({ extraIncludePackages: ["yaml"] }).then(paths => console.log([...paths.keys()].join("\\n")));
        `);
        assert.match(out, /node_modules\/yaml/);
    });
});
