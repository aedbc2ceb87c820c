import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { type PlanPhase, progressLine } from "../../tools/report/progress";
import { runPlan } from "../../tools/plan";
import { sharedStack } from "../helpers/program";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

describe("plan progress line", () => {
    it("writes nothing when the stream is not a terminal", () => {
        const written: string[] = [];
        assert.equal(progressLine({ isTTY: false, write: text => written.push(text) > 0 }), undefined);
        assert.equal(progressLine({ write: text => written.push(text) > 0 }), undefined);
        assert.deepEqual(written, []);
    });

    it("on a terminal, rewrites one line per phase with the elapsed time and clears it at the end", () => {
        const written: string[] = [];
        let clock = 0;
        const progress = progressLine({ isTTY: true, write: text => written.push(text) > 0 }, () => clock)!;
        progress.phase("reading config");
        clock = 2500;
        progress.phase("running the policy pack");
        progress.done();
        assert.deepEqual(written, [
            "\r\x1b[2Klakewarden plan: reading config... 0.0s",
            "\r\x1b[2Klakewarden plan: running the policy pack... 2.5s",
            "\r\x1b[2K",
        ]);
    });

    it("the plan reports its phases in order", async function () {
        this.timeout(300_000);
        const phases: PlanPhase[] = [];
        const result = await runPlan({ stack: "dev", recording: await sharedStack("dev"), progress: { phase: p => phases.push(p), done: () => undefined } });
        assert.equal(result.exitCode, 0);
        assert.deepEqual(phases, [
            "reading config",
            "evaluating the program (bundles Lambdas when their sources changed)",
            "running the policy pack",
            "computing the access report",
        ]);
    });

    it("npm run plan piped (CI) carries no progress text: stdout is the report, stderr empty", function () {
        this.timeout(300_000);
        const run = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "tools/plan.ts", "--stack", "dev"], {
            cwd: REPO_ROOT,
            encoding: "utf8",
        });
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stderr, "");
        assert.ok(!run.stdout.includes("\r"), "no carriage returns in piped output");
        assert.match(run.stdout, /^lakewarden plan: stack dev: /);
    });
});
