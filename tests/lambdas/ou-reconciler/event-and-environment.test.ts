import assert from "node:assert/strict";
import { awsFixture } from "../../fixtures/aws/load";
import { readEnvironment } from "../../../lambdas/ou-reconciler/config";
import { readInvocation } from "../../../lambdas/ou-reconciler/event";

describe("ou-reconciler invocation and environment", () => {
    it("reads the scheduled, Organizations and dry-run events", () => {
        // Real payloads (tests/fixtures/aws): the scheduled rule's event and a CloudTrail MoveAccount.
        assert.deepEqual(readInvocation(awsFixture("eventbridge/scheduled-event.json")), { dryRun: false, trigger: "schedule" });
        assert.deepEqual(readInvocation(awsFixture("organizations/cloudtrail-move-account.json")), { dryRun: false, trigger: "organizations:MoveAccount" });
        assert.deepEqual(readInvocation({ dryRun: true }), { dryRun: true, trigger: "direct invocation" });
        assert.deepEqual(readInvocation({}), { dryRun: false, trigger: "direct invocation" });
    });

    it("refuses a dryRun that is not a boolean rather than writing, and an event without its envelope", () => {
        assert.throws(() => readInvocation({ dryRun: "true" }), /dryRun/);
        assert.throws(() => readInvocation({ source: "aws.events", "detail-type": "Scheduled Event", detail: {} }), /time/);
    });

    it("reads the environment with defaults and treats an empty role ARN as absent", () => {
        assert.deepEqual(readEnvironment({ MAPPING_PARAMETER_NAME: "/lakewarden/ou-sharing", ORG_READ_ROLE_ARN: "" }), {
            mappingParameterName: "/lakewarden/ou-sharing",
            orgReadRoleArn: undefined,
            readConcurrency: 4,
            writeConcurrency: 4,
        });
        const env = readEnvironment({
            MAPPING_PARAMETER_NAME: "/lakewarden/ou-sharing",
            ORG_READ_ROLE_ARN: "arn:aws:iam::111111111111:role/lakewarden-org-read",
            WRITE_CONCURRENCY: "2",
        });
        assert.equal(env.orgReadRoleArn, "arn:aws:iam::111111111111:role/lakewarden-org-read");
        assert.equal(env.writeConcurrency, 2);
    });

    it("names the variable that is wrong", () => {
        assert.throws(() => readEnvironment({}), /MAPPING_PARAMETER_NAME/);
        assert.throws(() => readEnvironment({ MAPPING_PARAMETER_NAME: "/p", ORG_READ_ROLE_ARN: "arn:aws:iam::1:user/x" }), /ORG_READ_ROLE_ARN/);
        assert.throws(() => readEnvironment({ MAPPING_PARAMETER_NAME: "/p", WRITE_CONCURRENCY: "100" }), /WRITE_CONCURRENCY/);
    });
});
