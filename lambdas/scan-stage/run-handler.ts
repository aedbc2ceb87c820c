/**
 * The scan-stage run steps as one Lambda: { action: begin | startJob | pollJob | judge }.
 * Env: LANDING_BUCKET, SCAN_BUCKET, LOCK_TABLE, RESULTS_BUCKET, RESULTS_PREFIX, MAX_OBJECTS_PER_RUN,
 * ACCOUNT_ID (the stage's account), AWS_REGION (set by Lambda).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Macie2Client } from "@aws-sdk/client-macie2";
import { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { required, requiredInteger } from "./environment";
import { InvalidScanRequest } from "./errors";
import { beginRun, judge, pollJob, type RunDeps, startJob } from "./run-steps";

const runId = z.string().regex(/^[\w-]{1,80}$/);
const common = { pipeline: z.string().min(1), runId };
/** The moves report more per object (verdicts); judging needs its key and version in the scan bucket. */
const runObject = z.object({ key: z.string().min(1), versionId: z.string().min(1) });

const requestSchema = z.discriminatedUnion("action", [
    z.strictObject({ action: z.literal("begin"), ...common, startedAt: z.iso.datetime(), lockSeconds: z.number().int().positive() }),
    z.strictObject({ action: z.literal("startJob"), ...common }),
    z.strictObject({ action: z.literal("pollJob"), ...common, jobId: z.string().min(1), delaySeconds: z.number().int().positive() }),
    z.strictObject({ action: z.literal("judge"), ...common, jobId: z.string().min(1), batches: z.array(z.array(runObject)) }),
]);
export type RunRequest = z.infer<typeof requestSchema>;

export async function runAction(request: RunRequest, deps: RunDeps) {
    switch (request.action) {
        case "begin":
            return beginRun(deps, request);
        case "startJob":
            return startJob(deps, request);
        case "pollJob":
            return pollJob(deps, request);
        case "judge":
            return judge(deps, request);
    }
}

const logger = new Logger({ serviceName: "scan-stage-run" });
const metrics = new Metrics({ namespace: "lakewarden", serviceName: "scan-stage-run" });
let deps: RunDeps | undefined;

function depsFromEnvironment(): RunDeps {
    return {
        s3: new S3Client({}),
        macie: new Macie2Client({}),
        ddb: new DynamoDBClient({}),
        accountId: required("ACCOUNT_ID"),
        region: required("AWS_REGION"),
        buckets: { landing: required("LANDING_BUCKET"), scan: required("SCAN_BUCKET") },
        lockTable: required("LOCK_TABLE"),
        results: { bucket: required("RESULTS_BUCKET"), prefix: process.env.RESULTS_PREFIX ?? "" },
        maxObjects: requiredInteger("MAX_OBJECTS_PER_RUN"),
        now: () => new Date(),
        countSkipped: () => {
            const metric = metrics.singleMetric();
            metric.addMetric("SkippedRuns", MetricUnit.Count, 1);
        },
    };
}

export const handler = async (payload: unknown) => {
    const parsed = requestSchema.safeParse(payload);
    if (!parsed.success) {
        throw new InvalidScanRequest(z.prettifyError(parsed.error));
    }
    deps ??= depsFromEnvironment();
    const result = await runAction(parsed.data, deps);
    logger.info("scan run step done", { action: parsed.data.action, pipeline: parsed.data.pipeline, runId: parsed.data.runId });
    return result;
};
