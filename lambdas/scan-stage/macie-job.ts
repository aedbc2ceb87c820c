/**
 * The one-time Macie job of a run, scoped to exactly the objects the run tagged, and what its
 * status means for the workflow.
 */
import type { CreateClassificationJobRequest, JobStatus } from "@aws-sdk/client-macie2";
import { ScanJobFailed } from "./errors";

/** Object tag that scopes a run's job to the run's objects (set when objects enter the scan bucket). */
export const RUN_TAG = "lakewarden:scan-run";

export interface JobScope {
    pipeline: string;
    runId: string;
    accountId: string;
    scanBucket: string;
}

/**
 * ONE_TIME with clientToken = run id: a retried create returns the same job instead of starting
 * a second one (CreateClassificationJob: clientToken "ensures the idempotency of the request").
 * Sampling 100 %: every object of the run is analysed, none is published unexamined.
 */
export function jobRequest(scope: JobScope): CreateClassificationJobRequest {
    return {
        clientToken: scope.runId,
        jobType: "ONE_TIME",
        name: `lakewarden-${scope.pipeline}-${scope.runId}`.slice(0, 500),
        description: `lakewarden scan stage ${scope.pipeline}, run ${scope.runId}`,
        managedDataIdentifierSelector: "RECOMMENDED",
        samplingPercentage: 100,
        s3JobDefinition: {
            bucketDefinitions: [{ accountId: scope.accountId, buckets: [scope.scanBucket] }],
            scoping: {
                includes: {
                    and: [
                        {
                            tagScopeTerm: {
                                comparator: "EQ",
                                key: "TAG",
                                tagValues: [{ key: RUN_TAG, value: scope.runId }],
                                target: "S3_OBJECT",
                            },
                        },
                    ],
                },
            },
        },
        tags: { "lakewarden:pipeline": scope.pipeline, [RUN_TAG]: scope.runId },
    };
}

export type JobProgress = "COMPLETE" | "WAITING";

/**
 * COMPLETE ends the wait; RUNNING, PAUSED (monthly quota reached, Macie resumes it) and
 * USER_PAUSED (someone paused it; it is cancelled after 30 days) keep waiting, bounded by the
 * workflow's own timeout; CANCELLED fails the run. IDLE applies to recurring jobs only
 * (Macie API reference, JobSummary.jobStatus), so for a one-time job it is unexpected: fail.
 */
export function jobProgress(jobId: string, status: JobStatus | string | undefined): JobProgress {
    switch (status) {
        case "COMPLETE":
            return "COMPLETE";
        case "RUNNING":
        case "PAUSED":
        case "USER_PAUSED":
            return "WAITING";
        default:
            throw new ScanJobFailed(`Macie job ${jobId} is ${status ?? "in no status"}; the run cannot be judged`);
    }
}
