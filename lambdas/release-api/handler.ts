/**
 * POST /releases (API Gateway REST proxy, AWS_IAM authorisation).
 * Body: { findingId, versionId, reason, requestId }. Env: RELEASE_STATE_MACHINE_ARN,
 * RELEASER_ROLE_ARNS (comma-separated roles allowed to release).
 */
import { type ProxyResult, respond } from "../shared/api-response";
import { SFNClient } from "@aws-sdk/client-sfn";
import { callerOf, isAllowedRole, roleArnsFromEnvironment } from "../shared/iam-caller";
import { APIGatewayProxyEventSchema } from "@aws-lambda-powertools/parser/schemas/api-gateway";
import { parseBody } from "./request";
import { releaseExecutionName, startRelease, stateMachineArnFromEnvironment } from "./start-release";
import { countWith, telemetry } from "../shared/telemetry";

const { logger, metrics } = telemetry("release-api");

export interface ReleaseApiDeps {
    sfn: SFNClient;
    stateMachineArn: string;
    releaserRoleArns: readonly string[];
}

export async function handleRelease(event: unknown, deps: ReleaseApiDeps): Promise<ProxyResult> {
    const parsedEvent = APIGatewayProxyEventSchema.safeParse(event);
    if (!parsedEvent.success) {
        return respond(400, { message: "not an API Gateway proxy request" });
    }
    const request = parsedEvent.data;
    if (request.httpMethod !== "POST") {
        return respond(405, { message: "use POST" });
    }
    const caller = callerOf(request);
    if (!caller || !isAllowedRole(caller.principalArn, deps.releaserRoleArns)) {
        logger.warn("release refused", { principalArn: caller?.principalArn, sourceIp: request.requestContext.identity.sourceIp });
        return respond(403, { message: "the caller is not a releaser role" });
    }
    const body = parseBody(request);
    if (!body.ok) {
        return respond(400, { message: "invalid release request", issues: body.issues });
    }
    const name = releaseExecutionName(body.body);
    const outcome = await startRelease(deps.sfn, deps.stateMachineArn, { ...body.body, requestedBy: caller }, name);
    logger.info("release requested", {
        findingId: body.body.findingId,
        versionId: body.body.versionId,
        requestId: body.body.requestId,
        principalArn: caller.principalArn,
        sourceIp: request.requestContext.identity.sourceIp,
        userAgent: request.requestContext.identity.userAgent,
        apiRequestId: request.requestContext.requestId,
        outcome: outcome.status,
    });
    countWith(metrics, "ReleaseRequests", "outcome", outcome.status);
    if (outcome.status === "CONFLICT") {
        return respond(409, {
            message: "this requestId was already used for a different release request; send a new requestId",
            executionArn: outcome.executionArn,
        });
    }
    return respond(outcome.status === "STARTED" ? 202 : 200, outcome);
}

let deps: ReleaseApiDeps | undefined;

export const handler = async (event: unknown): Promise<ProxyResult> => {
    try {
        deps ??= {
            sfn: new SFNClient({}),
            stateMachineArn: stateMachineArnFromEnvironment(process.env.RELEASE_STATE_MACHINE_ARN),
            releaserRoleArns: roleArnsFromEnvironment("RELEASER_ROLE_ARNS"),
        };
        return await handleRelease(event, deps);
    } catch (error) {
        logger.error("release request failed", { error: error as Error });
        return respond(500, { message: "the release could not be started; retry with the same requestId" });
    }
};
