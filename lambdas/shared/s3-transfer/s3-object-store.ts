/** ObjectStore over one S3 client (in the workflows: credentials of the assumed member role). */
import {
    AbortMultipartUploadCommand,
    CompleteMultipartUploadCommand,
    CopyObjectCommand,
    CreateMultipartUploadCommand,
    DeleteObjectCommand,
    GetBucketReplicationCommand,
    GetObjectAttributesCommand,
    GetObjectCommand,
    GetObjectLegalHoldCommand,
    GetObjectLockConfigurationCommand,
    GetObjectRetentionCommand,
    GetObjectTaggingCommand,
    HeadObjectCommand,
    ListMultipartUploadsCommand,
    ListObjectVersionsCommand,
    ListPartsCommand,
    NoSuchKey,
    NotFound,
    UploadPartCopyCommand,
    type CompletedPart,
    type ReplicationRule,
    type S3Client,
    type ServerSideEncryption,
    type StorageClass,
} from "@aws-sdk/client-s3";
import { checksumField, checksumFrom, type ChecksumAlgorithm } from "./checksum";
import type { CopyLimits, CopyPart, CopyPlan } from "./copy-plan";
import { S3AccessDenied, S3ConditionalConflict } from "./errors";
import type { Containment, CopyStepResult, CopyTarget, ObjectHead, ObjectRef, ObjectStore, VersionedRef } from "./object-store";

const PART_COPY_CONCURRENCY = 8;

const status = (error: unknown): number | undefined => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const named = (error: unknown, ...names: string[]): boolean => names.includes((error as { name?: string }).name ?? "");

/**
 * A HEAD has no body, so the SDK names a 404 `NotFound` and a 403 `Unknown` (only the status
 * says what happened); GETs carry the error code (`NoSuchKey`, `NoSuchVersion`).
 */
function isMissing(error: unknown): boolean {
    return error instanceof NotFound || error instanceof NoSuchKey || named(error, "NoSuchVersion") || status(error) === 404;
}

/** Every S3 error, with 403s (however the SDK names them) turned into the permanent S3AccessDenied. */
async function send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        if (status(error) === 403) throw new S3AccessDenied(`${operation}: ${(error as Error).message || "403"}`);
        // "If a conflicting operation occurs during the upload S3 returns a 409 ConditionalRequestConflict;
        // retry" (PutObject/CopyObject If-None-Match, S3 API Reference): a concurrent release or quarantine.
        if (status(error) === 409 && named(error, "ConditionalRequestConflict")) throw new S3ConditionalConflict(`${operation}: ${(error as Error).message}`);
        throw error;
    }
}

/** CopySource wants the key URL-encoded, slashes kept. */
function copySource(head: VersionedRef): string {
    const key = head.key.split("/").map(encodeURIComponent).join("/");
    return `${head.bucket}/${key}?versionId=${encodeURIComponent(head.versionId)}`;
}

/**
 * Keep the source's storage class and encryption (SSE-S3, or SSE-KMS with its key): CopyObject
 * would otherwise apply STANDARD and the bucket default, and a release would not restore the
 * exact object.
 */
function placement(head: ObjectHead) {
    const kms = head.serverSideEncryption === "aws:kms" || head.serverSideEncryption === "aws:kms:dsse";
    return {
        ...(head.storageClass && head.storageClass !== "STANDARD" ? { StorageClass: head.storageClass as StorageClass } : {}),
        ...(head.serverSideEncryption === "AES256" ? { ServerSideEncryption: "AES256" as ServerSideEncryption } : {}),
        ...(kms
            ? {
                  ServerSideEncryption: head.serverSideEncryption as ServerSideEncryption,
                  SSEKMSKeyId: head.sseKmsKeyId,
                  BucketKeyEnabled: head.bucketKeyEnabled,
              }
            : {}),
    };
}

/** Whether an enabled rule's filter selects the key (tag filters are assumed to: S3 evaluates them per object). */
function ruleCovers(rule: ReplicationRule, key: string): boolean {
    if (rule.Status !== "Enabled") return false;
    const prefix = rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? "";
    return key.startsWith(prefix);
}

export class S3ObjectStore implements ObjectStore {
    constructor(
        private readonly s3: S3Client,
        /** The bucket's account: every request asserts it owns the bucket. */
        private readonly expectedOwner: string,
        private readonly limits: CopyLimits,
    ) {}

    async head(ref: ObjectRef): Promise<ObjectHead | null> {
        try {
            const out = await send("HeadObject", () =>
                this.s3.send(
                    new HeadObjectCommand({
                        Bucket: ref.bucket,
                        Key: ref.key,
                        VersionId: ref.versionId,
                        ChecksumMode: "ENABLED",
                        ExpectedBucketOwner: this.expectedOwner,
                    }),
                ),
            );
            return {
                bucket: ref.bucket,
                key: ref.key,
                versionId: out.VersionId ?? ref.versionId ?? "null",
                size: out.ContentLength ?? 0,
                eTag: out.ETag ?? "",
                checksum: checksumFrom(out),
                serverSideEncryption: out.ServerSideEncryption,
                sseCustomerAlgorithm: out.SSECustomerAlgorithm,
                sseKmsKeyId: out.SSEKMSKeyId,
                bucketKeyEnabled: out.BucketKeyEnabled,
                storageClass: out.StorageClass,
                contentType: out.ContentType,
                cacheControl: out.CacheControl,
                contentDisposition: out.ContentDisposition,
                contentEncoding: out.ContentEncoding,
                contentLanguage: out.ContentLanguage,
                expires: out.Expires,
                websiteRedirectLocation: out.WebsiteRedirectLocation,
                metadata: out.Metadata ?? {},
            };
        } catch (error) {
            if (isMissing(error)) return null;
            throw error;
        }
    }

    async *readRange(ref: VersionedRef, first: number, last: number): AsyncIterable<Uint8Array> {
        const out = await send("GetObject", () =>
            this.s3.send(
                new GetObjectCommand({
                    Bucket: ref.bucket,
                    Key: ref.key,
                    VersionId: ref.versionId,
                    Range: `bytes=${first}-${last}`,
                    ExpectedBucketOwner: this.expectedOwner,
                }),
            ),
        );
        const body = out.Body as AsyncIterable<Uint8Array> | undefined;
        if (body) yield* body;
    }

    async partSizes(ref: VersionedRef): Promise<number[]> {
        const sizes: number[] = [];
        let marker: string | undefined;
        do {
            const out = await send("GetObjectAttributes", () =>
                this.s3.send(
                    new GetObjectAttributesCommand({
                        Bucket: ref.bucket,
                        Key: ref.key,
                        VersionId: ref.versionId,
                        ObjectAttributes: ["ObjectParts"],
                        MaxParts: 1000,
                        PartNumberMarker: marker,
                        ExpectedBucketOwner: this.expectedOwner,
                    }),
                ),
            );
            for (const part of out.ObjectParts?.Parts ?? []) sizes.push(part.Size ?? 0);
            marker = out.ObjectParts?.IsTruncated ? out.ObjectParts.NextPartNumberMarker : undefined;
        } while (marker);
        return sizes;
    }

    /** The source version's tags with the target's added, as a Tagging header (URL query form). */
    private async tagging(source: ObjectHead, target: CopyTarget): Promise<string> {
        const tags = await send("GetObjectTagging", () =>
            this.s3.send(
                new GetObjectTaggingCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId, ExpectedBucketOwner: this.expectedOwner }),
            ),
        );
        const merged = { ...Object.fromEntries((tags.TagSet ?? []).map(t => [t.Key ?? "", t.Value ?? ""])), ...target.addTags };
        return new URLSearchParams(Object.entries(merged)).toString();
    }

    async copyStep(source: ObjectHead, target: CopyTarget, plan: CopyPlan): Promise<CopyStepResult> {
        if (plan.kind === "single") {
            // Added tags replace the tag set in the same request, so the copy never exists without them.
            const tags = target.addTags
                ? { TaggingDirective: "REPLACE" as const, Tagging: await this.tagging(source, target) }
                : { TaggingDirective: "COPY" as const };
            try {
                const out = await send("CopyObject", () =>
                    this.s3.send(
                        new CopyObjectCommand({
                            Bucket: target.bucket,
                            Key: target.key,
                            CopySource: copySource(source),
                            ...(target.newVersion ? {} : { IfNoneMatch: "*" }),
                            MetadataDirective: "COPY",
                            ...tags,
                            // Not copied with the metadata directive: "to copy the value, you must specify
                            // x-amz-website-redirect-location in the request header" (CopyObject, S3 API Reference).
                            WebsiteRedirectLocation: source.websiteRedirectLocation,
                            ChecksumAlgorithm: plan.checksumAlgorithm,
                            ExpectedBucketOwner: this.expectedOwner,
                            ExpectedSourceBucketOwner: this.expectedOwner,
                            ...placement(source),
                        }),
                    ),
                );
                return { created: true, versionId: out.VersionId ?? "null" };
            } catch (error) {
                if (status(error) === 412) return { created: false };
                throw error;
            }
        }
        return this.multipartStep(source, target, plan);
    }

    private async openUploads(bucket: string, key: string): Promise<{ uploadId: string; initiated: number }[]> {
        const out = await send("ListMultipartUploads", () =>
            this.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key, ExpectedBucketOwner: this.expectedOwner })),
        );
        return (out.Uploads ?? [])
            .filter(u => u.Key === key && u.UploadId)
            .map(u => ({ uploadId: u.UploadId as string, initiated: u.Initiated?.getTime() ?? 0 }))
            .sort((a, b) => a.initiated - b.initiated);
    }

    private async abort(bucket: string, key: string, uploadId: string): Promise<void> {
        try {
            await send("AbortMultipartUpload", () =>
                this.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, ExpectedBucketOwner: this.expectedOwner })),
            );
        } catch (error) {
            if (!named(error, "NoSuchUpload")) throw error;
        }
    }

    async abortUploads(bucket: string, key: string): Promise<number> {
        const uploads = await this.openUploads(bucket, key);
        for (const upload of uploads) await this.abort(bucket, key, upload.uploadId);
        return uploads.length;
    }

    /**
     * Resumable state lives in S3 itself: the open upload for the target key (ListMultipartUploads)
     * and its copied parts (ListParts), so a re-run after a crash or timeout continues the same
     * upload instead of leaking it.
     */
    private async multipartStep(source: ObjectHead, target: CopyTarget, plan: Extract<CopyPlan, { kind: "multipart" }>): Promise<CopyStepResult> {
        const { bucket, key: targetKey } = target;
        const [oldest, ...concurrent] = await this.openUploads(bucket, targetKey);
        for (const extra of concurrent) await this.abort(bucket, targetKey, extra.uploadId);
        let uploadId = oldest?.uploadId;
        if (!uploadId) {
            if (!target.newVersion && (await this.head({ bucket, key: targetKey }))) return { created: false };
            uploadId = await this.createUpload(source, target, plan);
        }
        const done = await this.listParts(bucket, targetKey, uploadId, plan.checksumAlgorithm);
        const missing = plan.parts.filter(p => !done.has(p.partNumber));
        const batch: CopyPart[] = [];
        let bytes = 0;
        for (const part of missing) {
            const size = part.last - part.first + 1;
            if (batch.length > 0 && bytes + size > this.limits.maxBytesPerInvocation) break;
            batch.push(part);
            bytes += size;
        }
        await this.copyParts(source, target, uploadId, batch);
        if (batch.length < missing.length) {
            return { inProgress: true, partsDone: plan.parts.length - missing.length + batch.length, partsTotal: plan.parts.length };
        }
        const completed = await this.listParts(bucket, targetKey, uploadId, plan.checksumAlgorithm);
        try {
            const out = await send("CompleteMultipartUpload", () =>
                this.s3.send(
                    new CompleteMultipartUploadCommand({
                        Bucket: bucket,
                        Key: targetKey,
                        UploadId: uploadId,
                        ...(target.newVersion ? {} : { IfNoneMatch: "*" }),
                        MultipartUpload: { Parts: plan.parts.map(p => completed.get(p.partNumber) as CompletedPart) },
                        ExpectedBucketOwner: this.expectedOwner,
                    }),
                ),
            );
            return { created: true, versionId: out.VersionId ?? "null" };
        } catch (error) {
            if (status(error) !== 412) throw error;
            // Someone else created the key: this upload is not needed.
            await this.abort(bucket, targetKey, uploadId);
            return { created: false };
        }
    }

    /** UploadPartCopy copies no metadata or tags: they are set on the upload. */
    private async createUpload(source: ObjectHead, target: CopyTarget, plan: Extract<CopyPlan, { kind: "multipart" }>): Promise<string> {
        const tagging = await this.tagging(source, target);
        const upload = await send("CreateMultipartUpload", () =>
            this.s3.send(
                new CreateMultipartUploadCommand({
                    Bucket: target.bucket,
                    Key: target.key,
                    ChecksumAlgorithm: plan.checksumAlgorithm,
                    ChecksumType: plan.checksumType,
                    ContentType: source.contentType,
                    CacheControl: source.cacheControl,
                    ContentDisposition: source.contentDisposition,
                    ContentEncoding: source.contentEncoding,
                    ContentLanguage: source.contentLanguage,
                    Expires: source.expires,
                    WebsiteRedirectLocation: source.websiteRedirectLocation,
                    Metadata: source.metadata,
                    ...(tagging ? { Tagging: tagging } : {}),
                    ExpectedBucketOwner: this.expectedOwner,
                    ...placement(source),
                }),
            ),
        );
        if (!upload.UploadId) throw new Error(`CreateMultipartUpload for ${target.key} returned no UploadId`);
        return upload.UploadId;
    }

    /** Copied parts by number, in the form CompleteMultipartUpload wants them (ETag and part checksum). */
    private async listParts(bucket: string, key: string, uploadId: string, algorithm: ChecksumAlgorithm): Promise<Map<number, CompletedPart>> {
        const parts = new Map<number, CompletedPart>();
        let marker: string | undefined;
        do {
            const out = await send("ListParts", () =>
                this.s3.send(
                    new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker, ExpectedBucketOwner: this.expectedOwner }),
                ),
            );
            for (const part of out.Parts ?? []) {
                if (part.PartNumber === undefined) continue;
                parts.set(part.PartNumber, { PartNumber: part.PartNumber, ETag: part.ETag, [checksumField(algorithm)]: part[checksumField(algorithm)] });
            }
            marker = out.IsTruncated ? out.NextPartNumberMarker : undefined;
        } while (marker);
        return parts;
    }

    private async copyParts(source: ObjectHead, target: CopyTarget, uploadId: string, parts: CopyPart[]): Promise<void> {
        let next = 0;
        let failed = false;
        const worker = async (): Promise<void> => {
            while (!failed && next < parts.length) {
                const part = parts[next++];
                try {
                    await send("UploadPartCopy", () =>
                        this.s3.send(
                            new UploadPartCopyCommand({
                                Bucket: target.bucket,
                                Key: target.key,
                                UploadId: uploadId,
                                PartNumber: part.partNumber,
                                CopySource: copySource(source),
                                CopySourceRange: `bytes=${part.first}-${part.last}`,
                                ExpectedBucketOwner: this.expectedOwner,
                                ExpectedSourceBucketOwner: this.expectedOwner,
                            }),
                        ),
                    );
                } catch (error) {
                    failed = true;
                    throw error;
                }
            }
        };
        // Let every worker stop before reporting; the copied parts stay for the resumed run.
        const settled = await Promise.allSettled(Array.from({ length: Math.min(PART_COPY_CONCURRENCY, parts.length) }, worker));
        const rejection = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (rejection) throw rejection.reason;
    }

    async deleteVersion(ref: VersionedRef): Promise<void> {
        try {
            await send("DeleteObject", () =>
                this.s3.send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId, ExpectedBucketOwner: this.expectedOwner })),
            );
        } catch (error) {
            if (!isMissing(error)) throw error;
        }
    }

    async latest(bucket: string, key: string): Promise<{ versionId: string; deleteMarker: boolean } | null> {
        // Versions are listed by key, newest first, so the key's latest entry is on the first page.
        const out = await send("ListObjectVersions", () =>
            this.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, MaxKeys: 1000, ExpectedBucketOwner: this.expectedOwner })),
        );
        const latest = [
            ...(out.Versions ?? []).map(v => ({ key: v.Key, latest: v.IsLatest, versionId: v.VersionId, deleteMarker: false })),
            ...(out.DeleteMarkers ?? []).map(m => ({ key: m.Key, latest: m.IsLatest, versionId: m.VersionId, deleteMarker: true })),
        ].find(entry => entry.key === key && entry.latest && entry.versionId);
        return latest ? { versionId: latest.versionId as string, deleteMarker: latest.deleteMarker } : null;
    }

    async putDeleteMarker(bucket: string, key: string): Promise<string> {
        const out = await send("DeleteObject", () =>
            this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: this.expectedOwner })),
        );
        if (!out.DeleteMarker || !out.VersionId) throw new Error(`s3://${bucket}/${key}: no delete marker created (is versioning enabled?)`);
        return out.VersionId;
    }

    async containment(ref: VersionedRef): Promise<Containment> {
        const owner = { Bucket: ref.bucket, ExpectedBucketOwner: this.expectedOwner };
        const replication = await send("GetBucketReplication", () => this.s3.send(new GetBucketReplicationCommand(owner))).catch((error: unknown) => {
            if (named(error, "ReplicationConfigurationNotFoundError")) return undefined;
            throw error;
        });
        // Error codes as S3 returns them: a bucket without Object Lock answers GetObjectLockConfiguration with 404
        // ObjectLockConfigurationNotFoundError (seen from real buckets, crossplane-contrib/provider-upjet-aws#990);
        // a version without a legal hold or retention answers with 404 NoSuchObjectLockConfiguration, and a bucket
        // without Object Lock answers those two with 400 InvalidRequest, which is why they are only asked when it is
        // enabled (adobe/S3Mock integration-tests LegalHoldIT, verified against S3 in 2025).
        const lock = await send("GetObjectLockConfiguration", () => this.s3.send(new GetObjectLockConfigurationCommand(owner))).catch((error: unknown) => {
            if (named(error, "ObjectLockConfigurationNotFoundError")) return undefined;
            throw error;
        });
        const result: Containment = {
            replicationRules: (replication?.ReplicationConfiguration?.Rules ?? []).filter(r => ruleCovers(r, ref.key)).map(r => r.ID ?? "(unnamed rule)"),
            legalHold: false,
        };
        const retention = lock?.ObjectLockConfiguration?.Rule?.DefaultRetention;
        if (retention) result.defaultRetention = `${retention.Mode} ${retention.Days ?? retention.Years} ${retention.Days ? "days" : "years"}`;
        // Legal holds and retentions exist only in buckets with Object Lock enabled.
        if (lock?.ObjectLockConfiguration?.ObjectLockEnabled === "Enabled") {
            const version = { ...owner, Key: ref.key, VersionId: ref.versionId };
            const hold = await send("GetObjectLegalHold", () => this.s3.send(new GetObjectLegalHoldCommand(version))).catch((error: unknown) => {
                if (named(error, "NoSuchObjectLockConfiguration")) return undefined;
                throw error;
            });
            result.legalHold = hold?.LegalHold?.Status === "ON";
            const kept = await send("GetObjectRetention", () => this.s3.send(new GetObjectRetentionCommand(version))).catch((error: unknown) => {
                if (named(error, "NoSuchObjectLockConfiguration")) return undefined;
                throw error;
            });
            const until = kept?.Retention?.RetainUntilDate;
            if (until && until.getTime() > Date.now()) result.retainUntil = until;
        }
        return result;
    }
}
