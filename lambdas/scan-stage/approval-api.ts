/**
 * POST /runs/{runId}/decision (API Gateway REST, AWS_IAM): an approver role decides a run.
 * The caller is the SigV4-authenticated identity API Gateway reports, checked against the
 * configured approver roles (defence in depth behind the API's resource policy); the decision,
 * who took it and why go to the audit record first (claimed once), then to the waiting workflow.
 */
import { type ProxyResult, respond } from "../shared/api-response";
import { type SFNClient, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, InvalidToken } from "@aws-sdk/client-sfn";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { z } from "zod";
import { callerOf, isAllowedRole } from "../shared/iam-caller";
import { APIGatewayProxyEventSchema } from "@aws-lambda-powertools/parser/schemas/api-gateway";
import { claimDecision, markUndelivered } from "./decision-record";
import { DecisionConflict } from "./errors";

const decisionEventSchema = APIGatewayProxyEventSchema.extend({
    resource: z.literal("/runs/{runId}/decision"),
    pathParameters: z.object({ runId: z.string().regex(/^[\w-]{1,80}$/) }),
});

const decisionBodySchema = z.strictObject({
    decision: z.enum(["approve", "deny"]),
    reason: z.string().trim().min(3, { error: "say why (3-500 characters)" }).max(500),
});

export interface ApprovalApiDeps {
    ddb: DynamoDBClient;
    sfn: SFNClient;
    decisionTable: string;
    approverRoleArns: readonly string[];
    now: () => Date;
}

function parseJsonBody(body: string | null, isBase64Encoded: boolean | undefined): unknown {
    if (!body) return undefined;
    try {
        return JSON.parse(isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body);
    } catch {
        return undefined;
    }
}

export async function handleDecision(event: unknown, deps: ApprovalApiDeps): Promise<ProxyResult> {
    const parsed = decisionEventSchema.safeParse(event);
    if (!parsed.success) {
        return respond(400, { message: "not a POST /runs/{runId}/decision request" });
    }
    const request = parsed.data;
    if (request.httpMethod !== "POST") {
        return respond(405, { message: "use POST" });
    }
    const caller = callerOf(request);
    if (!caller || !isAllowedRole(caller.principalArn, deps.approverRoleArns)) {
        return respond(403, { message: "the caller is not an approver role" });
    }
    const body = decisionBodySchema.safeParse(parseJsonBody(request.body, request.isBase64Encoded));
    if (!body.success) {
        return respond(400, { message: 'expected {"decision": "approve" | "deny", "reason": "..."}', issues: body.error.issues.map(i => i.message) });
    }
    const runId = request.pathParameters.runId;
    const decidedAt = deps.now().toISOString();
    let claimed: { taskToken: string };
    try {
        claimed = await claimDecision(deps.ddb, deps.decisionTable, {
            runId,
            decision: body.data.decision,
            approverArn: caller.principalArn,
            reason: body.data.reason,
            decidedAt,
        });
    } catch (error) {
        if (error instanceof DecisionConflict) {
            return respond(409, { message: error.message });
        }
        throw error;
    }
    try {
        await deps.sfn.send(
            new SendTaskSuccessCommand({
                taskToken: claimed.taskToken,
                output: JSON.stringify({ decision: body.data.decision, approverArn: caller.principalArn, decidedAt }),
            }),
        );
    } catch (error) {
        if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken) {
            await markUndelivered(deps.ddb, deps.decisionTable, runId, error.name);
            return respond(409, { message: `run ${runId} stopped waiting (${error.name}); the decision was recorded but not applied` });
        }
        throw error;
    }
    return respond(200, { runId, decision: body.data.decision, approverArn: caller.principalArn, decidedAt });
}
