/**
 * The idempotent, bounded steps of moving one object version to another key of its bucket, for any
 * workflow that contains or restores objects:
 *   checkContainment  would removing the version contain it? (replication, Object Lock, legal hold)
 *   copyVersion       create-once copy, at most limits.maxBytesPerInvocation per call (IN_PROGRESS: call again)
 *   verifyCopy        same bytes, by S3's own checksums like with like (IN_PROGRESS while a source is read)
 *   deleteVerifiedSource  delete exactly the source version after re-checking the kept copy; optionally
 *                     hide the key first with a delete marker so no older version becomes current
 *   abortCopy         abort every open multipart upload of the target (the failure path runs it)
 */
import { formatChecksum } from "./checksum";
import { compareContent, type MatchMethod, type StreamProgress } from "./content-match";
import { planCopy, type CopyLimits } from "./copy-plan";
import { CopyVerificationFailed, ObjectVersionMissing, TargetKeyOccupied, VerifiedCopyChanged } from "./errors";
import type { CopyTarget, ObjectHead, ObjectStore } from "./object-store";

export interface VersionRef {
    key: string;
    versionId: string;
    /** Another bucket of the same account (the scan stage's moves); absent: the source's bucket. */
    bucket?: string;
}

export type ContainmentCheck = { outcome: "CLEAR" } | { outcome: "BLOCKED"; reasons: string[] };

/**
 * A version delete is not replicated (S3 User Guide, "What is and is not replicated"), so a
 * replica would keep the content and the copy would be replicated too; a bucket default retention
 * would lock the copy; a legal hold or a running retention refuses the delete. Each blocks.
 */
export async function checkContainment(store: ObjectStore, bucket: string, version: VersionRef): Promise<ContainmentCheck> {
    const found = await store.containment({ ...version, bucket });
    const reasons = [
        ...(found.replicationRules.length > 0
            ? [
                  `replication rule ${found.replicationRules.join(", ")} copies this key to another bucket; a version delete is not replicated, so the replica would keep the content`,
              ]
            : []),
        ...(found.defaultRetention ? [`the bucket's Object Lock default retention (${found.defaultRetention}) would lock the quarantine copy`] : []),
        ...(found.legalHold ? ["the version is under an Object Lock legal hold and cannot be deleted"] : []),
        ...(found.retainUntil ? [`the version is under Object Lock retention until ${found.retainUntil.toISOString()} and cannot be deleted`] : []),
    ];
    return reasons.length > 0 ? { outcome: "BLOCKED", reasons } : { outcome: "CLEAR" };
}

export type CopyOutcome =
    | { outcome: "COPIED" | "ALREADY_COPIED"; targetKey: string; targetVersionId: string; size: number }
    | { outcome: "IN_PROGRESS"; targetKey: string; partsDone: number; partsTotal: number }
    | { outcome: "SOURCE_MISSING"; targetKey: string; targetExists: boolean };

/**
 * Copies source to the target (a key of the same bucket, or a CopyTarget in another) unless the
 * target key already holds the same content (a previous or concurrent run), in which case that
 * version is reported. Never overwrites other content (a newVersion target adds a version).
 */
export async function copyVersion(
    store: ObjectStore,
    bucket: string,
    source: VersionRef,
    target: string | CopyTarget,
    limits: CopyLimits,
): Promise<CopyOutcome> {
    const to = typeof target === "string" ? { bucket, key: target } : target;
    const targetKey = to.key;
    const sourceHead = await store.head({ ...source, bucket });
    if (!sourceHead) {
        const existing = await store.head({ bucket: to.bucket, key: targetKey });
        return { outcome: "SOURCE_MISSING", targetKey, targetExists: existing !== null };
    }
    const partSizes = sourceHead.checksum?.type === "COMPOSITE" ? await store.partSizes(sourceHead) : undefined;
    const step = await store.copyStep(sourceHead, to, planCopy(sourceHead.size, sourceHead.checksum, partSizes, limits));
    if ("inProgress" in step) return { outcome: "IN_PROGRESS", targetKey, partsDone: step.partsDone, partsTotal: step.partsTotal };
    if (step.created) return { outcome: "COPIED", targetKey, targetVersionId: step.versionId, size: sourceHead.size };
    const existing = await store.head({ bucket: to.bucket, key: targetKey });
    if (!existing) {
        // Deleted between the conditional copy and this read: let the retry copy again.
        throw new Error(`s3://${to.bucket}/${targetKey} existed a moment ago and is gone now`);
    }
    // Conclusive evidence only (no reading here): a copy that needs reading is settled by verifyCopy.
    const match = await compareContent(store, sourceHead, existing, { ...limits, maxBytesPerInvocation: 0 });
    if ("equal" in match && !match.equal) {
        throw new TargetKeyOccupied(`s3://${to.bucket}/${targetKey} holds other content (${match.detail}); nothing overwritten`);
    }
    return { outcome: "ALREADY_COPIED", targetKey, targetVersionId: existing.versionId, size: existing.size };
}

export type Verification = { outcome: "VERIFIED"; size: number; checksum: string; method: MatchMethod } | { outcome: "IN_PROGRESS"; progress: StreamProgress };

async function requireVersion(store: ObjectStore, bucket: string, ref: VersionRef, role: string): Promise<ObjectHead> {
    const head = await store.head({ ...ref, bucket: ref.bucket ?? bucket });
    if (!head) {
        throw new ObjectVersionMissing(`${role} s3://${ref.bucket ?? bucket}/${ref.key} version ${ref.versionId} does not exist`);
    }
    return head;
}

export async function verifyCopy(
    store: ObjectStore,
    bucket: string,
    source: VersionRef,
    target: VersionRef,
    limits: CopyLimits,
    progress?: StreamProgress,
): Promise<Verification> {
    const sourceHead = await requireVersion(store, bucket, source, "source");
    const targetHead = await requireVersion(store, bucket, target, "copy");
    const match = await compareContent(store, sourceHead, targetHead, limits, progress);
    if ("inProgress" in match) return { outcome: "IN_PROGRESS", progress: match.inProgress };
    if (!match.equal || !targetHead.checksum) {
        throw new CopyVerificationFailed(`copy s3://${target.bucket ?? bucket}/${target.key} does not match its source: ${match.detail}`);
    }
    return { outcome: "VERIFIED", size: targetHead.size, checksum: formatChecksum(targetHead.checksum), method: match.method };
}

export interface Expected {
    size: number;
    /** formatChecksum of the kept copy, as verifyCopy returned it. */
    checksum: string;
}

export interface DeleteOptions {
    /**
     * Put a delete marker on the key before deleting the source when the source is the key's
     * current version, so the key stops serving (no older, never-scanned version becomes current).
     */
    hideKey: boolean;
}

export type DeleteOutcome = { outcome: "DELETED" | "ALREADY_DELETED"; deleteMarkerVersionId?: string };

/**
 * Deletes exactly the source version, after checking that the kept copy still has the size
 * and checksum that were verified. A source version already gone is success (a re-run).
 */
export async function deleteVerifiedSource(
    store: ObjectStore,
    bucket: string,
    source: VersionRef,
    kept: VersionRef,
    expected: Expected,
    options: DeleteOptions,
): Promise<DeleteOutcome> {
    const keptHead = await store.head({ ...kept, bucket: kept.bucket ?? bucket });
    const keptBucket = kept.bucket ?? bucket;
    if (!keptHead) {
        throw new VerifiedCopyChanged(`verified copy s3://${keptBucket}/${kept.key} version ${kept.versionId} is gone; source kept`);
    }
    const keptChecksum = keptHead.checksum ? formatChecksum(keptHead.checksum) : "none";
    if (keptHead.size !== expected.size || keptChecksum !== expected.checksum) {
        throw new VerifiedCopyChanged(
            `copy s3://${keptBucket}/${kept.key} is ${keptHead.size} bytes / ${keptChecksum}, verified ${expected.size} bytes / ${expected.checksum}; source kept`,
        );
    }
    let deleteMarkerVersionId: string | undefined;
    if (options.hideKey) {
        const latest = await store.latest(bucket, source.key);
        if (latest?.versionId === source.versionId) deleteMarkerVersionId = await store.putDeleteMarker(bucket, source.key);
        // A re-run after the marker was put: keep pointing at it.
        else if (latest?.deleteMarker) deleteMarkerVersionId = latest.versionId;
    }
    const marker = deleteMarkerVersionId ? { deleteMarkerVersionId } : {};
    if (!(await store.head({ ...source, bucket }))) return { outcome: "ALREADY_DELETED", ...marker };
    await store.deleteVersion({ ...source, bucket });
    return { outcome: "DELETED", ...marker };
}

/** Aborts the target's open multipart uploads: nothing half-copied stays billed. */
export async function abortCopy(store: ObjectStore, bucket: string, targetKey: string): Promise<{ aborted: number }> {
    return { aborted: await store.abortUploads(bucket, targetKey) };
}
