/**
 * The scan stage's ObjectMover over the shared transfer steps (lambdas/shared/s3-transfer): one
 * call moves one version at most as far as its bounds allow, and every call can be repeated:
 *   1. the target key's current version tagged `lakewarden:moved-from=<source version>` is an earlier
 *      call's copy (found, not copied again);
 *   2. otherwise copyVersion copies exactly the source version (CopyObject up to 5 GiB, a resumable
 *      multipart UploadPartCopy above) into the target bucket as a new version of the key, with the
 *      source's metadata, website redirect, storage class, encryption and tags plus the stage's tags,
 *      all in the copy request itself;
 *   3. verifyCopy compares S3's own checksums like with like (or reads the source, a bounded window
 *      per call, resumed from the returned progress);
 *   4. deleteVerifiedSource deletes exactly the source version after re-checking the copy.
 * A copy or verification still under way answers PENDING (the workflow calls again). On a permanent
 * error the target key's open multipart uploads are aborted, so nothing half-copied stays billed.
 */
import { GetObjectTaggingCommand, PutObjectTaggingCommand, type S3Client } from "@aws-sdk/client-s3";
import type { StreamProgress } from "../shared/s3-transfer/content-match";
import type { CopyLimits } from "../shared/s3-transfer/copy-plan";
import { ObjectVersionMissing, TRANSFER_PERMANENT_ERRORS } from "../shared/s3-transfer/errors";
import type { ObjectStore } from "../shared/s3-transfer/object-store";
import { abortCopy, copyVersion, deleteVerifiedSource, verifyCopy } from "../shared/s3-transfer/transfer";
import type { MoveOutcome, ObjectMover, VersionRef } from "./move";

/** On every copy: the version it was copied from, which makes a repeated move find its copy. */
const MOVED_FROM_TAG = "lakewarden:moved-from";

const isPermanent = (error: unknown): boolean => (TRANSFER_PERMANENT_ERRORS as readonly string[]).includes((error as { name?: string }).name ?? "");

export class S3StageMover implements ObjectMover {
    constructor(
        private readonly s3: S3Client,
        private readonly store: ObjectStore,
        /** The stage's account: every request asserts it owns the bucket. */
        private readonly accountId: string,
        private readonly limits: CopyLimits,
    ) {}

    private async tagsOf(ref: VersionRef): Promise<Record<string, string>> {
        const out = await this.s3.send(
            new GetObjectTaggingCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId, ExpectedBucketOwner: this.accountId }),
        );
        return Object.fromEntries((out.TagSet ?? []).map(t => [t.Key ?? "", t.Value ?? ""]));
    }

    /** The target key's current version when it is the copy of `source` an earlier call made. */
    private async earlierCopy(source: VersionRef, targetBucket: string): Promise<string | undefined> {
        const latest = await this.store.latest(targetBucket, source.key);
        if (!latest || latest.deleteMarker) return undefined;
        const tags = await this.tagsOf({ bucket: targetBucket, key: source.key, versionId: latest.versionId });
        return tags[MOVED_FROM_TAG] === source.versionId ? latest.versionId : undefined;
    }

    async move(source: VersionRef, targetBucket: string, tags: Record<string, string>, resume?: StreamProgress): Promise<MoveOutcome> {
        try {
            return await this.moveOnce(source, targetBucket, tags, resume);
        } catch (error) {
            if (isPermanent(error)) await abortCopy(this.store, targetBucket, source.key);
            throw error;
        }
    }

    private async moveOnce(source: VersionRef, targetBucket: string, tags: Record<string, string>, resume?: StreamProgress): Promise<MoveOutcome> {
        const from = { key: source.key, versionId: source.versionId };
        const sourceExists = (await this.store.head(source)) !== null;
        let copy = await this.earlierCopy(source, targetBucket);
        if (!sourceExists) {
            // An earlier call deleted the source after verifying this copy: the move is done.
            if (copy) return { state: "MOVED", versionId: copy };
            throw new ObjectVersionMissing(`s3://${source.bucket}/${source.key} version ${source.versionId} is gone and was not moved to ${targetBucket}`);
        }
        if (!copy) {
            const copied = await copyVersion(
                this.store,
                source.bucket,
                from,
                { bucket: targetBucket, key: source.key, addTags: { ...tags, [MOVED_FROM_TAG]: source.versionId }, newVersion: true },
                this.limits,
            );
            if (copied.outcome === "IN_PROGRESS") return { state: "PENDING" };
            if (copied.outcome === "SOURCE_MISSING") {
                throw new ObjectVersionMissing(`s3://${source.bucket}/${source.key} version ${source.versionId} disappeared during its move`);
            }
            copy = copied.targetVersionId;
        }
        const kept = { bucket: targetBucket, key: source.key, versionId: copy };
        const verified = await verifyCopy(this.store, source.bucket, from, kept, this.limits, resume);
        if (verified.outcome === "IN_PROGRESS") return { state: "PENDING", resume: verified.progress };
        await deleteVerifiedSource(this.store, source.bucket, from, kept, { size: verified.size, checksum: verified.checksum }, { hideKey: false });
        return { state: "MOVED", versionId: copy };
    }

    async tag(ref: VersionRef, tags: Record<string, string>): Promise<void> {
        const merged = { ...(await this.tagsOf(ref)), ...tags };
        await this.s3.send(
            new PutObjectTaggingCommand({
                Bucket: ref.bucket,
                Key: ref.key,
                VersionId: ref.versionId,
                Tagging: { TagSet: Object.entries(merged).map(([Key, Value]) => ({ Key, Value })) },
                ExpectedBucketOwner: this.accountId,
            }),
        );
    }

    async deleteVersion(ref: VersionRef): Promise<void> {
        await this.store.deleteVersion(ref);
    }
}
