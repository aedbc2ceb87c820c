/**
 * The scan stage's moves as one Lambda: { action, pipeline, runId, batch } -> { runId, done, batch }
 * (lambdas/scan-stage/move.ts); `done: false` and the workflow calls again with the returned batch.
 * Work per call is bounded by the invocation's remaining time (context.getRemainingTimeInMillis).
 *
 * Env: LANDING_BUCKET, SCAN_BUCKET, REVIEW_BUCKET, SCANNED_BUCKET, ACCOUNT_ID (the stage's account).
 * IAM (Service Authorization Reference, "Actions defined by Amazon S3"; S3 API Reference, the
 * "Permissions" of CopyObject, UploadPartCopy, GetObjectAttributes, PutObjectTagging, DeleteObject):
 *   on <landing|scan|review>/*: s3:GetObjectVersion, s3:GetObjectTagging + s3:GetObjectVersionTagging (a
 *     version's tags: "You also need permission for the s3:GetObjectVersionTagging action", GetObjectTagging),
 *     s3:DeleteObjectVersion, s3:GetObjectVersionAttributes (with s3:GetObjectVersion: part layout of
 *     composite checksums);
 *   on <scan|review|scanned>/*: s3:PutObject, s3:PutObjectTagging (CopyObject/CreateMultipartUpload
 *     with tags), s3:GetObject, s3:GetObjectVersion, s3:GetObjectTagging + s3:GetObjectVersionTagging,
 *     s3:AbortMultipartUpload, s3:ListMultipartUploadParts; s3:PutObjectTagging + s3:PutObjectVersionTagging
 *     on scan/* (tagging a failed run's leftovers by version);
 *   on the four buckets: s3:ListBucket (a missing key answers 404, not 403), s3:ListBucketVersions,
 *     s3:ListBucketMultipartUploads;
 *   on the stage's customer-managed key: kms:Decrypt, kms:GenerateDataKey (SSE-KMS copies).
 */
import { S3Client } from "@aws-sdk/client-s3";
import type { Context } from "aws-lambda";
import { z } from "zod";
import { S3_COPY_LIMITS, type CopyLimits } from "../shared/s3-transfer/copy-plan";
import { S3ObjectStore } from "../shared/s3-transfer/s3-object-store";
import { instrumented, telemetry } from "../shared/telemetry";
import { required } from "./environment";
import { InvalidScanRequest } from "./errors";
import { moveBatch, type MoveResult, type ObjectMover, type StageBucket } from "./move";
import { S3StageMover } from "./s3-mover";

const moveItemSchema = z.object({
    key: z.string().min(1),
    versionId: z.string().min(1),
    bucket: z.enum(["landing", "scan"]).optional(),
    why: z.enum(["SENSITIVE_DATA", "UNCLASSIFIABLE"]).optional(),
    detail: z.array(z.string()).optional(),
    movedVersionId: z.string().min(1).optional(),
    resume: z.strictObject({ offset: z.number().int().nonnegative(), crc32: z.number().int().nonnegative() }).optional(),
});

const moveRequestSchema = z.strictObject({
    action: z.enum(["landingToScan", "scanToScanned", "scanToReview", "reviewToScanned", "deleteReviewed"]),
    pipeline: z.string().min(1),
    runId: z.string().regex(/^[\w-]{1,80}$/),
    batch: z.array(moveItemSchema).min(1),
});

interface MoveDeps {
    mover: ObjectMover;
    buckets: Record<StageBucket, string>;
}

/** Time kept back from the invocation's end: one more object's copy and verify must fit before it. */
const RESERVE_MS = 60_000;

const { logger, metrics } = telemetry("scan-stage-move");
let deps: MoveDeps | undefined;

/** The Lambda's dependencies from its environment; `limits` are S3's own except where the bench scales objects down. */
export function moveDepsFromEnvironment(s3: S3Client, limits: CopyLimits = S3_COPY_LIMITS): MoveDeps {
    const accountId = required("ACCOUNT_ID");
    return {
        mover: new S3StageMover(s3, new S3ObjectStore(s3, accountId, limits), accountId, limits),
        buckets: { landing: required("LANDING_BUCKET"), scan: required("SCAN_BUCKET"), review: required("REVIEW_BUCKET"), scanned: required("SCANNED_BUCKET") },
    };
}

export const handler = async (payload: unknown, context: Pick<Context, "getRemainingTimeInMillis">): Promise<MoveResult> => {
    const parsed = moveRequestSchema.safeParse(payload);
    if (!parsed.success) {
        throw new InvalidScanRequest(z.prettifyError(parsed.error));
    }
    const request = parsed.data;
    deps ??= moveDepsFromEnvironment(new S3Client({}));
    const { mover, buckets } = deps;
    return instrumented(metrics, "MoveBatchesFailed", async () => {
        const result = await moveBatch(mover, buckets, request, () => context.getRemainingTimeInMillis(), RESERVE_MS);
        const moved = result.done ? result.batch.length : result.batch.filter(item => item.movedVersionId).length;
        logger.info("scan stage move", {
            action: request.action,
            pipeline: request.pipeline,
            runId: request.runId,
            moved,
            of: request.batch.length,
            done: result.done,
        });
        return result;
    });
};
