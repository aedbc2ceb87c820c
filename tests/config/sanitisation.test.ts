import * as assert from "node:assert/strict";
import { parseEnvironment } from "../../config/environment";
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
            withSource({ accountId: "777788889999", jobRoleArn: "arn:aws:iam::777788889999:role/x" }),
            "lakewarden:sanitisation.source.accountId",
            /account of this stack/,
        );
        expectProblem({ ...rawOf("dev"), sanitisation: { source: devSource(), target: [] } }, "lakewarden:sanitisation", /target/);
    });
});
