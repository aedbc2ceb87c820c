/**
 * The quarantine workflow, one execution per Macie finding event (EventBridge -> Step Functions):
 *
 *   Decide ─ notify only ─> NotifyFinding
 *      └─ quarantine ─> RecordFinding ─> Resume (by record state)
 *           RECORDED ─> CheckContainment ─ BLOCKED ─> MarkBlocked (BLOCKED) ─> NotifyBlocked
 *                          └─ CLEAR ─> CopyToQuarantine ⟲ IN_PROGRESS ─> MarkCopied (COPIED)
 *           COPIED   ─> VerifyQuarantineCopy ⟲ IN_PROGRESS ─> MarkVerified (VERIFIED)
 *           VERIFIED ─> DeleteOriginalVersion ─> MarkQuarantined (QUARANTINED)
 *           QUARANTINED / BLOCKED, not notified ─> notify ─> MarkNotified
 *           released or done ─> NothingToDo
 *
 * Every task retries passing faults and catches the rest into RecordFailure -> ReportFailure ->
 * QuarantineFailed; a failed copy first aborts its multipart upload (AbortCopy). The original
 * version is deleted only after the copy was verified and the record says VERIFIED; if it is the
 * key's current version a delete marker hides the key first. A re-run resumes from the record.
 */
import { DECISION_PERMANENT_ERRORS } from "../lambdas/macie-decision/errors";
import { decisionRulesSchema, type DecisionRulesInput } from "../lambdas/macie-decision/rules";
import { NOTIFY_PERMANENT_ERRORS } from "../lambdas/notify-webhook/errors";
import { TRANSFER_PERMANENT_ERRORS } from "../lambdas/shared/s3-transfer/errors";
import { quarantinePrefixSchema } from "../contracts/quarantine";
import { lambdaTask, resumableLoop, type PayloadTemplate, type StateMachineDefinition } from "./asl";
import { failurePath } from "./failure-path";
import {
    EXECUTION_ID,
    EXECUTION_TIME,
    TRACKING_KEY,
    TrackingState,
    UNEXPECTED_TRACKING_STATE,
    markNotifiedTask,
    trackedString,
    trackingTask,
    transitionTask,
    whenState,
    whenStateAndNotified,
    type AttributeTemplate,
    type TransitionArgs,
} from "./tracking";

export interface QuarantineWorkflowArgs {
    /** Name of the tracking table (key schema: TRACKING_TABLE_KEY_SCHEMA). */
    trackingTableName: string;
    /** lambdas/macie-decision/handler.handler */
    decisionFunctionArn: string;
    /** lambdas/quarantine-object/handler.handler */
    quarantineFunctionArn: string;
    /** lambdas/notify-webhook/handler.handler */
    notifyFunctionArn: string;
    /** Prefix of the quarantine copies inside each bucket (default "quarantine/"). */
    quarantinePrefix?: string;
    /** Decision rules (defaults: High severity or public, all sensitive types, no allowlist). */
    rules?: DecisionRulesInput;
}

export const DEFAULT_QUARANTINE_PREFIX = "quarantine/";

export const QuarantineStates = {
    Decide: "Decide",
    Route: "Route",
    NotifyFinding: "NotifyFinding",
    RecordFinding: "RecordFinding",
    Resume: "Resume",
    CheckContainment: "CheckContainment",
    ContainmentOutcome: "ContainmentOutcome",
    MarkBlocked: "MarkBlocked",
    NotifyBlocked: "NotifyBlocked",
    CopyToQuarantine: "CopyToQuarantine",
    AbortCopy: "AbortCopy",
    CopyToQuarantineLoop: "CopyToQuarantineLoop",
    CopyOutcome: "CopyOutcome",
    VerifyQuarantineCopyLoop: "VerifyQuarantineCopyLoop",
    MarkCopied: "MarkCopied",
    VerifyQuarantineCopy: "VerifyQuarantineCopy",
    VerifyQuarantineCopyStart: "VerifyQuarantineCopyStart",
    MarkVerified: "MarkVerified",
    DeleteOriginalVersion: "DeleteOriginalVersion",
    MarkQuarantined: "MarkQuarantined",
    NotifyQuarantined: "NotifyQuarantined",
    MarkSourceMissing: "MarkSourceMissing",
    NotifySourceMissing: "NotifySourceMissing",
    MarkNotified: "MarkNotified",
    RecordFailure: "RecordFailure",
    ReportFailure: "ReportFailure",
    Quarantined: "Quarantined",
    NotifiedOnly: "NotifiedOnly",
    NothingToDo: "NothingToDo",
    UnexpectedTrackingState: "UnexpectedTrackingState",
    QuarantineFailed: "QuarantineFailed",
} as const;

const S = QuarantineStates;

const FINDING_KEY = { findingId: "$.finding.findingId", versionId: "$.finding.versionId" };

/** The original object version, from the decision's finding summary. */
const ORIGINAL: PayloadTemplate = {
    "accountId.$": "$.finding.accountId",
    "region.$": "$.finding.region",
    "partition.$": "$.finding.partition",
    "bucket.$": "$.finding.bucket",
    "key.$": "$.finding.key",
    "versionId.$": "$.finding.versionId",
};

const QUARANTINE_COPY: PayloadTemplate = {
    "key.$": trackedString("quarantineKey"),
    "versionId.$": trackedString("quarantineVersionId"),
};

const fromFinding = (field: string): AttributeTemplate => ({ "S.$": `$.finding.${field}` });

export function buildQuarantineDefinition(args: QuarantineWorkflowArgs): StateMachineDefinition {
    const quarantinePrefix = args.quarantinePrefix ?? DEFAULT_QUARANTINE_PREFIX;
    if (!quarantinePrefixSchema.safeParse(quarantinePrefix).success) {
        throw new Error(`quarantinePrefix must be one path segment ending in "/", got "${quarantinePrefix}"`);
    }
    const rules = decisionRulesSchema.parse(args.rules ?? {});
    const table = args.trackingTableName;
    const transfer = (action: string, extra: PayloadTemplate): PayloadTemplate => ({
        action,
        "findingId.$": "$.finding.findingId",
        object: ORIGINAL,
        ...extra,
    });
    const move = (transition: Omit<TransitionArgs, "tableName" | "keyPaths" | "onError">) =>
        transitionTask({ tableName: table, keyPaths: FINDING_KEY, onError: S.RecordFailure, ...transition });
    const notify = (payload: PayloadTemplate, next: string, onError: string) =>
        lambdaTask({
            functionArn: args.notifyFunctionArn,
            payload,
            resultPath: null,
            timeoutSeconds: 30,
            permanentErrors: NOTIFY_PERMANENT_ERRORS,
            next,
            onError,
        });

    return {
        Comment: "lakewarden: decide on a Macie finding; quarantine the object version (record, copy, verify, delete) or notify.",
        StartAt: S.Decide,
        TimeoutSeconds: 6 * 3600,
        States: {
            [S.Decide]: lambdaTask({
                comment: "Pure decision from the finding and the configured rules.",
                functionArn: args.decisionFunctionArn,
                payload: { "event.$": "$", rules: rules, quarantinePrefix },
                resultPath: "$",
                timeoutSeconds: 30,
                permanentErrors: DECISION_PERMANENT_ERRORS,
                next: S.Route,
                onError: S.ReportFailure,
            }),
            [S.Route]: {
                Type: "Choice",
                Choices: [{ Variable: "$.action", StringEquals: "QUARANTINE", Next: S.RecordFinding }],
                Default: S.NotifyFinding,
            },
            [S.NotifyFinding]: notify({ kind: "FINDING", "subject.$": "$.finding", "reasons.$": "$.reasons" }, S.NotifiedOnly, S.ReportFailure),
            [S.RecordFinding]: trackingTask({
                comment: "Create the record once (first run wins); a re-run reads it back to resume.",
                tableName: table,
                keyPaths: FINDING_KEY,
                update: {
                    setIfAbsent: {
                        state: { S: TrackingState.Recorded },
                        notified: { BOOL: false },
                        releaseNotified: { BOOL: false },
                        accountId: fromFinding("accountId"),
                        region: fromFinding("region"),
                        partition: fromFinding("partition"),
                        bucket: fromFinding("bucket"),
                        objectKey: fromFinding("key"),
                        findingType: fromFinding("findingType"),
                        severity: fromFinding("severity"),
                        publicStatus: fromFinding("publicStatus"),
                        bucketOwner: fromFinding("bucketOwner"),
                        decisionReasons: { "S.$": "States.JsonToString($.reasons)" },
                        recordedAt: EXECUTION_TIME,
                    },
                    set: { lastExecutionId: EXECUTION_ID, lastSeenAt: EXECUTION_TIME },
                    condition: {
                        or: [
                            { notExists: TRACKING_KEY.partition },
                            { and: [{ equals: ["bucket", fromFinding("bucket")] }, { equals: ["objectKey", fromFinding("key")] }] },
                        ],
                    },
                },
                next: S.Resume,
                onError: S.ReportFailure,
            }),
            [S.Resume]: {
                Type: "Choice",
                Comment: "Continue from the record's state: a re-run completes what a failed run left.",
                Choices: [
                    whenState(TrackingState.Recorded, S.CheckContainment),
                    whenState(TrackingState.Copied, S.VerifyQuarantineCopyStart),
                    whenState(TrackingState.Verified, S.DeleteOriginalVersion),
                    whenStateAndNotified(TrackingState.Quarantined, "notified", S.NothingToDo),
                    whenState(TrackingState.Quarantined, S.NotifyQuarantined),
                    whenStateAndNotified(TrackingState.SourceMissing, "notified", S.NothingToDo),
                    whenState(TrackingState.SourceMissing, S.NotifySourceMissing),
                    whenStateAndNotified(TrackingState.Blocked, "notified", S.NothingToDo),
                    whenState(TrackingState.Blocked, S.NotifyBlocked),
                    // A released object was judged by a person: never quarantine it again for this finding.
                    whenState(TrackingState.Restored, S.NothingToDo),
                    whenState(TrackingState.RestoreVerified, S.NothingToDo),
                    whenState(TrackingState.Released, S.NothingToDo),
                ],
                Default: S.UnexpectedTrackingState,
            },
            [S.CheckContainment]: lambdaTask({
                comment: "Replication, Object Lock default retention, legal hold or retention would defeat the quarantine.",
                functionArn: args.quarantineFunctionArn,
                payload: transfer("checkContainment", {}),
                resultPath: "$.containment",
                timeoutSeconds: 60,
                permanentErrors: TRANSFER_PERMANENT_ERRORS,
                next: S.ContainmentOutcome,
                onError: S.RecordFailure,
            }),
            [S.ContainmentOutcome]: {
                Type: "Choice",
                Choices: [{ Variable: "$.containment.outcome", StringEquals: "BLOCKED", Next: S.MarkBlocked }],
                Default: S.CopyToQuarantine,
            },
            [S.MarkBlocked]: move({
                comment: "Nothing copied, nothing deleted: a person decides.",
                to: TrackingState.Blocked,
                from: [TrackingState.Recorded, TrackingState.Blocked],
                set: { blockedReasons: { "S.$": "States.JsonToString($.containment.reasons)" }, blockedAt: EXECUTION_TIME },
                next: S.NotifyBlocked,
            }),
            [S.NotifyBlocked]: notify(
                { kind: "FINDING", "subject.$": "$.finding", "reasons.$": "States.StringToJson($.tracking.item.blockedReasons.S)" },
                S.MarkNotified,
                S.RecordFailure,
            ),
            ...resumableLoop({
                name: S.CopyToQuarantine,
                task: {
                    ...lambdaTask({
                        comment: "Create-once copy to <prefix><versionId>/<key>, bounded per call (multipart resumes the open upload).",
                        functionArn: args.quarantineFunctionArn,
                        payload: transfer("copy", { quarantinePrefix }),
                        resultPath: "$.copy",
                        timeoutSeconds: 900,
                        permanentErrors: TRANSFER_PERMANENT_ERRORS,
                        next: S.CopyOutcome,
                        onError: S.AbortCopy,
                    }),
                    ResultPath: "$.copy",
                },
                next: S.CopyOutcome,
            }),
            [S.AbortCopy]: lambdaTask({
                comment: "A failed copy leaves no billed incomplete upload (the bucket's lifecycle rule is the backstop).",
                functionArn: args.quarantineFunctionArn,
                payload: transfer("abortCopy", { quarantinePrefix }),
                resultPath: "$.abort",
                timeoutSeconds: 120,
                permanentErrors: TRANSFER_PERMANENT_ERRORS,
                next: S.RecordFailure,
                onError: S.RecordFailure,
                // Keep the copy's error at $.error for the record and the report.
                errorPath: "$.abortError",
            }),
            [S.CopyOutcome]: {
                Type: "Choice",
                Choices: [{ Variable: "$.copy.outcome", StringEquals: "SOURCE_MISSING", Next: S.MarkSourceMissing }],
                Default: S.MarkCopied,
            },
            [S.MarkCopied]: move({
                comment: "Only from RECORDED, and never to a different quarantine copy.",
                to: TrackingState.Copied,
                from: [TrackingState.Recorded, TrackingState.Copied],
                set: {
                    quarantineKey: { "S.$": "$.copy.quarantineKey" },
                    quarantineVersionId: { "S.$": "$.copy.quarantineVersionId" },
                    copiedAt: EXECUTION_TIME,
                },
                pinned: ["quarantineVersionId", { "S.$": "$.copy.quarantineVersionId" }],
                next: S.VerifyQuarantineCopyStart,
            }),
            ...resumableLoop({
                name: S.VerifyQuarantineCopy,
                task: {
                    ...lambdaTask({
                        comment: "Size and S3 checksum, like with like; reading a source without one is bounded per call.",
                        functionArn: args.quarantineFunctionArn,
                        payload: transfer("verify", { quarantine: QUARANTINE_COPY, "progress.$": "$.verification.progress" }),
                        resultPath: "$.verification",
                        timeoutSeconds: 900,
                        permanentErrors: TRANSFER_PERMANENT_ERRORS,
                        next: S.MarkVerified,
                        onError: S.RecordFailure,
                    }),
                    ResultPath: "$.verification",
                },
                next: S.MarkVerified,
                initialResult: { outcome: "STARTED", progress: { offset: 0, crc32: 0 } },
            }),
            [S.MarkVerified]: move({
                comment: "The checksum recorded here is what the delete step re-checks.",
                to: TrackingState.Verified,
                from: [TrackingState.Copied, TrackingState.Verified],
                set: {
                    size: { "N.$": "States.JsonToString($.verification.size)" },
                    checksum: { "S.$": "$.verification.checksum" },
                    verifyMethod: { "S.$": "$.verification.method" },
                    verifiedAt: EXECUTION_TIME,
                },
                next: S.DeleteOriginalVersion,
            }),
            [S.DeleteOriginalVersion]: lambdaTask({
                comment: "Hide the key with a delete marker if the version is current, then delete exactly that version.",
                functionArn: args.quarantineFunctionArn,
                payload: transfer("deleteOriginal", {
                    quarantine: QUARANTINE_COPY,
                    expected: { "size.$": "$.tracking.item.size.N", "checksum.$": trackedString("checksum") },
                }),
                resultPath: "$.deletion",
                timeoutSeconds: 120,
                permanentErrors: TRANSFER_PERMANENT_ERRORS,
                next: S.MarkQuarantined,
                onError: S.RecordFailure,
            }),
            [S.MarkQuarantined]: move({
                comment: "Only a verified copy becomes the quarantined object.",
                to: TrackingState.Quarantined,
                from: [TrackingState.Verified, TrackingState.Quarantined],
                // Audit: whether a delete marker now hides the key, and its version id.
                set: { quarantinedAt: EXECUTION_TIME, deletion: { "S.$": "States.JsonToString($.deletion)" } },
                next: S.NotifyQuarantined,
            }),
            [S.NotifyQuarantined]: notify(
                {
                    kind: "QUARANTINED",
                    "subject.$": "$.finding",
                    "reasons.$": "$.reasons",
                    quarantine: QUARANTINE_COPY,
                },
                S.MarkNotified,
                S.RecordFailure,
            ),
            [S.MarkSourceMissing]: move({
                comment: "The version was deleted before it could be copied: nothing to contain.",
                to: TrackingState.SourceMissing,
                from: [TrackingState.Recorded, TrackingState.SourceMissing],
                set: {
                    quarantineCopyPresent: { "BOOL.$": "$.copy.quarantineCopyPresent" },
                    sourceMissingAt: EXECUTION_TIME,
                },
                next: S.NotifySourceMissing,
            }),
            [S.NotifySourceMissing]: notify(
                {
                    kind: "SOURCE_MISSING",
                    "subject.$": "$.finding",
                    "quarantineCopyPresent.$": "$.tracking.item.quarantineCopyPresent.BOOL",
                },
                S.MarkNotified,
                S.RecordFailure,
            ),
            [S.MarkNotified]: markNotifiedTask({
                tableName: table,
                keyPaths: FINDING_KEY,
                flag: "notified",
                next: S.Quarantined,
                onError: S.RecordFailure,
            }),
            [S.Quarantined]: { Type: "Succeed", Comment: "Contained (or already gone) and reported." },
            [S.NotifiedOnly]: { Type: "Succeed", Comment: "Below the quarantine rules: reported only." },
            [S.NothingToDo]: { Type: "Succeed", Comment: "An earlier run finished this finding, or it was released." },
            [S.UnexpectedTrackingState]: UNEXPECTED_TRACKING_STATE,
            ...failurePath({
                workflow: "quarantine",
                tableName: table,
                keyPaths: FINDING_KEY,
                notifyFunctionArn: args.notifyFunctionArn,
                names: { recordFailure: S.RecordFailure, reportFailure: S.ReportFailure, failed: S.QuarantineFailed },
            }),
        },
    };
}
