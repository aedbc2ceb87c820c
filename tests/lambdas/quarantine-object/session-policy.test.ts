import assert from "node:assert/strict";
import { escapeArnPart, sessionName, sessionPolicy } from "../../../lambdas/quarantine-object/session-policy";
import { grantsFor, stepActions, type StepScope } from "../../../lambdas/quarantine-object/steps";
import { isAllowed, type PolicyDoc } from "../../../support/remediation/iam-eval";

const scope = (step: StepScope["step"], key: string): StepScope => ({
    purpose: "quarantine",
    step,
    findingId: "f1",
    location: { accountId: "222222222222", region: "eu-west-1", partition: "aws", bucket: "data-a" },
    source: { key, widenTo: "" },
    target: { key: `quarantine/v1/${key}`, widenTo: "quarantine/" },
});

function policyFor(s: StepScope): PolicyDoc {
    return JSON.parse(sessionPolicy({ ...s.location, bucketActions: stepActions(s.step).bucket, grants: grantsFor(s) })) as PolicyDoc;
}

describe("quarantine-object session policy", () => {
    it("allows the copy step to read the original and write only its quarantine key", () => {
        const policy = policyFor(scope("copy", "exports/a.csv"));
        assert.ok(isAllowed(policy, "s3:GetObjectVersion", "arn:aws:s3:::data-a/exports/a.csv"));
        assert.ok(isAllowed(policy, "s3:PutObject", "arn:aws:s3:::data-a/quarantine/v1/exports/a.csv"));
        assert.ok(isAllowed(policy, "s3:ListBucket", "arn:aws:s3:::data-a"));
        assert.ok(!isAllowed(policy, "s3:PutObject", "arn:aws:s3:::data-a/exports/a.csv"));
        assert.ok(!isAllowed(policy, "s3:DeleteObjectVersion", "arn:aws:s3:::data-a/exports/a.csv"));
        assert.ok(!isAllowed(policy, "s3:GetObjectVersion", "arn:aws:s3:::data-a/exports/b.csv"));
        assert.ok(!isAllowed(policy, "s3:GetObjectVersion", "arn:aws:s3:::data-b/exports/a.csv"));
    });

    it("lets only the delete step delete, and only the source version's key", () => {
        const policy = policyFor(scope("deleteSource", "exports/a.csv"));
        assert.ok(isAllowed(policy, "s3:DeleteObjectVersion", "arn:aws:s3:::data-a/exports/a.csv"));
        assert.ok(!isAllowed(policy, "s3:DeleteObjectVersion", "arn:aws:s3:::data-a/quarantine/v1/exports/a.csv"));
        assert.ok(!isAllowed(policyFor(scope("verify", "exports/a.csv")), "s3:DeleteObjectVersion", "arn:aws:s3:::data-a/exports/a.csv"));
    });

    it("escapes IAM wildcards in keys so a key named * grants nothing more", () => {
        assert.equal(escapeArnPart("a*b?c$d"), "a${*}b${?}c${$}d");
        const policy = policyFor(scope("verify", "reports/*.csv"));
        assert.ok(isAllowed(policy, "s3:GetObjectVersion", "arn:aws:s3:::data-a/reports/*.csv"));
        assert.ok(!isAllowed(policy, "s3:GetObjectVersion", "arn:aws:s3:::data-a/reports/secret.csv"));
    });

    it("widens to the prefix when exact ARNs would exceed 2,048 characters, and stays within the bucket", () => {
        const longKey = `deep/${"x".repeat(900)}.csv`;
        const text = sessionPolicy({
            ...scope("copy", longKey).location,
            bucketActions: stepActions("copy").bucket,
            grants: grantsFor(scope("copy", longKey)),
        });
        assert.ok(text.length <= 2048);
        const policy = JSON.parse(text) as PolicyDoc;
        assert.ok(isAllowed(policy, "s3:PutObject", `arn:aws:s3:::data-a/quarantine/v1/${longKey}`));
        assert.ok(!isAllowed(policy, "s3:PutObject", `arn:aws:s3:::data-a/${longKey}`), "writes stay under the prefix");
        assert.ok(!isAllowed(policy, "s3:GetObjectVersion", "arn:aws:s3:::other-bucket/x"));
    });

    it("scopes KMS to the member account's keys used through S3 in the region", () => {
        const policy = policyFor(scope("copy", "a"));
        const kms = "arn:aws:kms:eu-west-1:222222222222:key/1234";
        assert.ok(isAllowed(policy, "kms:Decrypt", kms, { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }));
        assert.ok(!isAllowed(policy, "kms:Decrypt", kms, { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" }));
        assert.ok(!isAllowed(policy, "kms:Decrypt", "arn:aws:kms:eu-west-1:999999999999:key/1", { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }));
    });

    it("builds CloudTrail-friendly session names within STS limits", () => {
        assert.equal(sessionName("quarantine-copy", "abc/def"), "lakewarden-quarantine-copy-abc-def");
        assert.ok(sessionName("release-deleteSource", "f".repeat(128)).length <= 64);
    });
});
