/**
 * Invoked by the workflow with a task token (lambda:invoke.waitForTaskToken): records the pending
 * approval with its token, then tells the approvers. The message says what to review and how to
 * decide (a signed POST as an approver role); it carries no token and no link that decides by
 * being opened, so a mail scanner that follows links cannot approve anything.
 */
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { z } from "zod";
import { decisionNeededAttributes, type DecisionNeeded, noticeSubject } from "../../contracts/scan-stage-notices";
import { recordPending } from "./decision-record";
import { InvalidScanRequest } from "./errors";

const approvalRequestSchema = z.strictObject({
    /** Up to 2,048 characters (SendTaskSuccess taskToken, Step Functions API Reference; earlier versions said 1,024). */
    taskToken: z.string().min(1).max(2048),
    pipeline: z.string().min(1),
    runId: z.string().regex(/^[\w-]{1,80}$/),
    reviewCount: z.number().int().positive(),
    /** The state's entry time ($$.State.EnteredTime): the window is measured from it, like the task timeout. */
    enteredAt: z.iso.datetime(),
    timeoutSeconds: z.number().int().positive(),
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

export interface RequestApprovalDeps {
    ddb: DynamoDBClient;
    sns: SNSClient;
    decisionTable: string;
    topicArn: string;
    /** The approval API's invoke URL (stage included). */
    approvalApiUrl: string;
    reviewBucket: string;
}

export function parseApprovalRequest(payload: unknown): ApprovalRequest {
    const parsed = approvalRequestSchema.safeParse(payload);
    if (!parsed.success) {
        throw new InvalidScanRequest(`not an approval request: ${parsed.error.issues.map(i => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    return parsed.data;
}

export async function requestApproval(deps: RequestApprovalDeps, request: ApprovalRequest): Promise<void> {
    const expiresAt = new Date(Date.parse(request.enteredAt) + request.timeoutSeconds * 1000).toISOString();
    await recordPending(deps.ddb, deps.decisionTable, {
        runId: request.runId,
        pipeline: request.pipeline,
        taskToken: request.taskToken,
        reviewCount: request.reviewCount,
        requestedAt: request.enteredAt,
        expiresAt,
    });
    const notice: DecisionNeeded = {
        pipeline: request.pipeline,
        runId: request.runId,
        reviewCount: request.reviewCount,
        reviewBucket: deps.reviewBucket,
        expiresAt,
        decisionEndpoint: `${deps.approvalApiUrl.replace(/\/$/, "")}/runs/${request.runId}/decision`,
    };
    // The text is for people; subscribers and the notifier read the same facts from the attributes (contracts/scan-stage-notices.ts).
    const message = [
        `Scan stage ${notice.pipeline}, run ${notice.runId}: ${notice.reviewCount} object(s) need a decision.`,
        `They are in s3://${notice.reviewBucket}/ tagged lakewarden:scan-run=${notice.runId} (why: tag lakewarden:scan-verdict).`,
        `Decide before ${notice.expiresAt}; no decision by then is a deny.`,
        `To decide, as an approver role, send a SigV4-signed request:`,
        `  POST ${notice.decisionEndpoint}`,
        `  {"decision": "approve" | "deny", "reason": "<why>"}`,
    ].join("\n");
    await deps.sns.send(
        new PublishCommand({
            TopicArn: deps.topicArn,
            Subject: noticeSubject(request.pipeline, "decision needed"),
            Message: message,
            MessageAttributes: decisionNeededAttributes(notice),
        }),
    );
}
