/**
 * The approval API Lambda (lambdas/scan-stage/approval-api-handler.ts) on the real API Gateway REST
 * request with AWS_IAM authorisation (tests/fixtures/aws/apigateway/rest-iam-auth.json; fields changed
 * to the decision route are named in decisionRequest), against the SDK's DynamoDB and Step Functions
 * clients and their own exception classes.
 */
import { strict as assert } from "node:assert";
import { DynamoDBClient, GetItemCommand, InternalServerError, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { InvalidToken, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import type * as ApprovalApiHandler from "../../../lambdas/scan-stage/approval-api-handler";
import { awsFixture } from "../../fixtures/aws/load";
import { loadSilently, useStageEnvironment } from "./handler-environment";

const { handler } = loadSilently(() => require("../../../lambdas/scan-stage/approval-api-handler") as typeof ApprovalApiHandler);

const RUN_ID = "run-2024-03-11T19-30-00Z";

/**
 * The real request as POST /runs/{runId}/decision: resource, path, pathParameters, method, body and
 * Content-Type changed; the caller stays the fixture's (assumed-role/Admin/aamorosi in 123456789012).
 */
function decisionRequest(body: unknown): Record<string, any> {
    const request = awsFixture("apigateway/rest-iam-auth.json");
    request.resource = request.requestContext.resourcePath = "/runs/{runId}/decision";
    request.path = `/runs/${RUN_ID}/decision`;
    request.requestContext.path = `/prod/runs/${RUN_ID}/decision`;
    request.pathParameters = { runId: RUN_ID };
    request.httpMethod = request.requestContext.httpMethod = "POST";
    request.headers["Content-Type"] = "application/json";
    request.body = JSON.stringify(body);
    request.isBase64Encoded = false;
    return request;
}

const ENVIRONMENT = {
    AWS_REGION: "eu-west-1",
    DECISION_TABLE: "orders-scan-decisions",
    // The fixture's caller role, with a path: an assumed-role ARN drops it, the check must not.
    APPROVER_ROLE_ARNS: "arn:aws:iam::123456789012:role/data-stewards/Admin, arn:aws:iam::123456789012:role/other-approver",
};

describe("scan stage approval API Lambda", () => {
    useStageEnvironment(ENVIRONMENT);
    let ddb: AwsClientStub<DynamoDBClient>;
    let sfn: AwsClientStub<SFNClient>;
    before(() => {
        ddb = mockClient(DynamoDBClient);
        sfn = mockClient(SFNClient);
    });
    after(() => {
        ddb.restore();
        sfn.restore();
    });
    afterEach(() => {
        ddb.reset();
        sfn.reset();
    });

    it("records the real caller's decision and answers the waiting workflow", async () => {
        ddb.on(UpdateItemCommand).resolves({ Attributes: { taskToken: { S: "AAAAKgAAAAIAAAAAAAAAA" }, pipeline: { S: "orders" } } });
        sfn.on(SendTaskSuccessCommand).resolves({});
        const response = await handler(decisionRequest({ decision: "approve", reason: "synthetic test data, no real customers" }));
        assert.equal(response.statusCode, 200);
        const body = JSON.parse(response.body);
        assert.deepEqual([body.runId, body.decision, body.approverArn], [RUN_ID, "approve", "arn:aws:sts::123456789012:assumed-role/Admin/aamorosi"]);
        const update = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
        assert.deepEqual([update?.TableName, update?.Key], ["orders-scan-decisions", { runId: { S: RUN_ID } }]);
        const sent = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
        assert.equal(sent?.taskToken, "AAAAKgAAAAIAAAAAAAAAA");
        assert.deepEqual(JSON.parse(sent?.output ?? "{}").approverArn, "arn:aws:sts::123456789012:assumed-role/Admin/aamorosi");
    });

    it("answers a caller outside the approver roles with 403, touching nothing", async () => {
        const request = decisionRequest({ decision: "deny", reason: "not mine to decide" });
        request.requestContext.identity.userArn = "arn:aws:sts::123456789012:assumed-role/Analyst/bob";
        assert.equal((await handler(request)).statusCode, 403);
        assert.equal(ddb.calls().length + sfn.calls().length, 0);
    });

    it("says the decision was recorded but not applied when the workflow's token is no longer valid", async () => {
        ddb.on(UpdateItemCommand)
            .resolvesOnce({ Attributes: { taskToken: { S: "AAAAKgAAAAIAAAAAAAAAA" }, pipeline: { S: "orders" } } })
            .resolvesOnce({});
        sfn.on(SendTaskSuccessCommand).rejects(new InvalidToken({ $metadata: { httpStatusCode: 400 }, message: "Invalid token" }));
        const response = await handler(decisionRequest({ decision: "approve", reason: "late but sure" }));
        assert.equal(response.statusCode, 409);
        assert.match(response.body, /stopped waiting \(InvalidToken\)/);
        assert.equal(ddb.commandCalls(UpdateItemCommand)[1]?.args[0].input.ExpressionAttributeValues?.[":why"]?.S, "InvalidToken");
    });

    it("answers an unexpected DynamoDB failure with 500 and no detail; the client may retry safely", async () => {
        ddb.on(UpdateItemCommand).rejects(new InternalServerError({ $metadata: { httpStatusCode: 500 }, message: "Internal server error" }));
        const response = await handler(decisionRequest({ decision: "deny", reason: "contains card numbers" }));
        assert.equal(response.statusCode, 500);
        assert.doesNotMatch(response.body, /Internal server error/);
        assert.equal(sfn.calls().length, 0);
        assert.equal(ddb.commandCalls(GetItemCommand).length, 0);
    });
});
