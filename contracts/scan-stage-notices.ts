/**
 * What a scan stage's SNS topic carries, as its publishers write it and its subscribers (the Teams/Slack
 * notifier, people's own subscriptions) read it. Two notices:
 *
 * - DECISION_NEEDED (lambdas/scan-stage/request-approval.ts): a text for people, and the same facts as
 *   structured message attributes, so subscribers filter on `event` and `pipeline` (SNS Developer Guide,
 *   "Amazon SNS message filtering": a filter policy with the default MessageAttributes scope) and the
 *   notifier reads the facts from the attributes, never from the text.
 * - RUN_FAILED: a JSON body (runFailureSchema). The workflow's own catch publishes it with the attributes
 *   event/pipeline/runId (workflows/scan-stage.ts ReportFailure); the stage's EventBridge rule publishes it
 *   for what the workflow cannot catch (timeout, abort, States.Runtime), and an EventBridge SNS target sets
 *   no message attributes, so subscribers of failures filter on the body (FilterPolicyScope MessageBody).
 */
import { z } from "zod";

const runId = z.string().regex(/^[\w-]{1,80}$/);
/** A pipeline name as lakewarden:scanStage.pipelines[].name allows it (config/primitives.ts shortName). */
const pipeline = z.string().regex(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/);

export const ScanNoticeEvent = { DecisionNeeded: "DECISION_NEEDED", RunFailed: "RUN_FAILED" } as const;

/** A run's objects wait in review for a decision (no task token: it stays in the decision table). */
const decisionNeededSchema = z.strictObject({
    pipeline,
    runId,
    reviewCount: z.number().int().positive(),
    reviewBucket: z.string().min(3).max(63),
    expiresAt: z.iso.datetime(),
    /** Where an approver role sends the SigV4-signed POST; shown as text, never as a button. */
    decisionEndpoint: z.url({ protocol: /^https$/ }),
});
export type DecisionNeeded = z.infer<typeof decisionNeededSchema>;

/** The publish form of one attribute (SNS Publish MessageAttributes: DataType String or Number, StringValue). */
interface PublishedAttribute {
    DataType: "String" | "Number";
    StringValue: string;
}

/** DECISION_NEEDED's message attributes, as request-approval publishes them; a notice subscribers would refuse is not published. */
export function decisionNeededAttributes(input: DecisionNeeded): Record<string, PublishedAttribute> {
    const notice = decisionNeededSchema.parse(input);
    const text = (value: string): PublishedAttribute => ({ DataType: "String", StringValue: value });
    return {
        event: text(ScanNoticeEvent.DecisionNeeded),
        pipeline: text(notice.pipeline),
        runId: text(notice.runId),
        reviewCount: { DataType: "Number", StringValue: String(notice.reviewCount) },
        reviewBucket: text(notice.reviewBucket),
        expiresAt: text(notice.expiresAt),
        decisionEndpoint: text(notice.decisionEndpoint),
    };
}

/**
 * The same attributes as SNS delivers them to a Lambda subscriber (Records[].Sns.MessageAttributes:
 * {Type, Value}; Lambda Developer Guide, "Using Lambda with Amazon SNS", example event).
 */
const delivered = (type: "String" | "Number") => z.object({ Type: z.literal(type), Value: z.string() });
export const deliveredDecisionNeededSchema = z
    .looseObject({
        event: z.object({ Type: z.literal("String"), Value: z.literal(ScanNoticeEvent.DecisionNeeded) }),
        pipeline: delivered("String"),
        runId: delivered("String"),
        reviewCount: delivered("Number"),
        reviewBucket: delivered("String"),
        expiresAt: delivered("String"),
        decisionEndpoint: delivered("String"),
    })
    .transform((a, ctx) => {
        const parsed = decisionNeededSchema.safeParse({
            pipeline: a.pipeline.Value,
            runId: a.runId.Value,
            reviewCount: Number(a.reviewCount.Value),
            reviewBucket: a.reviewBucket.Value,
            expiresAt: a.expiresAt.Value,
            decisionEndpoint: a.decisionEndpoint.Value,
        });
        if (!parsed.success) {
            for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path.map(String), message: issue.message });
            return z.NEVER;
        }
        return parsed.data;
    });

/** How a run ended without succeeding (Step Functions execution statuses; a caught failure is FAILED). */
export const RUN_FAILURE_STATUSES = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

/** RUN_FAILED's body, from the workflow's catch or from the execution status change. */
export const runFailureSchema = z.strictObject({
    event: z.literal(ScanNoticeEvent.RunFailed),
    pipeline,
    runId,
    /** arn:<partition>:states:<region>:<account>:execution:<machine>:<runId> */
    executionArn: z.string().regex(/^arn:[\w-]+:states:[a-z0-9-]+:\d{12}:execution:[\w-]+:[\w-]{1,80}$/),
    status: z.enum(RUN_FAILURE_STATUSES),
    /** Null when the execution status change carries none (an abort without an error, a timeout). */
    error: z.string().nullable(),
    cause: z.string().nullable(),
});

/** Subjects of the two notices, under SNS's 100 characters ("less than 100 characters long", Publish, SNS API Reference). */
export const noticeSubject = (pipelineName: string, what: "decision needed" | "run failed"): string =>
    `lakewarden scan stage ${pipelineName}: ${what}`.slice(0, 99);
