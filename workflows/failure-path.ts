/**
 * The tail every remediation workflow ends in when a step fails for good: note the error on
 * the tracking record (its state unchanged, so a re-run resumes), tell the channel, fail.
 */
import { NOTIFY_PERMANENT_ERRORS } from "../lambdas/notify-webhook/errors";
import { lambdaTask, type State } from "./asl";
import { recordFailureTask } from "./tracking";

export interface FailurePathArgs {
    workflow: "quarantine" | "release";
    tableName: string;
    keyPaths: { findingId: string; versionId: string };
    notifyFunctionArn: string;
    names: { recordFailure: string; reportFailure: string; failed: string };
}

export function failurePath(args: FailurePathArgs): Record<string, State> {
    const { names } = args;
    return {
        [names.recordFailure]: recordFailureTask({
            comment: "Keep the record's state; note why this run stopped.",
            tableName: args.tableName,
            keyPaths: args.keyPaths,
            next: names.reportFailure,
            onError: names.reportFailure,
        }),
        [names.reportFailure]: lambdaTask({
            functionArn: args.notifyFunctionArn,
            payload: { kind: "FAILED", workflow: args.workflow, "executionId.$": "$$.Execution.Id", "state.$": "$" },
            resultPath: null,
            timeoutSeconds: 30,
            permanentErrors: NOTIFY_PERMANENT_ERRORS,
            next: names.failed,
            onError: names.failed,
            // Keep the step's error at $.error for the Fail state.
            errorPath: "$.reportError",
        }),
        [names.failed]: {
            Type: "Fail",
            Comment: "The original object is where it was; re-run to complete.",
            ErrorPath: "$.error.Error",
            CausePath: "$.error.Cause",
        },
    };
}
