import assert from "node:assert/strict";
import { memberRolePolicy } from "../../../lambdas/quarantine-object/member-role-policy";
import { isAllowed, type PolicyDoc } from "../../../support/remediation/iam-eval";

const args = { partition: "aws", accountId: "222222222222", quarantinePrefix: "quarantine/", buckets: ["data-a"] };
const own = { "aws:ResourceAccount": "222222222222" };

describe("quarantine-object member role policies", () => {
    const quarantine = memberRolePolicy("quarantine", args) as PolicyDoc;
    const release = memberRolePolicy("release", args) as PolicyDoc;

    it("lets the quarantine role delete originals and write copies, never delete copies", () => {
        assert.ok(isAllowed(quarantine, "s3:DeleteObjectVersion", "arn:aws:s3:::data-a/exports/a.csv", own));
        assert.ok(isAllowed(quarantine, "s3:PutObject", "arn:aws:s3:::data-a/quarantine/v1/exports/a.csv", own));
        assert.ok(!isAllowed(quarantine, "s3:PutObject", "arn:aws:s3:::data-a/exports/a.csv", own));
        assert.ok(!isAllowed(quarantine, "s3:DeleteObjectVersion", "arn:aws:s3:::data-a/quarantine/v1/exports/a.csv", own));
    });

    it("lets the release role restore and delete copies, never write into quarantine", () => {
        assert.ok(isAllowed(release, "s3:PutObject", "arn:aws:s3:::data-a/exports/a.csv", own));
        assert.ok(isAllowed(release, "s3:DeleteObjectVersion", "arn:aws:s3:::data-a/quarantine/v1/exports/a.csv", own));
        assert.ok(!isAllowed(release, "s3:PutObject", "arn:aws:s3:::data-a/quarantine/v1/exports/a.csv", own));
        assert.ok(!isAllowed(release, "s3:DeleteObjectVersion", "arn:aws:s3:::data-a/exports/a.csv", own));
    });

    it("names no action with a wildcard and stays in the listed buckets of its own account", () => {
        for (const policy of [quarantine, release]) {
            for (const statement of policy.Statement) {
                for (const action of [statement.Action].flat()) assert.ok(!action.includes("*"), action);
            }
            assert.ok(!isAllowed(policy, "s3:GetObjectVersion", "arn:aws:s3:::other/exports/a.csv", own));
            assert.ok(!isAllowed(policy, "s3:GetObjectVersion", "arn:aws:s3:::data-a/exports/a.csv", { "aws:ResourceAccount": "999999999999" }));
        }
    });
});
