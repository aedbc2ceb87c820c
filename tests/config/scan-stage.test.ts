import * as assert from "node:assert/strict";
import { parseEnvironment } from "../../config/environment";
import { ConfigError } from "../../config/errors";
import { expectProblem, mutate, type Raw } from "../helpers/config";

const producer = "777788889999";
const pipeline = {
    name: "ingest",
    account: "producer",
    schedule: "rate(1 hour)",
    approvalTimeoutHours: 24,
    onDeny: "delete",
    reviewRetentionDays: 30,
    approverRoleArns: [`arn:aws:iam::${producer}:role/data-steward`],
};

function withStage(...pipelines: Raw[]): Raw {
    return mutate("dev", raw => {
        raw.scanStage = { pipelines };
    });
}

const key = (i: number, field: string) => `lakewarden:scanStage.pipelines[${i}].${field}`;

describe("scan stage config (lakewarden:scanStage)", () => {
    it("fills the defaults and is optional", () => {
        const env = parseEnvironment("dev", withStage({ ...pipeline, startOnEvent: { source: "lakewarden.ingest", detailType: "Ingest Finished" } }));
        const parsed = env.scanStage?.pipelines[0];
        assert.ok(parsed);
        assert.equal(parsed.maxObjectsPerRun, 500);
        assert.equal(parsed.onDeny, "delete");
        assert.deepEqual(parsed.startOnEvent, { source: "lakewarden.ingest", detailType: "Ingest Finished" });
        const without = mutate("dev", raw => {
            delete raw.scanStage;
        });
        assert.equal(parseEnvironment("dev", without).scanStage, undefined);
    });

    it("rejects a pipeline that never starts", () => {
        const { schedule: _schedule, ...never } = pipeline;
        expectProblem(withStage(never), "lakewarden:scanStage.pipelines[0]", /needs a schedule, a startOnEvent, or both/);
    });

    it("rejects a schedule that is not a rate or a six-field cron", () => {
        expectProblem(
            withStage({ ...pipeline, schedule: "every hour" }),
            key(0, "schedule"),
            /expected rate\(<n> <unit>\) or cron\(<6 fields>\), got "every hour"/,
        );
        expectProblem(withStage({ ...pipeline, schedule: "cron(0 * * * *)" }), key(0, "schedule"), /cron\(<6 fields>\)/);
        expectProblem(withStage({ ...pipeline, schedule: "rate(0 hours)" }), key(0, "schedule"), /expected rate/);
    });

    it("rejects a start event without a source or detail type", () => {
        expectProblem(
            withStage({ ...pipeline, startOnEvent: { source: "bad source!", detailType: "x" } }),
            key(0, "startOnEvent.source"),
            /expected an event source/,
        );
        expectProblem(withStage({ ...pipeline, startOnEvent: { source: "lakewarden.ingest" } }), key(0, "startOnEvent.detailType"), /./);
        expectProblem(withStage({ ...pipeline, startOnEvent: { source: "a", detailType: "b", extra: 1 } }), key(0, "startOnEvent"), /extra/);
    });

    it("bounds maxObjectsPerRun to 1..1000", () => {
        expectProblem(withStage({ ...pipeline, maxObjectsPerRun: 0 }), key(0, "maxObjectsPerRun"), />=1/);
        expectProblem(withStage({ ...pipeline, maxObjectsPerRun: 1001 }), key(0, "maxObjectsPerRun"), /<=1000/);
    });

    it("rejects an unknown onDeny, bad retention and timeout", () => {
        expectProblem(withStage({ ...pipeline, onDeny: "quarantine" }), key(0, "onDeny"), /"delete"\|"retain"|delete.*retain/);
        expectProblem(withStage({ ...pipeline, reviewRetentionDays: 6 }), key(0, "reviewRetentionDays"), />=7/);
        expectProblem(withStage({ ...pipeline, approvalTimeoutHours: 97 }), key(0, "approvalTimeoutHours"), /<=96/);
    });

    it("rejects an account that is not a producer", () => {
        expectProblem(withStage({ ...pipeline, account: "analytics" }), key(0, "account"), /"analytics" is not a producer account \(producers: producer\)/);
    });

    it("rejects approver roles outside the pipeline's account, duplicates and non-role ARNs", () => {
        expectProblem(
            withStage({ ...pipeline, approverRoleArns: ["arn:aws:iam::123456789012:role/ops"] }),
            key(0, "approverRoleArns[0]"),
            /must be in the pipeline's account producer \(777788889999\)/,
        );
        const role = pipeline.approverRoleArns[0];
        expectProblem(withStage({ ...pipeline, approverRoleArns: [role, role] }), key(0, "approverRoleArns[1]"), /duplicate approver role/);
        expectProblem(
            withStage({ ...pipeline, approverRoleArns: [`arn:aws:iam::${producer}:user/bob`] }),
            key(0, "approverRoleArns[0]"),
            /expected an IAM role ARN/,
        );
        expectProblem(withStage({ ...pipeline, approverRoleArns: [] }), key(0, "approverRoleArns"), /./);
    });

    it("rejects duplicate pipeline names and unknown keys", () => {
        expectProblem(withStage(pipeline, pipeline), key(1, "name"), /duplicate scan pipeline "ingest"/);
        expectProblem(withStage({ ...pipeline, maxObjects: 5 }), "lakewarden:scanStage.pipelines[0]", /maxObjects/);
    });

    it("needs lakewarden:remediation, which enrols the producers in Macie", () => {
        const raw = withStage(pipeline);
        delete raw.remediation;
        expectProblem(raw, "lakewarden:scanStage", /needs lakewarden:remediation/);
    });

    it("rejects an unknown notification kind", () => {
        expectProblem(
            withStage({ ...pipeline, notification: { kind: "email", webhookSecretName: "lakewarden/dev/scan/webhook" } }),
            key(0, "notification.kind"),
            /./,
        );
    });

    it("refuses, before any resource, a pipeline name whose bucket names would pass S3's 63 characters, naming the key and the file", () => {
        // Stack "integration": lw-integration-777788889999-eu-west-1-<name>-landing, 46 characters besides the name.
        const named = (name: string) => withStage({ ...pipeline, name });
        assert.throws(
            () => parseEnvironment("integration", named("a".repeat(24))),
            (error: unknown) => {
                assert.ok(error instanceof ConfigError);
                assert.deepEqual(
                    error.problems.map(p => p.key),
                    [key(0, "name")],
                );
                assert.match(
                    error.problems[0].message,
                    /^the stage's bucket lw-integration-777788889999-eu-west-1-a{24}-landing would be 70 characters, and S3 bucket names are 3-63 .*shorten the pipeline name to at most 17 characters \(Pulumi\.integration\.yaml\)$/,
                );
                return true;
            },
        );
        assert.equal(parseEnvironment("integration", named("a".repeat(17))).scanStage?.pipelines[0].name, "a".repeat(17));
        // The real stacks' pipelines fit.
        assert.ok(parseEnvironment("dev", named("a".repeat(24))));
    });

    it("takes a webhook notification, one secret name per account", () => {
        const notification = { kind: "teams", webhookSecretName: "lakewarden/dev/scan/webhook" };
        const env = parseEnvironment("dev", withStage({ ...pipeline, notification }));
        assert.deepEqual(env.scanStage?.pipelines[0].notification, notification);
        expectProblem(
            withStage({ ...pipeline, notification }, { ...pipeline, name: "orders", notification }),
            key(1, "notification.webhookSecretName"),
            /duplicate webhook secret \(account\/name\) "producer\/lakewarden\/dev\/scan\/webhook"/,
        );
    });
});
