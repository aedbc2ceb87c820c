/**
 * The release workflow, started by the release API with
 * { findingId, versionId, reason, requestId, requestedBy: { principalArn, ... } }:
 *
 *   RecordReleaseRequest (only QUARANTINED or later) ─> Resume (by record state)
 *     QUARANTINED      ─> RestoreObject ⟲ IN_PROGRESS ─> MarkRestored (RESTORED)   (failure: AbortRestore)
 *     RESTORED         ─> VerifyRestored ⟲ IN_PROGRESS ─> MarkRestoreVerified (RESTORE_VERIFIED)
 *     RESTORE_VERIFIED ─> DeleteQuarantineCopy ─> MarkReleased (RELEASED)
 *     RELEASED, not notified ─> NotifyReleased ─> MarkReleaseNotified
 *     RELEASED, notified ─> AlreadyReleased (a second release is a no-op)
 *
 * The record is kept as the audit entry: who released, when, why, under which request. Idempotent by
 * record state, not by caller: a retry from another session (or a concurrent one, whose conditional
 * copy S3 answers 409 ConditionalRequestConflict, retried) resumes or finds the release done.
 * The restore never overwrites: if the key serves other content (the owner wrote it after the
 * quarantine, or the version was not current when quarantined), the release fails visibly with
 * TargetKeyOccupied and the quarantine copy stays.
 */
import { NOTIFY_PERMANENT_ERRORS } from "../lambdas/notify-webhook/errors";
import { TRANSFER_PERMANENT_ERRORS } from "../lambdas/shared/s3-transfer/errors";
import { lambdaTask, resumableLoop, type JsonValue, type PayloadTemplate, type State, type StateMachineDefinition, type TaskState } from "./asl";
import { failurePath } from "./failure-path";
import {
    EXECUTION_ID,
    EXECUTION_TIME,
    TRACKING_KEY,
    TrackingState,
    UNEXPECTED_TRACKING_STATE,
    markNotifiedTask,
    subjectFromRecord,
    trackedString,
    trackingTask,
    transitionTask,
    whenState,
    whenStateAndNotified,
    type TransitionArgs,
} from "./tracking";

export interface ReleaseWorkflowArgs {
    /** Name of the tracking table the quarantine workflow writes. */
    trackingTableName: string;
    /** lambdas/release-object/handler.handler */
    releaseFunctionArn: string;
    /** lambdas/notify-webhook/handler.handler */
    notifyFunctionArn: string;
}

export const ReleaseStates = {
    RecordReleaseRequest: "RecordReleaseRequest",
    Resume: "Resume",
    RestoreObject: "RestoreObject",
    RestoreObjectLoop: "RestoreObjectLoop",
    AbortRestore: "AbortRestore",
    MarkRestored: "MarkRestored",
    VerifyRestoredStart: "VerifyRestoredStart",
    VerifyRestored: "VerifyRestored",
    VerifyRestoredLoop: "VerifyRestoredLoop",
    MarkRestoreVerified: "MarkRestoreVerified",
    DeleteQuarantineCopy: "DeleteQuarantineCopy",
    MarkReleased: "MarkReleased",
    NotifyReleased: "NotifyReleased",
    MarkReleaseNotified: "MarkReleaseNotified",
    Released: "Released",
    AlreadyReleased: "AlreadyReleased",
    UnexpectedTrackingState: "UnexpectedTrackingState",
    RecordFailure: "RecordFailure",
    ReportFailure: "ReportFailure",
    ReleaseFailed: "ReleaseFailed",
} as const;

const S = ReleaseStates;

const REQUEST_KEY = { findingId: "$.findingId", versionId: "$.versionId" };

/** The original object's location, from the record. */
const LOCATION: PayloadTemplate = {
    "accountId.$": trackedString("accountId"),
    "region.$": trackedString("region"),
    "partition.$": trackedString("partition"),
    "bucket.$": trackedString("bucket"),
    "key.$": trackedString("objectKey"),
};

const RESTORED: PayloadTemplate = { ...LOCATION, "versionId.$": trackedString("restoredVersionId") };

const QUARANTINE_COPY: PayloadTemplate = {
    "key.$": trackedString("quarantineKey"),
    "versionId.$": trackedString("quarantineVersionId"),
};

export function buildReleaseDefinition(args: ReleaseWorkflowArgs): StateMachineDefinition {
    const table = args.trackingTableName;
    const move = (transition: Omit<TransitionArgs, "tableName" | "keyPaths" | "onError">) =>
        transitionTask({ tableName: table, keyPaths: REQUEST_KEY, onError: S.RecordFailure, ...transition });
    const release = (
        action: string,
        object: PayloadTemplate,
        extra: PayloadTemplate,
        resultPath: string,
        next: string,
        comment: string,
        onError: string = S.RecordFailure,
    ) => ({
        ...lambdaTask({
            comment,
            functionArn: args.releaseFunctionArn,
            payload: { action, "findingId.$": "$.findingId", object, quarantine: QUARANTINE_COPY, ...extra },
            resultPath,
            timeoutSeconds: 900,
            permanentErrors: TRANSFER_PERMANENT_ERRORS,
            next,
            onError,
        }),
        ResultPath: resultPath,
    });
    const loop = (name: string, task: TaskState & { ResultPath: string }, next: string, initialResult?: JsonValue): Record<string, State> =>
        resumableLoop({ name, task, next, initialResult });

    return {
        Comment: "lakewarden: release a quarantined object version (restore, verify, delete the quarantine copy) and keep the audit record.",
        StartAt: S.RecordReleaseRequest,
        TimeoutSeconds: 6 * 3600,
        States: {
            [S.RecordReleaseRequest]: trackingTask({
                comment: "Only a completed quarantine can be released; note the latest request.",
                tableName: table,
                keyPaths: REQUEST_KEY,
                update: {
                    set: {
                        lastReleaseRequestId: { "S.$": "$.requestId" },
                        lastReleaseRequestedBy: { "S.$": "$.requestedBy.principalArn" },
                        lastReleaseRequestedAt: EXECUTION_TIME,
                        lastReleaseExecutionId: EXECUTION_ID,
                    },
                    condition: {
                        and: [
                            { exists: TRACKING_KEY.partition },
                            {
                                stateIn: [TrackingState.Quarantined, TrackingState.Restored, TrackingState.RestoreVerified, TrackingState.Released],
                            },
                        ],
                    },
                },
                next: S.Resume,
                onError: S.ReportFailure,
            }),
            [S.Resume]: {
                Type: "Choice",
                Choices: [
                    whenState(TrackingState.Quarantined, S.RestoreObject),
                    whenState(TrackingState.Restored, S.VerifyRestoredStart),
                    whenState(TrackingState.RestoreVerified, S.DeleteQuarantineCopy),
                    whenStateAndNotified(TrackingState.Released, "releaseNotified", S.AlreadyReleased),
                    whenState(TrackingState.Released, S.NotifyReleased),
                ],
                Default: S.UnexpectedTrackingState,
            },
            ...loop(
                S.RestoreObject,
                release(
                    "restore",
                    LOCATION,
                    { expected: { "size.$": "$.tracking.item.size.N", "checksum.$": trackedString("checksum") } },
                    "$.restore",
                    S.MarkRestored,
                    "Create-once copy back to the original key, bounded per call; refuses to overwrite other content there.",
                    S.AbortRestore,
                ),
                S.MarkRestored,
            ),
            [S.AbortRestore]: lambdaTask({
                comment: "A failed restore leaves no billed incomplete upload.",
                functionArn: args.releaseFunctionArn,
                payload: { action: "abortRestore", "findingId.$": "$.findingId", object: LOCATION, quarantine: QUARANTINE_COPY },
                resultPath: "$.abort",
                timeoutSeconds: 120,
                permanentErrors: TRANSFER_PERMANENT_ERRORS,
                next: S.RecordFailure,
                onError: S.RecordFailure,
                errorPath: "$.abortError",
            }),
            [S.MarkRestored]: move({
                comment: "Only from QUARANTINED, and never to a different restored version.",
                to: TrackingState.Restored,
                from: [TrackingState.Quarantined, TrackingState.Restored],
                set: { restoredVersionId: { "S.$": "$.restore.restoredVersionId" }, restoredAt: EXECUTION_TIME },
                pinned: ["restoredVersionId", { "S.$": "$.restore.restoredVersionId" }],
                next: S.VerifyRestoredStart,
            }),
            ...loop(
                S.VerifyRestored,
                release(
                    "verify",
                    RESTORED,
                    { "progress.$": "$.verification.progress" },
                    "$.verification",
                    S.MarkRestoreVerified,
                    "Size and S3 checksum of the restored version against the quarantine copy, like with like.",
                ),
                S.MarkRestoreVerified,
                { outcome: "STARTED", progress: { offset: 0, crc32: 0 } },
            ),
            [S.MarkRestoreVerified]: move({
                comment: "The checksum recorded here is what the delete step re-checks.",
                to: TrackingState.RestoreVerified,
                from: [TrackingState.Restored, TrackingState.RestoreVerified],
                set: { restoredChecksum: { "S.$": "$.verification.checksum" }, restoreVerifiedAt: EXECUTION_TIME },
                next: S.DeleteQuarantineCopy,
            }),
            [S.DeleteQuarantineCopy]: release(
                "deleteQuarantineCopy",
                RESTORED,
                {
                    expected: {
                        "size.$": "$.tracking.item.size.N",
                        "checksum.$": trackedString("restoredChecksum"),
                    },
                },
                "$.deletion",
                S.MarkReleased,
                "Delete exactly the quarantine version after re-checking the restored one.",
            ),
            [S.MarkReleased]: move({
                comment: "Audit entry: the first completed release keeps who, when, why.",
                to: TrackingState.Released,
                from: [TrackingState.RestoreVerified, TrackingState.Released],
                setIfAbsent: {
                    releasedAt: EXECUTION_TIME,
                    releasedBy: { "S.$": "$.requestedBy.principalArn" },
                    releaseRequestId: { "S.$": "$.requestId" },
                    releaseReason: { "S.$": "$.reason" },
                    releaseExecutionId: EXECUTION_ID,
                },
                next: S.NotifyReleased,
            }),
            [S.NotifyReleased]: lambdaTask({
                functionArn: args.notifyFunctionArn,
                payload: {
                    kind: "RELEASED",
                    subject: subjectFromRecord(),
                    release: {
                        "releasedBy.$": trackedString("releasedBy"),
                        "reason.$": trackedString("releaseReason"),
                        "restoredVersionId.$": trackedString("restoredVersionId"),
                    },
                },
                resultPath: null,
                timeoutSeconds: 30,
                permanentErrors: NOTIFY_PERMANENT_ERRORS,
                next: S.MarkReleaseNotified,
                onError: S.RecordFailure,
            }),
            [S.MarkReleaseNotified]: markNotifiedTask({
                tableName: table,
                keyPaths: REQUEST_KEY,
                flag: "releaseNotified",
                next: S.Released,
                onError: S.RecordFailure,
            }),
            [S.Released]: { Type: "Succeed", Comment: "Restored, verified, quarantine copy removed, reported." },
            [S.AlreadyReleased]: { Type: "Succeed", Comment: "An earlier release finished: nothing changes." },
            [S.UnexpectedTrackingState]: UNEXPECTED_TRACKING_STATE,
            ...failurePath({
                workflow: "release",
                tableName: table,
                keyPaths: REQUEST_KEY,
                notifyFunctionArn: args.notifyFunctionArn,
                names: { recordFailure: S.RecordFailure, reportFailure: S.ReportFailure, failed: S.ReleaseFailed },
            }),
        },
    };
}
