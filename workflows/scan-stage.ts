/**
 * One run of a Macie scan stage (schedule or previous-stage event -> Step Functions):
 *
 *   BeginRun (lock + collect) ─ BUSY ─> RunSkipped          (another run holds the pipeline)
 *      ├─ EMPTY ─> ReleaseLock ─> RunDone
 *      └─ STARTED ─> MoveToScan (Map of batches: copy, verify, delete from landing; tag the run)
 *           ─> StartJob ─> PollJob <─> WaitForJob            (backoff; CANCELLED fails the run)
 *           ─> Judge (findings + discovery results)
 *           ─> PublishClean (Map: scan -> scanned)
 *           ─ nothing to review ─> ReleaseLock ─> RunDone
 *           └─> MoveToReview (Map: scan -> review) ─> RequestApproval (task token, timeout = deny)
 *                 approve ─> PublishReviewed (review -> scanned)
 *                 deny    ─> DeleteReviewed (onDeny "delete") | kept in review (onDeny "retain")
 *
 * The state holds the run's objects once: each step that changes them (collect, move to scan, judge,
 * move to review) writes its result over the previous one at $.run, so a run at its bounds (1,000
 * objects, a 128 KiB manifest) stays under the 256 KiB state quota
 * (tests/workflows/scan-stage-limits.test.ts).
 *
 * Every failure is caught into ReleaseLockAfterFailure -> DescribeFailure -> ReportFailure -> RunFailed:
 * the run fails visibly (a RUN_FAILED notice, contracts/scan-stage-notices.ts) and no object is lost,
 * because every move deletes its source only after the copy was verified (a re-run finds the objects
 * where the failed run left them). What no Catch can see — the run timeout, a StopExecution, and the
 * errors States.ALL does not match (States.Runtime, States.DataLimitExceeded: "States.ALL ... cannot
 * catch States.DataLimitExceeded terminal errors or Runtime error types", Step Functions Developer
 * Guide, "Handling errors in Step Functions workflows") — and a failure whose notice could not be
 * published are reported by the stage's execution status rule (components/scan-stage/scan-stage.ts,
 * UNREPORTED_FAILURES below).
 */
import { noticeSubject, ScanNoticeEvent } from "../contracts/scan-stage-notices";
import { SCAN_MOVE_PERMANENT_ERRORS, SCAN_PERMANENT_ERRORS, SCAN_RUN_PERMANENT_ERRORS } from "../lambdas/scan-stage/errors";
import {
    catchAll,
    type ChoiceState,
    ERROR_PATH,
    lambdaTask,
    type MapState,
    type PayloadTemplate,
    retryUnless,
    type State,
    type StateMachineDefinition,
    type TaskState,
} from "./asl";

const DYNAMODB_DELETE_ITEM = "arn:aws:states:::dynamodb:deleteItem";
const DYNAMODB_UPDATE_ITEM_SDK = "arn:aws:states:::dynamodb:updateItem";
const SNS_PUBLISH = "arn:aws:states:::sns:publish";
const LAMBDA_INVOKE_WAIT_FOR_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken";

export interface ScanStageWorkflowArgs {
    pipeline: string;
    /** lambdas/scan-stage/run-handler: begin, startJob, pollJob, judge. */
    runFunctionArn: string;
    /** lambdas/scan-stage/move-handler: batch moves between the stage's buckets. */
    moveFunctionArn: string;
    /** lambdas/scan-stage/request-approval-handler, invoked with the task token. */
    requestApprovalFunctionArn: string;
    lockTableName: string;
    decisionTableName: string;
    topicArn: string;
    approvalTimeoutSeconds: number;
    onDeny: "delete" | "retain";
    /** Whole-run bound; the lock expires after it, as an execution timeout cannot be caught. */
    timeoutSeconds: number;
    /** Parallel move batches. */
    moveConcurrency?: number;
}

export const ScanStates = {
    BeginRun: "BeginRun",
    RouteRun: "RouteRun",
    RunSkipped: "RunSkipped",
    MoveToScan: "MoveToScan",
    StartJob: "StartJob",
    PollJob: "PollJob",
    JobDone: "JobDone",
    WaitForJob: "WaitForJob",
    Judge: "Judge",
    PublishClean: "PublishClean",
    AnythingToReview: "AnythingToReview",
    MoveToReview: "MoveToReview",
    RequestApproval: "RequestApproval",
    DeniedByTimeout: "DeniedByTimeout",
    RouteDecision: "RouteDecision",
    PublishReviewed: "PublishReviewed",
    DeleteReviewed: "DeleteReviewed",
    ReleaseLock: "ReleaseLock",
    RunDone: "RunDone",
    UnknownDecision: "UnknownDecision",
    ReleaseLockAfterFailure: "ReleaseLockAfterFailure",
    DescribeFailure: "DescribeFailure",
    ReportFailure: "ReportFailure",
    RunFailed: "RunFailed",
    RunFailedUnreported: "RunFailedUnreported",
} as const;

/** The error of a failed run whose RUN_FAILED notice could not be published (RunFailedUnreported). */
export const FAILURE_NOT_REPORTED = "ScanStage.FailureNotReported";

/**
 * Failed executions the workflow did not report itself: what States.ALL cannot catch, and a notice that
 * could not be published. With TIMED_OUT and ABORTED they are what the execution status rule reports, so a
 * caught failure is reported once.
 */
export const UNREPORTED_FAILURES = ["States.DataLimitExceeded", "States.Runtime", FAILURE_NOT_REPORTED] as const;

const S = ScanStates;
const RUN_ID = "$$.Execution.Name";
type MoveAction = "landingToScan" | "scanToScanned" | "scanToReview" | "reviewToScanned" | "deleteReviewed";

function runTask(
    args: ScanStageWorkflowArgs,
    action: string,
    extra: PayloadTemplate,
    resultPath: string | null,
    next: string,
    timeoutSeconds = 300,
): TaskState {
    return lambdaTask({
        functionArn: args.runFunctionArn,
        payload: { action, pipeline: args.pipeline, "runId.$": RUN_ID, ...extra },
        resultPath,
        timeoutSeconds,
        permanentErrors: SCAN_RUN_PERMANENT_ERRORS,
        next,
        onError: S.ReleaseLockAfterFailure,
    });
}

/**
 * A Map over batches of objects, each batch moved by one Lambda call that does a bounded amount
 * of work; a batch with objects still pending (a large multipart copy in progress) loops back
 * with the resume state the Lambda returned.
 */
function moveMap(
    args: ScanStageWorkflowArgs,
    name: string,
    action: MoveAction,
    itemsPath: string,
    resultPath: string | null,
    next: string,
    comment: string,
): MapState {
    return {
        Type: "Map",
        Comment: comment,
        ItemsPath: itemsPath,
        ItemSelector: { "batch.$": "$$.Map.Item.Value", "runId.$": RUN_ID },
        MaxConcurrency: args.moveConcurrency ?? 4,
        ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: `${name}Batch`,
            States: {
                [`${name}Batch`]: lambdaTask({
                    functionArn: args.moveFunctionArn,
                    payload: { action, pipeline: args.pipeline, "runId.$": "$.runId", "batch.$": "$.batch" },
                    resultPath: "$",
                    timeoutSeconds: 900,
                    permanentErrors: SCAN_MOVE_PERMANENT_ERRORS,
                    next: `${name}Pending`,
                    onError: `${name}Failed`,
                }),
                [`${name}Pending`]: {
                    Type: "Choice",
                    Choices: [{ Variable: "$.done", BooleanEquals: false, Next: `${name}Batch` }],
                    Default: `${name}Moved`,
                },
                [`${name}Moved`]: { Type: "Succeed" },
                [`${name}Failed`]: { Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" },
            },
        },
        ...(resultPath === null ? {} : { ResultSelector: { "batches.$": "$[*].batch" } }),
        ResultPath: resultPath,
        Catch: catchAll(S.ReleaseLockAfterFailure),
        Next: next,
    };
}

function releaseLock(args: ScanStageWorkflowArgs, next: string, onError: string): TaskState {
    return {
        Type: "Task",
        Comment: "Only this run's own lock: the condition never frees another run's.",
        Resource: DYNAMODB_DELETE_ITEM,
        Parameters: {
            TableName: args.lockTableName,
            Key: { pipeline: { S: args.pipeline } },
            ConditionExpression: "runId = :me",
            ExpressionAttributeValues: { ":me": { "S.$": RUN_ID } },
        },
        ResultPath: null,
        TimeoutSeconds: 30,
        Retry: retryUnless(["DynamoDB.ConditionalCheckFailedException"]),
        Catch: catchAll(onError, "$.lockError"),
        Next: next,
    };
}

export function buildScanStageDefinition(args: ScanStageWorkflowArgs): StateMachineDefinition {
    if (args.approvalTimeoutSeconds >= args.timeoutSeconds) {
        throw new Error(`the approval timeout (${args.approvalTimeoutSeconds} s) must be shorter than the run timeout (${args.timeoutSeconds} s)`);
    }
    const states: Record<string, State> = {
        [S.BeginRun]: runTask(args, "begin", { "startedAt.$": "$$.Execution.StartTime", lockSeconds: args.timeoutSeconds }, "$.run", S.RouteRun),
        [S.RouteRun]: {
            Type: "Choice",
            Choices: [
                { Variable: "$.run.status", StringEquals: "BUSY", Next: S.RunSkipped },
                { Variable: "$.run.status", StringEquals: "EMPTY", Next: S.ReleaseLock },
            ],
            Default: S.MoveToScan,
        } satisfies ChoiceState,
        [S.RunSkipped]: { Type: "Succeed", Comment: "Another run holds the pipeline; the begin step counted it (SkippedRuns)." },
        [S.MoveToScan]: moveMap(args, S.MoveToScan, "landingToScan", "$.run.batches", "$.run", S.StartJob, "Landing -> scan, tagged with the run id."),
        [S.StartJob]: runTask(args, "startJob", {}, "$.job", S.PollJob),
        [S.PollJob]: runTask(args, "pollJob", { "jobId.$": "$.job.jobId", "delaySeconds.$": "$.job.delaySeconds" }, "$.job", S.JobDone),
        [S.JobDone]: {
            Type: "Choice",
            Choices: [{ Variable: "$.job.progress", StringEquals: "COMPLETE", Next: S.Judge }],
            Default: S.WaitForJob,
        },
        [S.WaitForJob]: { Type: "Wait", Comment: "Backoff computed by the poll step.", SecondsPath: "$.job.delaySeconds", Next: S.PollJob },
        [S.Judge]: runTask(args, "judge", { "jobId.$": "$.job.jobId", "batches.$": "$.run.batches" }, "$.run", S.PublishClean, 900),
        [S.PublishClean]: moveMap(args, S.PublishClean, "scanToScanned", "$.run.clean", null, S.AnythingToReview, "Clean objects: scan -> scanned."),
        [S.AnythingToReview]: {
            Type: "Choice",
            Choices: [{ Variable: "$.run.reviewCount", NumericGreaterThan: 0, Next: S.MoveToReview }],
            Default: S.ReleaseLock,
        },
        [S.MoveToReview]: moveMap(
            args,
            S.MoveToReview,
            "scanToReview",
            "$.run.review",
            "$.run.review",
            S.RequestApproval,
            "Flagged and unclassifiable objects: scan -> review.",
        ),
        [S.RequestApproval]: {
            Type: "Task",
            Comment: "The token is stored with the audit record; the notification carries none.",
            Resource: LAMBDA_INVOKE_WAIT_FOR_TOKEN,
            Parameters: {
                FunctionName: args.requestApprovalFunctionArn,
                Payload: {
                    "taskToken.$": "$$.Task.Token",
                    pipeline: args.pipeline,
                    "runId.$": RUN_ID,
                    "reviewCount.$": "$.run.reviewCount",
                    "enteredAt.$": "$$.State.EnteredTime",
                    timeoutSeconds: args.approvalTimeoutSeconds,
                },
            },
            ResultPath: "$.decision",
            TimeoutSeconds: args.approvalTimeoutSeconds,
            Retry: retryUnless([...SCAN_PERMANENT_ERRORS, "States.Timeout"]),
            Catch: [
                { ErrorEquals: ["States.Timeout"], ResultPath: "$.timeout", Next: S.DeniedByTimeout },
                { ErrorEquals: ["States.ALL"], ResultPath: ERROR_PATH, Next: S.ReleaseLockAfterFailure },
            ],
            Next: S.RouteDecision,
        },
        [S.DeniedByTimeout]: {
            Type: "Task",
            Comment: "No decision in time is a deny; the record says so, and a late decision is refused.",
            Resource: DYNAMODB_UPDATE_ITEM_SDK,
            Parameters: {
                TableName: args.decisionTableName,
                Key: { runId: { "S.$": RUN_ID } },
                UpdateExpression: "SET #status = :expired, decision = :deny",
                ConditionExpression: "#status = :pending",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":expired": { S: "EXPIRED" }, ":pending": { S: "PENDING" }, ":deny": { S: "deny" } },
            },
            ResultSelector: { decision: "deny", approverArn: "timeout" },
            ResultPath: "$.decision",
            TimeoutSeconds: 30,
            Retry: retryUnless(["DynamoDB.ConditionalCheckFailedException"]),
            Catch: catchAll(S.ReleaseLockAfterFailure),
            Next: S.RouteDecision,
        },
        [S.RouteDecision]: {
            Type: "Choice",
            Choices: [
                { Variable: "$.decision.decision", StringEquals: "approve", Next: S.PublishReviewed },
                { Variable: "$.decision.decision", StringEquals: "deny", Next: args.onDeny === "delete" ? S.DeleteReviewed : S.ReleaseLock },
            ],
            Default: S.UnknownDecision,
        },
        [S.UnknownDecision]: {
            Type: "Pass",
            Comment: "A decision neither approve nor deny fails the run like any error: the objects stay in review.",
            Parameters: { Error: "ScanStage.UnknownDecision", "Cause.$": "States.JsonToString($.decision)" },
            ResultPath: ERROR_PATH,
            Next: S.ReleaseLockAfterFailure,
        },
        [S.PublishReviewed]: moveMap(args, S.PublishReviewed, "reviewToScanned", "$.run.review.batches", null, S.ReleaseLock, "Approved: review -> scanned."),
        ...(args.onDeny === "delete"
            ? {
                  [S.DeleteReviewed]: moveMap(
                      args,
                      S.DeleteReviewed,
                      "deleteReviewed",
                      "$.run.review.batches",
                      null,
                      S.ReleaseLock,
                      "Denied: delete exactly the reviewed versions.",
                  ),
              }
            : {}),
        [S.ReleaseLock]: releaseLock(args, S.RunDone, S.ReleaseLockAfterFailure),
        [S.RunDone]: { Type: "Succeed" },
        [S.ReleaseLockAfterFailure]: releaseLock(args, S.DescribeFailure, S.DescribeFailure),
        [S.DescribeFailure]: {
            Type: "Pass",
            Comment: "The RUN_FAILED body (contracts/scan-stage-notices.ts runFailureSchema).",
            Parameters: {
                event: ScanNoticeEvent.RunFailed,
                pipeline: args.pipeline,
                "runId.$": RUN_ID,
                "executionArn.$": "$$.Execution.Id",
                status: "FAILED",
                "error.$": "$.error.Error",
                "cause.$": "$.error.Cause",
            },
            ResultPath: "$.notice",
            Next: S.ReportFailure,
        },
        [S.ReportFailure]: {
            Type: "Task",
            Resource: SNS_PUBLISH,
            Parameters: {
                TopicArn: args.topicArn,
                Subject: noticeSubject(args.pipeline, "run failed"),
                "Message.$": "States.JsonToString($.notice)",
                MessageAttributes: {
                    event: { DataType: "String", StringValue: ScanNoticeEvent.RunFailed },
                    pipeline: { DataType: "String", StringValue: args.pipeline },
                    runId: { DataType: "String", "StringValue.$": RUN_ID },
                },
            },
            ResultPath: null,
            TimeoutSeconds: 30,
            Retry: retryUnless([]),
            Catch: catchAll(S.RunFailedUnreported, "$.reportError"),
            Next: S.RunFailed,
        },
        [S.RunFailed]: {
            Type: "Fail",
            Comment: "Objects are where the run left them, each in exactly one bucket; the next run picks landing up again.",
            ErrorPath: "$.error.Error",
            CausePath: "$.error.Cause",
        },
        [S.RunFailedUnreported]: {
            Type: "Fail",
            Comment: "The notice could not be published: the execution status rule reports this error (UNREPORTED_FAILURES).",
            Error: FAILURE_NOT_REPORTED,
            CausePath: "$.error.Cause",
        },
    };
    return {
        Comment: `lakewarden Macie scan stage ${args.pipeline}`,
        StartAt: S.BeginRun,
        TimeoutSeconds: args.timeoutSeconds,
        States: states,
    };
}
