import { strict as assert } from "node:assert";
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { SFNClient, SendTaskSuccessCommand, TaskTimedOut } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { handleDecision, type ApprovalApiDeps } from "../../../lambdas/scan-stage/approval-api";
import { awsFixture } from "../../fixtures/aws/load";
import { parseApprovalRequest, requestApproval } from "../../../lambdas/scan-stage/request-approval";

let ddb: AwsClientStub<DynamoDBClient>;
let sfn: AwsClientStub<SFNClient>;
let sns: AwsClientStub<SNSClient>;
const APPROVER = "arn:aws:iam::111122223333:role/data-steward";
const deps: ApprovalApiDeps = {
    ddb: new DynamoDBClient({ region: "eu-west-1" }),
    sfn: new SFNClient({ region: "eu-west-1" }),
    decisionTable: "decisions",
    approverRoleArns: [APPROVER],
    now: () => new Date("2026-12-02T12:00:00Z"),
};
const conditionalFailure = () => new ConditionalCheckFailedException({ $metadata: { httpStatusCode: 400 }, message: "The conditional request failed" });

/** The real REST API IAM-authorised request (tests/fixtures/aws/apigateway), as a decision call. */
function decisionEvent(body: object | string, userArn = "arn:aws:sts::111122223333:assumed-role/data-steward/alice") {
    const real = awsFixture("apigateway/rest-iam-auth.json");
    real.resource = real.requestContext.resourcePath = "/runs/{runId}/decision";
    real.path = "/runs/run-1/decision";
    real.pathParameters = { runId: "run-1" };
    real.httpMethod = real.requestContext.httpMethod = "POST";
    real.headers["Content-Type"] = "application/json";
    real.body = typeof body === "string" ? body : JSON.stringify(body);
    real.isBase64Encoded = false;
    Object.assign(real.requestContext.identity, { userArn, accountId: "111122223333", user: "AROAEXAMPLE:alice" });
    return real;
}

describe("scan stage: approval", () => {
    before(() => {
        ddb = mockClient(DynamoDBClient);
        sfn = mockClient(SFNClient);
        sns = mockClient(SNSClient);
    });
    // mockClient(Class) patches every instance until restored, and mocha workers run many files.
    after(() => {
        for (const m of [ddb, sfn, sns]) m.restore();
    });
    afterEach(() => {
        ddb.reset();
        sfn.reset();
        sns.reset();
    });

    it("records the token and notifies without it", async () => {
        ddb.on(PutItemCommand).resolves({});
        sns.on(PublishCommand).resolves({ MessageId: "m" });
        const request = parseApprovalRequest({
            taskToken: "SECRET-TOKEN",
            pipeline: "orders",
            runId: "run-1",
            reviewCount: 3,
            enteredAt: "2026-12-02T10:00:00Z",
            timeoutSeconds: 3600,
        });
        await requestApproval(
            {
                ddb: deps.ddb,
                sns: new SNSClient({ region: "eu-west-1" }),
                decisionTable: "decisions",
                topicArn: "arn:aws:sns:eu-west-1:111122223333:t",
                approvalApiUrl: "https://api/prod/",
                reviewBucket: "review",
            },
            request,
        );
        const item = ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
        assert.equal(item?.taskToken?.S, "SECRET-TOKEN");
        assert.equal(item?.expiresAt?.S, "2026-12-02T11:00:00.000Z");
        const message = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? "";
        assert.ok(!message.includes("SECRET-TOKEN"));
        assert.match(message, /POST https:\/\/api\/prod\/runs\/run-1\/decision/);
        assert.throws(() => parseApprovalRequest({ pipeline: "orders" }), { name: "InvalidScanRequest" });
    });

    it("records who decided, then answers the workflow", async () => {
        ddb.on(UpdateItemCommand).resolves({ Attributes: { taskToken: { S: "tok" }, pipeline: { S: "orders" } } });
        sfn.on(SendTaskSuccessCommand).resolves({});
        const result = await handleDecision(decisionEvent({ decision: "approve", reason: "synthetic test data" }), deps);
        assert.equal(result.statusCode, 200);
        const update = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
        assert.equal(update?.ExpressionAttributeValues?.[":approver"]?.S, "arn:aws:sts::111122223333:assumed-role/data-steward/alice");
        assert.equal(update?.ConditionExpression, "#status = :pending AND expiresAt > :at");
        const sent = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
        assert.equal(sent?.taskToken, "tok");
        assert.equal(JSON.parse(sent?.output ?? "{}").decision, "approve");
    });

    it("refuses callers that are not approver roles, and GET", async () => {
        assert.equal(
            (await handleDecision(decisionEvent({ decision: "approve", reason: "ok ok" }, "arn:aws:sts::111122223333:assumed-role/other/bob"), deps))
                .statusCode,
            403,
        );
        assert.equal((await handleDecision({ ...decisionEvent({}), httpMethod: "GET" }, deps)).statusCode, 405);
        assert.equal((await handleDecision({ ...decisionEvent({}), resource: "/releases" }, deps)).statusCode, 400);
        assert.equal((await handleDecision(decisionEvent("not json"), deps)).statusCode, 400);
        assert.equal(ddb.calls().length, 0);
    });

    it("answers 409 to a second decision, naming the first", async () => {
        ddb.on(UpdateItemCommand).rejects(conditionalFailure());
        ddb.on(GetItemCommand).resolves({ Item: { status: { S: "DECIDED" }, decision: { S: "deny" }, approverArn: { S: "arn:x" }, decidedAt: { S: "t" } } });
        const result = await handleDecision(decisionEvent({ decision: "approve", reason: "second try" }), deps);
        assert.equal(result.statusCode, 409);
        assert.match(result.body, /already decided: deny by arn:x/);
        assert.equal(sfn.calls().length, 0);
    });

    it("marks the record when the workflow stopped waiting meanwhile", async () => {
        ddb.on(UpdateItemCommand)
            .resolvesOnce({ Attributes: { taskToken: { S: "tok" }, pipeline: { S: "orders" } } })
            .resolves({});
        sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ $metadata: { httpStatusCode: 400 }, message: "Task Timed Out" }));
        const result = await handleDecision(decisionEvent({ decision: "approve", reason: "late" }), deps);
        assert.equal(result.statusCode, 409);
        assert.equal(ddb.commandCalls(UpdateItemCommand)[1]?.args[0].input.ExpressionAttributeValues?.[":undelivered"]?.S, "UNDELIVERED");
    });
});
