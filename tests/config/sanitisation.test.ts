import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseEnvironment, regionOf } from "../../config/environment";
import { roleArnOf } from "../../iam/documents";
import { bucketName } from "../../naming/resources";
import { sanitisationRoleName } from "../../naming/sanitisation";
import { expectProblem, rawOf } from "../helpers/config";

const prodTarget = () => structuredClone((rawOf("prod").sanitisation as { targets: Record<string, unknown>[] }).targets[0]);
const withTarget = (change: Record<string, unknown>) => ({ ...rawOf("prod"), sanitisation: { targets: [{ ...prodTarget(), ...change }] } });
const devSource = () => structuredClone((rawOf("dev").sanitisation as { source: Record<string, unknown> }).source);
const withSource = (change: Record<string, unknown>) => ({ ...rawOf("dev"), sanitisation: { source: { ...devSource(), ...change } } });

describe("sanitisation config (lakewarden:sanitisation)", () => {
    it("declares the prod → dev pairing on both sides", () => {
        const prod = parseEnvironment("prod", rawOf("prod")).sanitisation;
        const dev = parseEnvironment("dev", rawOf("dev")).sanitisation;
        assert.ok(prod && dev?.source);
        assert.equal(prod.targets[0].environment, "dev");
        assert.equal(prod.targets[0].prefix, "sanitised");
        assert.deepEqual(prod.targets[0].datasets, ["company"]);
        assert.equal(dev.source.environment, "prod");
        assert.equal(prod.targets[0].accountId, parseEnvironment("dev", rawOf("dev")).accounts.find(a => a.name === dev.source?.producer)?.id);
        assert.equal(dev.source.jobRoleArn.split(":")[4], parseEnvironment("prod", rawOf("prod")).accounts.find(a => a.name === prod.targets[0].producer)?.id);
        assert.equal(parseEnvironment("dev", { ...rawOf("dev"), sanitisation: undefined }).sanitisation, undefined);
    });

    it("agrees on both sides by construction: role, bucket, key account, database, prefix, and the dev pack's trusted account", () => {
        const prodEnv = parseEnvironment("prod", rawOf("prod"));
        const devEnv = parseEnvironment("dev", rawOf("dev"));
        const target = prodEnv.sanitisation?.targets.find(t => t.environment === "dev");
        const source = devEnv.sanitisation?.source;
        assert.ok(target && source && source.environment === "prod");
        const runner = prodEnv.accounts.find(a => a.name === target.producer);
        const receiver = devEnv.accounts.find(a => a.name === source.producer);
        assert.ok(runner && receiver);
        assert.equal(source.jobRoleArn, roleArnOf(runner.id, sanitisationRoleName("prod", "dev")));
        assert.equal(source.accountId, runner.id);
        assert.equal(target.accountId, receiver.id);
        const receiverScope = { environment: "dev", accountId: receiver.id, region: regionOf(devEnv, receiver) };
        assert.equal(target.bucket, bucketName(receiverScope, "lower-env"));
        assert.equal(target.keyArn.split(":")[3], receiverScope.region);
        assert.equal(target.database, source.database);
        assert.equal(target.prefix, source.prefix);
        assert.equal(target.keyRotationDays, 90);
        const pack = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "policy", "config", "dev.json"), "utf8")) as Record<
            string,
            { trustedAccounts?: string[] }
        >;
        for (const policy of ["s3-bucket-policy-scoped-principals", "kms-key-policy-scoped", "lf-cross-account-grant-env-accounts"]) {
            assert.deepEqual(pack[policy].trustedAccounts, [source.accountId], policy);
        }
    });

    it("names the key of each bad target value", () => {
        expectProblem(withTarget({ producer: "analytics" }), "lakewarden:sanitisation.targets[0].producer", /role consumer, expected producer/);
        expectProblem(withTarget({ datasets: ["missing"] }), "lakewarden:sanitisation.targets[0].datasets[0]", /not in lakewarden:datasets/);
        expectProblem(withTarget({ datasets: ["sales"] }), "lakewarden:sanitisation.targets[0].datasets[0]", /held by sales-lake, not hr-lake/);
        expectProblem(withTarget({ datasets: ["company", "company"] }), "lakewarden:sanitisation.targets[0].datasets[1]", /duplicate sanitised dataset/);
        expectProblem(withTarget({ accountId: "7777" }), "lakewarden:sanitisation.targets[0].accountId", /12-digit/);
        expectProblem(withTarget({ accountId: "222233334444" }), "lakewarden:sanitisation.targets[0].accountId", /account of this stack/);
        expectProblem(
            withTarget({ keyArn: "arn:aws:kms:eu-west-1:123412341234:key/0d3c6f1e-5a7b-4c2d-9e8f-1a2b3c4d5e6f" }),
            "lakewarden:sanitisation.targets[0].keyArn",
            /in the target account 777788889999/,
        );
        expectProblem(withTarget({ keyArn: "alias/foo" }), "lakewarden:sanitisation.targets[0].keyArn", /KMS key ARN/);
        expectProblem(withTarget({ bucket: "Bad_Bucket" }), "lakewarden:sanitisation.targets[0].bucket", /S3 bucket name/);
        expectProblem(withTarget({ schedule: "rate(1 day)" }), "lakewarden:sanitisation.targets[0].schedule", /Glue cron/);
        expectProblem(withTarget({ schedule: "cron(0 3 * *)" }), "lakewarden:sanitisation.targets[0].schedule", /six fields/);
        expectProblem(withTarget({ shedule: "cron(0 3 * * ? *)" }), "lakewarden:sanitisation.targets[0]", /shedule/);
        expectProblem(withTarget({ prefix: "sanitised/" }), "lakewarden:sanitisation.targets[0].prefix", /no leading or trailing/);
        expectProblem(withTarget({ keyRotationDays: 0 }), "lakewarden:sanitisation.targets[0].keyRotationDays", /./);
        expectProblem(withTarget({ keyRotationDays: 1001 }), "lakewarden:sanitisation.targets[0].keyRotationDays", /1-1000 days/);
        expectProblem(
            { ...rawOf("prod"), sanitisation: { targets: [prodTarget(), prodTarget()] } },
            "lakewarden:sanitisation.targets[1].environment",
            /duplicate sanitisation target environment "dev"/,
        );
    });

    it("names the key of each bad source value", () => {
        expectProblem(withSource({ producer: "nobody" }), "lakewarden:sanitisation.source.producer", /unknown account "nobody"/);
        expectProblem(
            withSource({ jobRoleArn: "arn:aws:iam::999999999999:role/lakewarden-prod-sanitise-dev" }),
            "lakewarden:sanitisation.source.jobRoleArn",
            /in the production account 222233334444/,
        );
        expectProblem(withSource({ jobRoleArn: "lakewarden-prod-sanitise-dev" }), "lakewarden:sanitisation.source.jobRoleArn", /IAM role ARN/);
        expectProblem(
            withSource({ jobRoleArn: "arn:aws:iam::222233334444:role/admin" }),
            "lakewarden:sanitisation.source.jobRoleArn",
            /the role the prod stack creates, lakewarden-prod-sanitise-<this stack>/,
        );
        expectProblem(withSource({ prefix: "/sanitised" }), "lakewarden:sanitisation.source.prefix", /key prefix/);
        expectProblem(
            withSource({ accountId: "777788889999", jobRoleArn: "arn:aws:iam::777788889999:role/x" }),
            "lakewarden:sanitisation.source.accountId",
            /account of this stack/,
        );
        expectProblem({ ...rawOf("dev"), sanitisation: { source: devSource(), target: [] } }, "lakewarden:sanitisation", /target/);
    });
});
