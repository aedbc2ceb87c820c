/**
 * The scan stage's notices as SNS delivers them to Lambda: the contract is the Powertools parser's SNS
 * event schema (Records[].Sns, the field spelling of Lambda deliveries: SigningCertUrl, UnsubscribeUrl;
 * Lambda Developer Guide, "Using Lambda with Amazon SNS") narrowed to what the stage publishes
 * (contracts/scan-stage-notices.ts, shared with the publishers):
 * - DECISION_NEEDED, read from its message attributes (request-approval.ts), never from its text;
 * - RUN_FAILED, read from its JSON body, which the workflow's catch and the stage's execution status rule
 *   both write (the rule's SNS target sets no attributes).
 * Anything else is refused (InvalidNotification), never half-rendered. SNS may put more than one record in
 * an event (the event format allows it), so every record counts.
 */
import { SnsNotificationSchema, SnsRecordSchema, SnsSchema } from "@aws-lambda-powertools/parser/schemas/sns";
import { z } from "zod";
import { deliveredDecisionNeededSchema, noticeSubject, runFailureSchema } from "../../contracts/scan-stage-notices";

const where = {
    accountId: z.string().regex(/^\d{12}$/),
    region: z.string().min(1),
    partition: z.string().min(1),
};

/** What one approval request tells the approvers (no task token: it stays in the decision table). */
export const scanApprovalSchema = z.object({
    kind: z.literal("SCAN_APPROVAL"),
    pipeline: z.string().min(1),
    runId: z.string().regex(/^[\w-]{1,80}$/),
    reviewCount: z.number().int().positive(),
    reviewBucket: z.string().min(3).max(63),
    expiresAt: z.iso.datetime(),
    /** Where an approver role sends the SigV4-signed POST; shown as text, never as a button. */
    decisionEndpoint: z.url({ protocol: /^https$/ }),
    ...where,
});

/** A run that failed, timed out or was stopped. */
export const scanRunFailedSchema = runFailureSchema.omit({ event: true }).extend({ kind: z.literal("SCAN_RUN_FAILED"), ...where });

const TOPIC_ARN = /^arn:(?<partition>aws[a-z-]*):sns:(?<region>[a-z0-9-]+):(?<accountId>\d{12}):[\w-]{1,256}$/;

const stageNotificationSchema = SnsNotificationSchema.extend({
    TopicArn: z.string().regex(TOPIC_ARN, { error: "not an SNS topic ARN" }),
}).transform((sns, ctx) => {
    const topic = TOPIC_ARN.exec(sns.TopicArn)?.groups ?? {};
    const at = { accountId: topic.accountId, region: topic.region, partition: topic.partition };
    const refuse = (path: string, issues: z.core.$ZodIssue[]) => {
        for (const issue of issues) ctx.addIssue({ code: "custom", path: [path, ...issue.path.map(String)], message: issue.message });
        return z.NEVER;
    };
    if (sns.MessageAttributes?.event?.Value === "DECISION_NEEDED") {
        const attributes = deliveredDecisionNeededSchema.safeParse(sns.MessageAttributes);
        if (!attributes.success) return refuse("MessageAttributes", attributes.error.issues);
        if (sns.Subject !== noticeSubject(attributes.data.pipeline, "decision needed")) {
            ctx.addIssue({ code: "custom", path: ["Subject"], message: "subject and attributes name different pipelines" });
            return z.NEVER;
        }
        return scanApprovalSchema.parse({ kind: "SCAN_APPROVAL", ...attributes.data, ...at });
    }
    let body: unknown;
    try {
        body = JSON.parse(sns.Message);
    } catch {
        ctx.addIssue({ code: "custom", path: ["Message"], message: "neither a DECISION_NEEDED notice nor a RUN_FAILED body" });
        return z.NEVER;
    }
    const failure = runFailureSchema.safeParse(body);
    if (!failure.success) return refuse("Message", failure.error.issues);
    const { pipeline, runId, executionArn, status, error, cause } = failure.data;
    return scanRunFailedSchema.parse({ kind: "SCAN_RUN_FAILED", pipeline, runId, executionArn, status, error, cause, ...at });
});

export const scanStageEventSchema = SnsSchema.extend({
    Records: z.array(SnsRecordSchema.extend({ Sns: stageNotificationSchema })).min(1),
});

/** An SNS event (the notifier's other inputs are Step Functions task payloads, which have no Records). */
export const isSnsEvent = (payload: unknown): boolean => typeof payload === "object" && payload !== null && "Records" in payload;
