/** ObjectStore over one member-account S3 client (credentials of the assumed member role). */
import {
    AbortMultipartUploadCommand,
    CompleteMultipartUploadCommand,
    CopyObjectCommand,
    CreateMultipartUploadCommand,
    DeleteObjectCommand,
    GetObjectCommand,
    GetObjectTaggingCommand,
    HeadObjectCommand,
    UploadPartCopyCommand,
    type CompletedPart,
    type S3Client,
    type ServerSideEncryption,
    type StorageClass,
} from "@aws-sdk/client-s3";
import { planCopy, type CopyLimits, type CopyPart } from "./copy-plan";
import type { CopyIfAbsentResult, ObjectHead, ObjectRef, ObjectStore } from "./object-store";

const PART_COPY_CONCURRENCY = 8;

function status(error: unknown): number | undefined {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isMissing(error: unknown): boolean {
    const name = (error as { name?: string }).name;
    return name === "NotFound" || name === "NoSuchKey" || name === "NoSuchVersion" || status(error) === 404;
}

function isPreconditionFailed(error: unknown): boolean {
    return (error as { name?: string }).name === "PreconditionFailed" || status(error) === 412;
}

/** CopySource wants the key URL-encoded, slashes kept. */
export function copySource(head: { bucket: string; key: string; versionId: string }): string {
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

export class S3ObjectStore implements ObjectStore {
    constructor(
        private readonly s3: S3Client,
        /** The member account: every request asserts it owns the bucket. */
        private readonly expectedOwner: string,
        private readonly limits: CopyLimits,
    ) {}

    async head(ref: ObjectRef): Promise<ObjectHead | null> {
        try {
            const out = await this.s3.send(
                new HeadObjectCommand({
                    Bucket: ref.bucket,
                    Key: ref.key,
                    VersionId: ref.versionId,
                    ChecksumMode: "ENABLED",
                    ExpectedBucketOwner: this.expectedOwner,
                }),
            );
            return {
                bucket: ref.bucket,
                key: ref.key,
                versionId: out.VersionId ?? ref.versionId ?? "null",
                size: out.ContentLength ?? 0,
                eTag: out.ETag ?? "",
                checksumSHA256: out.ChecksumSHA256,
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

    async *read(ref: ObjectRef & { versionId: string }): AsyncIterable<Uint8Array> {
        const out = await this.s3.send(
            new GetObjectCommand({
                Bucket: ref.bucket,
                Key: ref.key,
                VersionId: ref.versionId,
                ExpectedBucketOwner: this.expectedOwner,
            }),
        );
        const body = out.Body as AsyncIterable<Uint8Array> | undefined;
        if (body) yield* body;
    }

    async copyIfAbsent(source: ObjectHead, targetKey: string): Promise<CopyIfAbsentResult> {
        const plan = planCopy(source.size, this.limits);
        try {
            if (plan.kind === "single") {
                const out = await this.s3.send(
                    new CopyObjectCommand({
                        Bucket: source.bucket,
                        Key: targetKey,
                        CopySource: copySource(source),
                        IfNoneMatch: "*",
                        MetadataDirective: "COPY",
                        TaggingDirective: "COPY",
                        ChecksumAlgorithm: "SHA256",
                        ExpectedBucketOwner: this.expectedOwner,
                        ExpectedSourceBucketOwner: this.expectedOwner,
                        ...placement(source),
                    }),
                );
                return { created: true, versionId: out.VersionId ?? "null" };
            }
            return await this.multipartCopy(source, targetKey, plan.parts);
        } catch (error) {
            if (isPreconditionFailed(error)) return { created: false };
            throw error;
        }
    }

    async deleteVersion(ref: ObjectRef & { versionId: string }): Promise<void> {
        try {
            await this.s3.send(
                new DeleteObjectCommand({
                    Bucket: ref.bucket,
                    Key: ref.key,
                    VersionId: ref.versionId,
                    ExpectedBucketOwner: this.expectedOwner,
                }),
            );
        } catch (error) {
            if (!isMissing(error)) throw error;
        }
    }

    /** Over 5 GiB: metadata and tags are not copied by UploadPartCopy, so they are set here. */
    private async multipartCopy(source: ObjectHead, targetKey: string, parts: CopyPart[]): Promise<CopyIfAbsentResult> {
        const tags = await this.s3.send(
            new GetObjectTaggingCommand({
                Bucket: source.bucket,
                Key: source.key,
                VersionId: source.versionId,
                ExpectedBucketOwner: this.expectedOwner,
            }),
        );
        const tagging = new URLSearchParams((tags.TagSet ?? []).map((t): [string, string] => [t.Key ?? "", t.Value ?? ""])).toString();
        const upload = await this.s3.send(
            new CreateMultipartUploadCommand({
                Bucket: source.bucket,
                Key: targetKey,
                ChecksumAlgorithm: "SHA256",
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
        );
        const uploadId = upload.UploadId;
        if (!uploadId) throw new Error(`CreateMultipartUpload for ${targetKey} returned no UploadId`);
        try {
            const completed = await this.copyParts(source, targetKey, uploadId, parts);
            const out = await this.s3.send(
                new CompleteMultipartUploadCommand({
                    Bucket: source.bucket,
                    Key: targetKey,
                    UploadId: uploadId,
                    IfNoneMatch: "*",
                    MultipartUpload: { Parts: completed },
                    ExpectedBucketOwner: this.expectedOwner,
                }),
            );
            return { created: true, versionId: out.VersionId ?? "null" };
        } catch (error) {
            // An incomplete upload is invisible but billed: abort it before reporting.
            await this.s3
                .send(new AbortMultipartUploadCommand({ Bucket: source.bucket, Key: targetKey, UploadId: uploadId, ExpectedBucketOwner: this.expectedOwner }))
                .catch(() => undefined);
            throw error;
        }
    }

    private async copyParts(source: ObjectHead, targetKey: string, uploadId: string, parts: CopyPart[]): Promise<CompletedPart[]> {
        const completed: CompletedPart[] = new Array(parts.length);
        let next = 0;
        let failed = false;
        const worker = async (): Promise<void> => {
            while (!failed && next < parts.length) {
                const index = next++;
                const part = parts[index];
                try {
                    const out = await this.s3.send(
                        new UploadPartCopyCommand({
                            Bucket: source.bucket,
                            Key: targetKey,
                            UploadId: uploadId,
                            PartNumber: part.partNumber,
                            CopySource: copySource(source),
                            CopySourceRange: `bytes=${part.first}-${part.last}`,
                            ExpectedBucketOwner: this.expectedOwner,
                            ExpectedSourceBucketOwner: this.expectedOwner,
                        }),
                    );
                    completed[index] = {
                        PartNumber: part.partNumber,
                        ETag: out.CopyPartResult?.ETag,
                        ChecksumSHA256: out.CopyPartResult?.ChecksumSHA256,
                    };
                } catch (error) {
                    failed = true;
                    throw error;
                }
            }
        };
        // Let every worker stop before the caller aborts the upload.
        const settled = await Promise.allSettled(Array.from({ length: Math.min(PART_COPY_CONCURRENCY, parts.length) }, worker));
        const rejection = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (rejection) throw rejection.reason;
        return completed;
    }
}
