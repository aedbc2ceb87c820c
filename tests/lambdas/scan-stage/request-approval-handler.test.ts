/**
 * The request-approval Lambda (lambdas/scan-stage/request-approval-handler.ts) invoked the way the
 * workflow's RequestApproval state invokes it (lambda:invoke.waitForTaskToken with the task token and
 * $$.State.EnteredTime), against the SDK's DynamoDB and SNS clients and their own exception classes.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { KMSAccessDeniedException, PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import type * as RequestApprovalHandler from "../../../lambdas/scan-stage/request-approval-handler";
import { loadSilently, useStageEnvironment } from "./handler-environment";

const { handler } = loadSilently(() => require("../../../lambdas/scan-stage/request-approval-handler") as typeof RequestApprovalHandler);

const TOPIC = "arn:aws:sns:eu-west-1:111122223333:lakewarden-orders-scan-approvals";
const ENVIRONMENT = {
    AWS_REGION: "eu-west-1",
    DECISION_TABLE: "orders-scan-decisions",
    TOPIC_ARN: TOPIC,
    APPROVAL_API_URL: "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod",
    REVIEW_BUCKET: "orders-review",
};

/**
 * The state's payload. A task token is opaque and up to 2,048 characters (SendTaskSuccess taskToken,
 * Step Functions API Reference); this one is longer than the 1,024 older references gave.
 */
const TOKEN = randomBytes(1200).toString("base64").slice(0, 1600);
const payload = (change: Record<string, unknown> = {}) => ({
    taskToken: TOKEN,
    pipeline: "orders",
    runId: "run-2024-03-11T19-30-00Z",
    reviewCount: 5,
    enteredAt: "2024-03-11T20:02:41.374Z",
    timeoutSeconds: 86_400,
    ...change,
});

describe("scan stage request-approval Lambda: environment", () => {
    useStageEnvironment({ ...ENVIRONMENT, REVIEW_BUCKET: undefined });

    it("refuses a payload without the task token before anything else, and names a missing variable", async () => {
        const { taskToken: _token, ...withoutToken } = payload();
        await assert.rejects(handler(withoutToken), { name: "InvalidScanRequest", message: /taskToken/ });
        await assert.rejects(handler(payload()), { name: "InvalidScanRequest", message: /REVIEW_BUCKET is not set/ });
    });
});

describe("scan stage request-approval Lambda", () => {
    useStageEnvironment(ENVIRONMENT);
    let ddb: AwsClientStub<DynamoDBClient>;
    let sns: AwsClientStub<SNSClient>;
    before(() => {
        ddb = mockClient(DynamoDBClient);
        sns = mockClient(SNSClient);
    });
    after(() => {
        ddb.restore();
        sns.restore();
    });
    afterEach(() => {
        ddb.reset();
        sns.reset();
    });

    it("records the pending approval with the token, then publishes a message without it", async () => {
        ddb.on(PutItemCommand).resolves({});
        sns.on(PublishCommand).resolves({ MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e" });
        await handler(payload());
        const item = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
        assert.equal(item?.TableName, "orders-scan-decisions");
        assert.deepEqual([item?.Item?.taskToken?.S, item?.Item?.status?.S, item?.Item?.expiresAt?.S], [TOKEN, "PENDING", "2024-03-12T20:02:41.374Z"]);
        const published = sns.commandCalls(PublishCommand)[0]?.args[0].input;
        assert.equal(published?.TopicArn, TOPIC);
        assert.equal(published?.Subject, "lakewarden scan stage orders: decision needed");
        // The facts as structured attributes (contracts/scan-stage-notices.ts), for filter policies and the notifier.
        assert.deepEqual(published?.MessageAttributes, {
            event: { DataType: "String", StringValue: "DECISION_NEEDED" },
            pipeline: { DataType: "String", StringValue: "orders" },
            runId: { DataType: "String", StringValue: "run-2024-03-11T19-30-00Z" },
            reviewCount: { DataType: "Number", StringValue: "5" },
            reviewBucket: { DataType: "String", StringValue: "orders-review" },
            expiresAt: { DataType: "String", StringValue: "2024-03-12T20:02:41.374Z" },
            decisionEndpoint: {
                DataType: "String",
                StringValue: "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/runs/run-2024-03-11T19-30-00Z/decision",
            },
        });
        assert.ok(!published?.Message?.includes(TOKEN.slice(0, 40)), "the token never leaves the table");
        assert.match(
            published?.Message ?? "",
            /POST https:\/\/a1b2c3d4e5\.execute-api\.eu-west-1\.amazonaws\.com\/prod\/runs\/run-2024-03-11T19-30-00Z\/decision/,
        );
        // The record is written before anyone is told: a fast approver always finds it.
        assert.ok(ddb.commandCalls(PutItemCommand)[0]?.calledBefore(sns.commandCalls(PublishCommand)[0]));
    });

    it("treats a retried invocation with the same token as recorded, and another token for the run as a conflict", async () => {
        ddb.on(PutItemCommand).rejectsOnce(
            new ConditionalCheckFailedException({ $metadata: { httpStatusCode: 400 }, message: "The conditional request failed" }),
        );
        await assert.rejects(handler(payload()), { name: "DecisionConflict", message: /already has an approval record/ });
        assert.equal(sns.commandCalls(PublishCommand).length, 0, "nobody is asked twice for one run");
        const condition = ddb.commandCalls(PutItemCommand)[0]?.args[0].input.ConditionExpression;
        assert.equal(condition, "attribute_not_exists(runId) OR (taskToken = :token AND #status = :pending)");
    });

    it("fails visibly when SNS cannot use the topic's key (the run then fails instead of waiting unheard)", async () => {
        ddb.on(PutItemCommand).resolves({});
        sns.on(PublishCommand).rejects(
            new KMSAccessDeniedException({ $metadata: { httpStatusCode: 400 }, message: "User is not authorized to perform kms:GenerateDataKey" }),
        );
        await assert.rejects(handler(payload()), { name: "KMSAccessDeniedException" });
    });
});
