/**
 * Step Functions task for the release workflow, one action per call:
 *  restore              quarantine copy -> original key (create-once; never overwrites other content;
 *                       a delete marker the quarantine put counts as absent; IN_PROGRESS: call again)
 *  abortRestore         abort the restore's open multipart uploads (failure path)
 *  verify               restored object equals the quarantine copy (S3 checksums; IN_PROGRESS: call again)
 *  deleteQuarantineCopy delete exactly the quarantine version after re-checking the restored one. The delete
 *                       marker the quarantine put stays as a non-current version (the audit trail; the bucket's
 *                       noncurrent-version expiration removes it), so this role never deletes versions of originals
 * Cross-account through the role named by RELEASE_ROLE_NAME in the bucket's account.
 */
import { z } from "zod";
import type { CopyLimits } from "../shared/s3-transfer/copy-plan";
import { formatChecksum } from "../shared/s3-transfer/checksum";
import { ObjectVersionMissing } from "../shared/s3-transfer/errors";
import { abortCopy, copyVersion, deleteVerifiedSource, verifyCopy } from "../shared/s3-transfer/transfer";
import {
    expectedSchema,
    findingIdSchema,
    objectLocationSchema,
    objectVersionSchema,
    progressSchema,
    topPrefix,
    versionRefSchema,
} from "../quarantine-object/input";
import { stepHandler } from "../quarantine-object/step-handler";
import { openStore, type StepDeps, type StepKind } from "../quarantine-object/steps";

const base = { findingId: findingIdSchema, quarantine: versionRefSchema };

const requestSchema = z.discriminatedUnion("action", [
    z.strictObject({ action: z.literal("restore"), ...base, object: objectLocationSchema, expected: expectedSchema }),
    z.strictObject({ action: z.literal("abortRestore"), ...base, object: objectLocationSchema }),
    z.strictObject({ action: z.literal("verify"), ...base, object: objectVersionSchema, progress: progressSchema.optional() }),
    z.strictObject({
        action: z.literal("deleteQuarantineCopy"),
        ...base,
        object: objectVersionSchema,
        expected: expectedSchema,
    }),
]);
export type ReleaseRequest = z.infer<typeof requestSchema>;

const STEP: Record<ReleaseRequest["action"], StepKind> = {
    restore: "copy",
    abortRestore: "abort",
    verify: "verify",
    deleteQuarantineCopy: "deleteSource",
};

export async function runReleaseAction(request: ReleaseRequest, deps: StepDeps) {
    const { object, quarantine, findingId } = request;
    const store = await openStore(deps, {
        purpose: "release",
        step: STEP[request.action],
        findingId,
        location: { accountId: object.accountId, region: object.region, partition: object.partition, bucket: object.bucket },
        source: { key: quarantine.key, widenTo: topPrefix(quarantine.key) },
        target: { key: object.key, widenTo: "" },
    });
    if (request.action === "restore") {
        const result = await copyVersion(store, object.bucket, quarantine, object.key, deps.limits);
        if (result.outcome === "IN_PROGRESS") return { outcome: result.outcome, partsDone: result.partsDone, partsTotal: result.partsTotal };
        if (result.outcome !== "SOURCE_MISSING") {
            return { outcome: result.outcome === "COPIED" ? "RESTORED" : "ALREADY_RESTORED", restoredVersionId: result.targetVersionId };
        }
        // The quarantine copy is gone: fine only if the original key already holds its content.
        const current = await store.head({ bucket: object.bucket, key: object.key });
        const currentChecksum = current?.checksum ? formatChecksum(current.checksum) : undefined;
        if (current && current.size === request.expected.size && currentChecksum === request.expected.checksum) {
            return { outcome: "ALREADY_RESTORED", restoredVersionId: current.versionId };
        }
        throw new ObjectVersionMissing(
            `quarantine copy s3://${object.bucket}/${quarantine.key} version ${quarantine.versionId} is gone and the original key does not hold its content`,
        );
    }
    if (request.action === "abortRestore") return abortCopy(store, object.bucket, object.key);
    const restored = { key: object.key, versionId: request.object.versionId };
    if (request.action === "verify") {
        return verifyCopy(store, object.bucket, quarantine, restored, deps.limits, request.progress);
    }
    return deleteVerifiedSource(store, object.bucket, quarantine, restored, request.expected, { hideKey: false });
}

/** The Lambda handler for the given copy limits (S3's by default). */
export function createHandler(limits?: CopyLimits) {
    return stepHandler("release-object", "RELEASE_ROLE_NAME", requestSchema, runReleaseAction, limits);
}

export const handler = createHandler();
