/**
 * The scan-stage run steps as one Lambda: { action: begin | startJob | pollJob | judge }.
 * Env: LANDING_BUCKET, SCAN_BUCKET, LOCK_TABLE, RESULTS_BUCKET, RESULTS_PREFIX (may be empty),
 * MAX_OBJECTS_PER_RUN, ACCOUNT_ID (the stage's account), AWS_REGION (set by Lambda).
 * IAM (Service Authorization Reference, S3, Macie and DynamoDB actions; Macie User Guide, "Storing
 * and retaining sensitive data discovery results" for the results bucket and its key):
 *   begin:    dynamodb:PutItem on the lock table (conditional); s3:ListBucketVersions on landing and scan;
 *   startJob: macie2:CreateClassificationJob (no resource-level scoping beyond the account), macie2:TagResource
 *             if tags are passed; s3:ListBucketVersions on scan;
 *   pollJob:  macie2:DescribeClassificationJob on arn:aws:macie2:<region>:<account>:classification-job/*;
 *   judge:    macie2:ListFindings, macie2:GetFindings; s3:ListBucket and s3:GetObject on the results
 *             bucket under <prefix>AWSLogs/<account>/Macie/<region>/, kms:Decrypt on the results key;
 *   kms:Encrypt, kms:Decrypt, kms:GenerateDataKey* on the lock table's key with kms:ViaService dynamodb.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Macie2Client } from "@aws-sdk/client-macie2";
import { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { instrumented, telemetry } from "../shared/telemetry";
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

const { logger, metrics } = telemetry("scan-stage-run");
let deps: RunDeps | undefined;

/** RESULTS_PREFIX may be empty (results at the bucket's root) but must be set, so a forgotten variable is an error. */
function resultsPrefix(): string {
    const prefix = process.env.RESULTS_PREFIX;
    if (prefix === undefined) throw new InvalidScanRequest("environment variable RESULTS_PREFIX is not set (empty for the bucket's root)");
    return prefix;
}

function depsFromEnvironment(): RunDeps {
    return {
        s3: new S3Client({}),
        macie: new Macie2Client({}),
        ddb: new DynamoDBClient({}),
        accountId: required("ACCOUNT_ID"),
        region: required("AWS_REGION"),
        buckets: { landing: required("LANDING_BUCKET"), scan: required("SCAN_BUCKET") },
        lockTable: required("LOCK_TABLE"),
        results: { bucket: required("RESULTS_BUCKET"), prefix: resultsPrefix() },
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
    const ready = deps;
    return instrumented(metrics, "RunStepsFailed", async () => {
        const result = await runAction(parsed.data, ready);
        logger.info("scan run step done", { action: parsed.data.action, pipeline: parsed.data.pipeline, runId: parsed.data.runId });
        return result;
    });
};
