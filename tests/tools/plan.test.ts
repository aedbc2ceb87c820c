import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { planJson, renderPlan, runPlan } from "../../tools/plan";
import { sharedStack, withSection, sectionOf } from "../helpers/program";

describe("offline plan", () => {
    for (const stack of ["dev", "prod"]) {
        it(`is clean for ${stack} and lists resources under every account`, async () => {
            const result = await runPlan({ stack, recording: await sharedStack(stack) });
            const accounts = sectionOf<{ name: string; role: string }[]>(stack, "accounts");
            assert.equal(result.exitCode, 0, renderPlan(result));
            assert.deepEqual(result.accounts.map(a => a.name).sort(), accounts.map(a => a.name).sort());
            for (const account of result.accounts) {
                assert.ok(account.resourceCount > 0, `${account.name} holds nothing`);
                assert.equal(
                    account.resourceCount,
                    Object.values(account.byType).reduce((a, b) => a + b, 0),
                );
            }
            assert.ok((result.policy?.policiesRun ?? 0) > 0);
            assert.equal(result.policy?.violations.filter(v => v.enforcementLevel === "mandatory").length, 0);
        });
    }

    it("exits 2 on a config error and registers nothing", async () => {
        const accounts = sectionOf<Record<string, unknown>[]>("dev", "accounts");
        accounts[1].id = "12345";
        const result = await runPlan({ stack: "dev", config: withSection("dev", "accounts", accounts) });
        assert.equal(result.exitCode, 2);
        assert.equal(result.resources.length, 0);
        assert.deepEqual(
            result.configError?.map(p => p.key),
            ["lakewarden:accounts[security].id"],
        );
        assert.match(renderPlan(result), /lakewarden:accounts\[security\]\.id: expected a 12-digit AWS account id/);
    });

    it("exits 1 on a mandatory violation and names the policy and resource", async () => {
        const result = await runPlan({
            stack: "dev",
            recording: await sharedStack("dev"),
            mutate: resources => {
                const policy = resources.find(r => r.type === "aws:iam/rolePolicy:RolePolicy");
                assert.ok(policy);
                policy.props.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
            },
        });
        assert.equal(result.exitCode, 1);
        const violation = result.policy?.violations.find(v => v.policyName === "iam-no-wildcard-actions");
        assert.ok(violation, renderPlan(result));
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.equal(violation.resourceType, "aws:iam/rolePolicy:RolePolicy");
    });

    it("preview mode leaves computed outputs unknown and still passes", async () => {
        const result = await runPlan({ stack: "dev", preview: true, recording: await sharedStack("dev", { preview: true }) });
        assert.equal(result.exitCode, 0, renderPlan(result));
        const alias = result.resources.find(r => r.type === "aws:kms/alias:Alias");
        assert.equal(alias?.props.targetKeyId, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    });

    it("writes the same result as JSON, and the CLI exit code follows it", function () {
        this.timeout(120_000);
        const file = path.join(mkdtempSync(path.join(tmpdir(), "lw-plan-")), "plan.json");
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/plan.ts", "--stack", "dev", "--json", file], {
            encoding: "utf8",
        });
        assert.equal(run.status, 0, run.stderr + run.stdout);
        assert.match(run.stdout, /account producer \(producer, 777788889999, eu-west-1\)/);
        const json = JSON.parse(readFileSync(file, "utf8")) as ReturnType<typeof planJson> & { exitCode: number; accounts: { name: string }[] };
        assert.equal(json.exitCode, 0);
        assert.equal(json.accounts.length, 4);
    });
});
