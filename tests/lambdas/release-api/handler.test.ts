import assert from "node:assert/strict";
import { awsFixture } from "../../fixtures/aws/load";
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { isAllowedRole } from "../../../lambdas/shared/iam-caller";
import type { ProxyResult } from "../../../lambdas/shared/api-response";
import { handleRelease, releaseApiHandler as handler } from "../../../support/remediation/handlers";
import { useRemediationEnvironment } from "../../../support/remediation/remediation-environment";
import { releaseExecutionName } from "../../../lambdas/release-api/start-release";

const STATE_MACHINE = "arn:aws:states:eu-west-1:111111111111:stateMachine:lakewarden-release";
const RELEASER = "arn:aws:iam::111111111111:role/security/lakewarden-investigator";
const ALICE = "arn:aws:sts::111111111111:assumed-role/lakewarden-investigator/alice";

const body = {
    findingId: "64b917aff3ed7a6d2a5a0c8b6d9b4c8f",
    versionId: "v1.abc_DEF",
    reason: "false positive: test fixtures",
    requestId: "5b7e2c1a-0f43-4a4e-9d55-3c1f4f2a9b10",
};

/** The real REST API IAM-authorised request (tests/fixtures/aws/apigateway), as a release call. */
function event(overrides: { body?: string | null; userArn?: string | null; httpMethod?: string; isBase64Encoded?: boolean } = {}) {
    const real = awsFixture("apigateway/rest-iam-auth.json");
    real.resource = real.path = real.requestContext.resourcePath = "/releases";
    real.httpMethod = real.requestContext.httpMethod = overrides.httpMethod ?? "POST";
    real.headers["Content-Type"] = "application/json";
    real.body = overrides.body === undefined ? JSON.stringify(body) : overrides.body;
    real.isBase64Encoded = overrides.isBase64Encoded ?? false;
    Object.assign(real.requestContext.identity, {
        userArn: overrides.userArn === undefined ? ALICE : overrides.userArn,
        accountId: "111111111111",
        user: "AROAEXAMPLE:alice",
        principalOrgId: "o-abcdefghij",
    });
    return real;
}

const json = (result: ProxyResult) => JSON.parse(result.body) as Record<string, any>;

describe("release-api handler", () => {
    useRemediationEnvironment();
    let sfn: ReturnType<typeof mockClient>;
    const deps = { sfn: new SFNClient({}), stateMachineArn: STATE_MACHINE, releaserRoleArns: [RELEASER] };
    beforeEach(() => {
        sfn = mockClient(SFNClient);
    });
    afterEach(() => sfn.restore());

    it("starts the release under an idempotent name with the caller recorded from the IAM context", async () => {
        sfn.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE}:x`, startDate: new Date() });

        const result = await handleRelease(event(), deps);

        assert.equal(result.statusCode, 202);
        assert.equal(json(result).status, "STARTED");
        const input = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
        assert.equal(input.stateMachineArn, STATE_MACHINE);
        assert.equal(input.name, releaseExecutionName(body));
        assert.match(input.name ?? "", /^release-[0-9a-f]{40}$/);
        assert.deepEqual(JSON.parse(input.input ?? ""), {
            ...body,
            requestedBy: { principalArn: ALICE, accountId: "111111111111", userId: "AROAEXAMPLE:alice", principalOrgId: "o-abcdefghij" },
        });
        assert.equal(releaseExecutionName(body), releaseExecutionName({ ...body }), "same request, same name");
        assert.notEqual(releaseExecutionName(body), releaseExecutionName({ ...body, requestId: "0d7f3d0e-5b8e-4d43-a6b1-5a54a1d0f0c2" }));
    });

    it("accepts a base64-encoded body", async () => {
        sfn.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE}:x` });
        const result = await handleRelease(event({ body: Buffer.from(JSON.stringify(body)).toString("base64"), isBase64Encoded: true }), deps);
        assert.equal(result.statusCode, 202);
    });

    for (const [title, payload, path] of [
        ["no body", null, ""],
        ["a body that is not JSON", "{findingId:", ""],
        ["a missing findingId", JSON.stringify({ ...body, findingId: undefined }), "findingId"],
        ["a findingId with path characters", JSON.stringify({ ...body, findingId: "../../etc" }), "findingId"],
        ["the literal version id null", JSON.stringify({ ...body, versionId: "null" }), "versionId"],
        ["an empty reason", JSON.stringify({ ...body, reason: "  " }), "reason"],
        ["a requestId that is not a UUID", JSON.stringify({ ...body, requestId: "1" }), "requestId"],
        ["an unknown field", JSON.stringify({ ...body, force: true }), ""],
    ] as const) {
        it(`answers 400 with the offending field for ${title}`, async () => {
            const result = await handleRelease(event({ body: payload }), deps);
            assert.equal(result.statusCode, 400);
            const answer = json(result);
            assert.equal(answer.message, "invalid release request");
            assert.ok(answer.issues.length > 0);
            assert.ok(
                answer.issues.some((i: { path: string }) => i.path === path),
                JSON.stringify(answer.issues),
            );
            assert.equal(sfn.commandCalls(StartExecutionCommand).length, 0);
        });
    }

    it("answers 403 to callers that are not a releaser role, 405 to other methods", async () => {
        for (const userArn of [
            "arn:aws:sts::111111111111:assumed-role/developer/alice",
            "arn:aws:sts::999999999999:assumed-role/lakewarden-investigator/mallory",
            "arn:aws:iam::111111111111:user/lakewarden-investigator",
            null,
        ]) {
            assert.equal((await handleRelease(event({ userArn }), deps)).statusCode, 403, String(userArn));
        }
        assert.equal((await handleRelease(event({ httpMethod: "GET" }), deps)).statusCode, 405);
        assert.equal((await handleRelease({ hello: "world" }, deps)).statusCode, 400);
        assert.equal(sfn.commandCalls(StartExecutionCommand).length, 0);
    });

    it("answers 200 for a retried request whose execution already finished, 409 when the requestId was used for another", async () => {
        sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ $metadata: {}, message: "Execution Already Exists" }));
        const sameInput = JSON.stringify({
            ...body,
            requestedBy: { principalArn: ALICE, accountId: "111111111111", userId: "AROAEXAMPLE:alice", principalOrgId: "o-abcdefghij" },
        });
        sfn.on(DescribeExecutionCommand).resolvesOnce({ input: sameInput, status: "SUCCEEDED" }).resolvesOnce({ input: "{}", status: "SUCCEEDED" });

        const retried = await handleRelease(event(), deps);
        const conflict = await handleRelease(event(), deps);

        assert.equal(retried.statusCode, 200);
        assert.deepEqual(json(retried), {
            status: "ALREADY_STARTED",
            executionArn: `arn:aws:states:eu-west-1:111111111111:execution:lakewarden-release:${releaseExecutionName(body)}`,
            executionStatus: "SUCCEEDED",
        });
        assert.equal(conflict.statusCode, 409);
    });

    it("answers 200, not 409, when the same role retries from a new session; 409 for another role", async () => {
        sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ $metadata: {}, message: "Execution Already Exists" }));
        const asked = (principalArn: string, userId: string) =>
            JSON.stringify({ ...body, requestedBy: { principalArn, accountId: "111111111111", userId, principalOrgId: "o-abcdefghij" } });
        sfn.on(DescribeExecutionCommand)
            .resolvesOnce({
                input: asked("arn:aws:sts::111111111111:assumed-role/lakewarden-investigator/alice-old-session", "AROAEXAMPLE:alice-old-session"),
                status: "RUNNING",
            })
            .resolvesOnce({ input: asked("arn:aws:sts::111111111111:assumed-role/incident-commander/bob", "AROAOTHER:bob"), status: "RUNNING" });

        assert.equal((await handleRelease(event(), deps)).statusCode, 200);
        assert.equal((await handleRelease(event(), deps)).statusCode, 409);
    });

    it("handler reads its configuration from the environment and hides internal errors behind 500", async () => {
        sfn.on(StartExecutionCommand).rejects(Object.assign(new Error("throttled"), { name: "ThrottlingException" }));
        process.env.RELEASE_STATE_MACHINE_ARN = STATE_MACHINE;
        process.env.RELEASER_ROLE_ARNS = `${RELEASER}, arn:aws:iam::111111111111:role/incident-commander`;
        try {
            const result = await handler(event());
            assert.equal(result.statusCode, 500);
            assert.ok(!result.body.includes("throttled"));
        } finally {
            delete process.env.RELEASE_STATE_MACHINE_ARN;
            delete process.env.RELEASER_ROLE_ARNS;
        }
    });

    it("matches releaser roles by partition, account and name (assumed-role ARNs drop the path)", () => {
        assert.ok(isAllowedRole(ALICE, [RELEASER]));
        assert.ok(!isAllowedRole("arn:aws-us-gov:sts::111111111111:assumed-role/lakewarden-investigator/alice", [RELEASER]));
        assert.ok(!isAllowedRole("arn:aws:sts::111111111111:assumed-role/lakewarden-investigator-2/alice", [RELEASER]));
    });
});
