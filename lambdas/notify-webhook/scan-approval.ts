/**
 * The scan stage's "decision needed" message as SNS delivers it to Lambda: the contract is the
 * Powertools parser's SNS event schema (Records[].Sns, the field spelling of Lambda deliveries:
 * SigningCertUrl, UnsubscribeUrl; Lambda Developer Guide, "Using Lambda with Amazon SNS") narrowed
 * to what lambdas/scan-stage/request-approval.ts publishes: message attribute event=DECISION_NEEDED,
 * its Subject, and its text. The text is read line by line and must match as a whole, with the run
 * named the same everywhere; anything else is refused (InvalidNotification), never half-rendered.
 * SNS may put more than one record in an event (the event format allows it), so every record counts.
 */
import { SnsNotificationSchema, SnsRecordSchema, SnsSchema } from "@aws-lambda-powertools/parser/schemas/sns";
import { z } from "zod";

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
    accountId: z.string().regex(/^\d{12}$/),
    region: z.string().min(1),
    partition: z.string().min(1),
});

/** request-approval.ts's message, line for line; the run id must be the same in all three places. */
const APPROVAL_TEXT = new RegExp(
    [
        String.raw`^Scan stage (?<pipeline>.+), run (?<runId>[\w-]{1,80}): (?<reviewCount>\d+) object\(s\) need a decision\.`,
        String.raw`They are in s3://(?<reviewBucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/ tagged lakewarden:scan-run=\k<runId> \(why: tag lakewarden:scan-verdict\)\.`,
        String.raw`Decide before (?<expiresAt>\S+); no decision by then is a deny\.`,
        String.raw`To decide, as an approver role, send a SigV4-signed request:`,
        String.raw`  POST (?<decisionEndpoint>https://\S+/runs/\k<runId>/decision)`,
        String.raw`  \{"decision": "approve" \| "deny", "reason": "<why>"\}$`,
    ].join("\n"),
);

/** request-approval.ts cuts its Subject below SNS's 100 characters ("less than 100 characters long", Publish, SNS API Reference). */
const subjectFor = (pipeline: string): string => `lakewarden scan stage ${pipeline}: decision needed`.slice(0, 99);
const TOPIC_ARN = /^arn:(?<partition>aws[a-z-]*):sns:(?<region>[a-z0-9-]+):(?<accountId>\d{12}):[\w-]{1,256}$/;

const approvalNotificationSchema = SnsNotificationSchema.extend({
    Subject: z.string().startsWith("lakewarden scan stage ", { error: "not a scan-stage decision subject" }),
    TopicArn: z.string().regex(TOPIC_ARN, { error: "not an SNS topic ARN" }),
    MessageAttributes: z.looseObject({ event: z.object({ Type: z.literal("String"), Value: z.literal("DECISION_NEEDED") }) }),
    Message: z.string().regex(APPROVAL_TEXT, { error: "not the scan stage's decision-needed message" }),
}).transform((sns, ctx) => {
    const text = APPROVAL_TEXT.exec(sns.Message)?.groups ?? {};
    const topic = TOPIC_ARN.exec(sns.TopicArn)?.groups ?? {};
    if (sns.Subject !== subjectFor(text.pipeline)) {
        ctx.addIssue({ code: "custom", path: ["Subject"], message: "subject and message name different pipelines" });
        return z.NEVER;
    }
    const approval = scanApprovalSchema.safeParse({
        kind: "SCAN_APPROVAL",
        pipeline: text.pipeline,
        runId: text.runId,
        reviewCount: Number(text.reviewCount),
        reviewBucket: text.reviewBucket,
        expiresAt: text.expiresAt,
        decisionEndpoint: text.decisionEndpoint,
        accountId: topic.accountId,
        region: topic.region,
        partition: topic.partition,
    });
    if (!approval.success) {
        for (const issue of approval.error.issues) ctx.addIssue({ code: "custom", path: ["Message", ...issue.path.map(String)], message: issue.message });
        return z.NEVER;
    }
    return approval.data;
});

export const scanApprovalEventSchema = SnsSchema.extend({
    Records: z.array(SnsRecordSchema.extend({ Sns: approvalNotificationSchema })).min(1),
});

/** An SNS event (the notifier's other inputs are Step Functions task payloads, which have no Records). */
export const isSnsEvent = (payload: unknown): boolean => typeof payload === "object" && payload !== null && "Records" in payload;
