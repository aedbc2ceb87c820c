/** What the workflows ask the notifier to say. */
import { z } from "zod";
import { scanApprovalSchema, scanRunFailedSchema } from "./scan-approval";

/** The object and finding a notification is about (extra fields from the workflow are dropped). */
const subjectSchema = z.object({
    findingId: z.string().min(1),
    findingType: z.string().min(1),
    severity: z.string().min(1),
    publicStatus: z.string().min(1),
    bucketOwner: z.string(),
    accountId: z.string().regex(/^\d{12}$/),
    region: z.string().min(1),
    partition: z.string().min(1),
    bucket: z.string().min(1),
    key: z.string().nullable(),
    versionId: z.string().nullable(),
});
export type Subject = z.infer<typeof subjectSchema>;

export const notificationSchema = z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("FINDING"), subject: subjectSchema, reasons: z.array(z.string()) }),
    z.object({
        kind: z.literal("QUARANTINED"),
        subject: subjectSchema,
        reasons: z.array(z.string()),
        quarantine: z.object({ key: z.string(), versionId: z.string() }),
    }),
    z.object({ kind: z.literal("SOURCE_MISSING"), subject: subjectSchema, quarantineCopyPresent: z.boolean() }),
    z.object({
        kind: z.literal("RELEASED"),
        subject: subjectSchema,
        release: z.object({ releasedBy: z.string(), reason: z.string(), restoredVersionId: z.string() }),
    }),
    z.object({
        // A member bucket's required data-protection tags changed compliance (AWS Config, via the baseline).
        kind: z.literal("TAG_COMPLIANCE"),
        accountId: z.string().regex(/^\d{12}$/),
        region: z.string().min(1),
        time: z.string().min(1),
        configRuleName: z.string().min(1),
        resourceType: z.string().min(1),
        resourceId: z.string().min(1),
        complianceType: z.string().min(1),
    }),
    // The scan stage's approval request (lambdas/notify-webhook/scan-approval.ts reads it from its SNS message).
    scanApprovalSchema,
    // A scan-stage run that failed, timed out or was stopped (its RUN_FAILED body).
    scanRunFailedSchema,
    z.object({
        kind: z.literal("FAILED"),
        workflow: z.enum(["quarantine", "release"]),
        executionId: z.string(),
        /** The workflow state at the failure; the notifier takes what it recognises. */
        state: z.unknown(),
    }),
]);
export type Notification = z.infer<typeof notificationSchema>;

const failureStateSchema = z.object({
    error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
    /** Quarantine workflow after the decision. */
    finding: subjectSchema.partial().optional(),
    /** Raw Macie event (decision failed). */
    detail: z.object({ id: z.string().optional(), accountId: z.string().optional() }).optional(),
    /** Release workflow input. */
    findingId: z.string().optional(),
    versionId: z.string().optional(),
});

export interface FailureFacts {
    error: string;
    cause: string;
    findingId?: string;
    versionId?: string;
    accountId?: string;
    bucket?: string;
    key?: string;
}

/**
 * Step Functions puts a Lambda function error's payload in Cause as a JSON string; the Node.js
 * runtime builds it as {errorType, errorMessage, trace: stack lines} (aws-lambda-nodejs-runtime-
 * interface-client, src/Errors.js toRapidResponse). People get the message, not the stack. Causes
 * from other sources (States.* errors, service integrations) are plain text and stay as they are.
 */
const lambdaCauseSchema = z.looseObject({ errorMessage: z.string() });

export function causeText(cause: string | undefined): string {
    if (!cause) return "";
    try {
        const parsed = lambdaCauseSchema.safeParse(JSON.parse(cause));
        if (parsed.success) return parsed.data.errorMessage;
    } catch {
        // Not JSON: a plain-text cause.
    }
    return cause;
}

export function failureFacts(state: unknown): FailureFacts {
    const parsed = failureStateSchema.safeParse(state);
    if (!parsed.success) return { error: "unknown", cause: "the workflow state was not recognised" };
    const s = parsed.data;
    return {
        error: s.error?.Error ?? "unknown",
        cause: causeText(s.error?.Cause),
        findingId: s.finding?.findingId ?? s.findingId ?? s.detail?.id,
        versionId: s.finding?.versionId ?? s.versionId,
        accountId: s.finding?.accountId ?? s.detail?.accountId,
        bucket: s.finding?.bucket,
        key: s.finding?.key ?? undefined,
    };
}
