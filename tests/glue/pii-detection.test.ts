import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

describe("glue/pii_detection (Python core, unittest)", () => {
    it("passes its unittest suite", () => {
        const cwd = path.join(__dirname, "..", "..", "glue", "pii_detection");
        const run = spawnSync("python3", ["-m", "unittest", "-v", "test_core"], { cwd, encoding: "utf8" });
        assert.equal(run.error, undefined, `python3 is needed to test the Glue job core: ${run.error?.message}`);
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stderr, /Ran [1-9]\d* tests?[\s\S]*OK/);
    });
});
