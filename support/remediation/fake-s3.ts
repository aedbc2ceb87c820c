/**
 * In-memory S3 with versioned buckets in several accounts, for the S3 calls the object Lambdas
 * make. It behaves like S3 where the code depends on it: HEAD/GET by version, 404 only with
 * s3:ListBucket (403 otherwise), CopyObject defaults (STANDARD storage class, bucket default
 * encryption), conditional writes (If-None-Match: * -> 412), checksums (full-object SHA-256 on
 * copy, composite SHA-256 on multipart), ETags (MD5 only for single-part non-KMS objects), the
 * 5 GiB single-copy limit (configurable), ExpectedBucketOwner, and authorisation of every
 * request against the caller's session (role policy and session policy).
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { isAllowedForSession } from "./iam-eval";
import type { Session } from "./fake-sts";

export interface StoredVersion {
    versionId: string;
    body: Buffer;
    eTag: string;
    checksumSHA256?: string;
    checksumType?: "FULL_OBJECT" | "COMPOSITE";
    metadata: Record<string, string>;
    contentType?: string;
    cacheControl?: string;
    tags: Record<string, string>;
    serverSideEncryption: string;
    sseKmsKeyId?: string;
    storageClass: string;
    lastModified: Date;
}

interface Bucket {
    owner: string;
    region: string;
    defaultKmsKeyId: string;
    keys: Map<string, StoredVersion[]>;
}

interface Upload {
    bucket: string;
    key: string;
    meta: Omit<StoredVersion, "versionId" | "body" | "eTag" | "checksumSHA256" | "checksumType" | "lastModified">;
    checksum: boolean;
    parts: Map<number, { body: Buffer; eTag: string; checksumSHA256?: string }>;
}

/** How a fixture object was uploaded: with a full SHA-256, a multipart composite one, or none. */
export type FixtureChecksum = "full" | "none" | { multipartPartSize: number };

export interface FixtureOptions {
    checksum?: FixtureChecksum;
    encryption?: "AES256" | "aws:kms";
    storageClass?: string;
    metadata?: Record<string, string>;
    contentType?: string;
    tags?: Record<string, string>;
}

export function s3Error(name: string, status: number, message = name): Error {
    return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: status } });
}

const sha256 = (data: Buffer): Buffer => createHash("sha256").update(data).digest();
const md5 = (data: Buffer): Buffer => createHash("md5").update(data).digest();

function splitParts(body: Buffer, partSize: number): Buffer[] {
    const parts: Buffer[] = [];
    for (let offset = 0; offset < body.length; offset += partSize) parts.push(body.subarray(offset, offset + partSize));
    return parts.length > 0 ? parts : [body];
}

function compositeSha256(parts: Buffer[]): string {
    return `${sha256(Buffer.concat(parts.map(sha256))).toString("base64")}-${parts.length}`;
}

function multipartEtag(parts: Buffer[]): string {
    return `"${md5(Buffer.concat(parts.map(md5))).toString("hex")}-${parts.length}"`;
}

export class FakeS3 {
    private readonly buckets = new Map<string, Bucket>();
    private readonly uploads = new Map<string, Upload>();
    private counter = 0;
    /** Every authorised request (action, resource), for tests of least privilege. */
    readonly requests: { action: string; resource: string }[] = [];

    private readonly scheduledFailures = new Map<string, number>();
    private readonly calls = new Map<string, number>();

    constructor(private readonly maxSingleCopyBytes = 5 * 1024 ** 3) {}

    /** Makes the nth call (1-based, counted from now) of an operation fail with a 500 InternalError. */
    failCall(operation: "uploadPartCopy" | "copyObject", nth: number): void {
        this.scheduledFailures.set(operation, (this.calls.get(operation) ?? 0) + nth);
    }

    private count(operation: string): void {
        const call = (this.calls.get(operation) ?? 0) + 1;
        this.calls.set(operation, call);
        if (this.scheduledFailures.get(operation) === call) throw s3Error("InternalError", 500, "We encountered an internal error");
    }

    createBucket(name: string, owner: string, region = "eu-west-1"): void {
        this.buckets.set(name, { owner, region, defaultKmsKeyId: `arn:aws:kms:${region}:${owner}:key/default-${name}`, keys: new Map() });
    }

    private nextVersionId(): string {
        this.counter++;
        // Real version ids mix letters, digits, dots and underscores.
        return `v${this.counter.toString(36).padStart(5, "0")}.Xq_${(this.counter * 7919).toString(36)}`;
    }

    private bucket(name: string): Bucket {
        const bucket = this.buckets.get(name);
        if (!bucket) throw s3Error("NoSuchBucket", 404);
        return bucket;
    }

    private etagFor(body: Buffer, encryption: string, versionId: string): string {
        // SSE-KMS ETags are not the content MD5.
        return encryption === "AES256" ? `"${md5(body).toString("hex")}"` : `"${createHash("md5").update(`kms:${versionId}`).digest("hex")}"`;
    }

    /** Writes a version as a client upload would (no authorisation: fixtures only). */
    putObject(bucketName: string, key: string, body: Buffer, options: FixtureOptions = {}): string {
        const bucket = this.bucket(bucketName);
        const versionId = this.nextVersionId();
        const encryption = options.encryption ?? "aws:kms";
        const checksum = options.checksum ?? "full";
        let eTag = this.etagFor(body, encryption, versionId);
        let checksumSHA256: string | undefined;
        let checksumType: StoredVersion["checksumType"];
        if (checksum === "full") {
            checksumSHA256 = sha256(body).toString("base64");
            checksumType = "FULL_OBJECT";
        } else if (checksum !== "none") {
            const parts = splitParts(body, checksum.multipartPartSize);
            checksumSHA256 = compositeSha256(parts);
            checksumType = "COMPOSITE";
            eTag = encryption === "AES256" ? multipartEtag(parts) : `"${createHash("md5").update(versionId).digest("hex")}-${parts.length}"`;
        }
        this.store(bucketName, key, {
            versionId,
            body: Buffer.from(body),
            eTag,
            checksumSHA256,
            checksumType,
            metadata: options.metadata ?? {},
            contentType: options.contentType,
            tags: options.tags ?? {},
            serverSideEncryption: encryption,
            sseKmsKeyId: encryption === "aws:kms" ? bucket.defaultKmsKeyId : undefined,
            storageClass: options.storageClass ?? "STANDARD",
            lastModified: new Date(),
        });
        return versionId;
    }

    private store(bucketName: string, key: string, version: StoredVersion): void {
        const keys = this.bucket(bucketName).keys;
        keys.set(key, [...(keys.get(key) ?? []), version]);
    }

    versions(bucketName: string, key: string): StoredVersion[] {
        return [...(this.bucket(bucketName).keys.get(key) ?? [])];
    }

    /** Every (key, version) of a bucket. */
    listVersions(bucketName: string): { key: string; version: StoredVersion }[] {
        return [...this.bucket(bucketName).keys].flatMap(([key, versions]) => versions.map((version) => ({ key, version })));
    }

    /** A version deleted by its owner outside the workflows (no authorisation: fixtures only). */
    removeVersion(bucketName: string, key: string, versionId: string): void {
        const keys = this.bucket(bucketName).keys;
        const remaining = (keys.get(key) ?? []).filter((v) => v.versionId !== versionId);
        if (remaining.length > 0) keys.set(key, remaining);
        else keys.delete(key);
    }

    openUploads(): number {
        return this.uploads.size;
    }

    private authorize(session: Session | undefined, action: string, bucketName: string, key?: string): void {
        const bucket = this.bucket(bucketName);
        const resource = key === undefined ? `arn:aws:s3:::${bucketName}` : `arn:aws:s3:::${bucketName}/${key}`;
        const context = { "aws:ResourceAccount": bucket.owner };
        if (!session || session.accountId !== bucket.owner || !isAllowedForSession(session.policies, action, resource, context)) {
            throw s3Error("AccessDenied", 403, `${session?.roleArn ?? "anonymous"} may not ${action} on ${resource}`);
        }
        this.requests.push({ action, resource });
    }

    private checkOwner(bucketName: string, expected: string | undefined): void {
        if (expected !== undefined && this.bucket(bucketName).owner !== expected) throw s3Error("AccessDenied", 403, "bucket owner mismatch");
    }

    /** A version (or the current one); missing reads as 404 only to a caller with s3:ListBucket. */
    private find(session: Session | undefined, bucketName: string, key: string, versionId: string | undefined, missing: string): StoredVersion {
        const versions = this.bucket(bucketName).keys.get(key) ?? [];
        const found = versionId === undefined ? versions.at(-1) : versions.find((v) => v.versionId === versionId);
        if (found) return found;
        let canList = true;
        try {
            this.authorize(session, "s3:ListBucket", bucketName);
        } catch {
            canList = false;
        }
        throw canList ? s3Error(missing, 404) : s3Error(missing === "NotFound" ? "Forbidden" : "AccessDenied", 403);
    }

    headObject(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string; ChecksumMode?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, input.VersionId ? "s3:GetObjectVersion" : "s3:GetObject", input.Bucket, input.Key);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, "NotFound");
        return {
            ContentLength: v.body.length,
            ETag: v.eTag,
            VersionId: v.versionId,
            ...(input.ChecksumMode === "ENABLED" && v.checksumSHA256 ? { ChecksumSHA256: v.checksumSHA256, ChecksumType: v.checksumType } : {}),
            ServerSideEncryption: v.serverSideEncryption,
            SSEKMSKeyId: v.sseKmsKeyId,
            // S3 omits the storage class header for STANDARD.
            StorageClass: v.storageClass === "STANDARD" ? undefined : v.storageClass,
            ContentType: v.contentType,
            CacheControl: v.cacheControl,
            Metadata: { ...v.metadata },
            LastModified: v.lastModified,
        };
    }

    getObject(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, input.VersionId ? "s3:GetObjectVersion" : "s3:GetObject", input.Bucket, input.Key);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, input.VersionId ? "NoSuchVersion" : "NoSuchKey");
        // Small chunks, so readers hash across chunk boundaries.
        const chunks = splitParts(v.body, 3).filter((c) => c.length > 0);
        return { Body: Readable.from(chunks), ContentLength: v.body.length, VersionId: v.versionId, ETag: v.eTag };
    }

    getObjectTagging(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, input.VersionId ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", input.Bucket, input.Key);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, "NoSuchVersion");
        return { VersionId: v.versionId, TagSet: Object.entries(v.tags).map(([Key, Value]) => ({ Key, Value })) };
    }

    private parseCopySource(copySource: string): { bucket: string; key: string; versionId?: string } {
        const [path, query] = copySource.split("?");
        const slash = path.indexOf("/");
        const versionId = query?.startsWith("versionId=") ? decodeURIComponent(query.slice("versionId=".length)) : undefined;
        return { bucket: path.slice(0, slash), key: decodeURIComponent(path.slice(slash + 1)), versionId };
    }

    private readSource(session: Session | undefined, copySource: string, expectedOwner: string | undefined) {
        const source = this.parseCopySource(copySource);
        this.checkOwner(source.bucket, expectedOwner);
        this.authorize(session, source.versionId ? "s3:GetObjectVersion" : "s3:GetObject", source.bucket, source.key);
        const version = this.find(session, source.bucket, source.key, source.versionId, source.versionId ? "NoSuchVersion" : "NoSuchKey");
        if (version.storageClass === "GLACIER" || version.storageClass === "DEEP_ARCHIVE") {
            throw s3Error("InvalidObjectState", 403, "object is archived");
        }
        return { source, version };
    }

    private refuseIfExists(bucketName: string, key: string, ifNoneMatch: string | undefined): void {
        if (ifNoneMatch === "*" && (this.bucket(bucketName).keys.get(key)?.length ?? 0) > 0) {
            throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
        }
    }

    copyObject(
        input: {
            Bucket: string;
            Key: string;
            CopySource: string;
            IfNoneMatch?: string;
            MetadataDirective?: string;
            TaggingDirective?: string;
            ChecksumAlgorithm?: string;
            StorageClass?: string;
            ServerSideEncryption?: string;
            SSEKMSKeyId?: string;
            ExpectedBucketOwner?: string;
            ExpectedSourceBucketOwner?: string;
        },
        session?: Session,
    ) {
        this.count("copyObject");
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        const { source, version } = this.readSource(session, input.CopySource, input.ExpectedSourceBucketOwner);
        const copyTags = (input.TaggingDirective ?? "COPY") === "COPY" && Object.keys(version.tags).length > 0;
        if (copyTags) {
            this.authorize(session, source.versionId ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", source.bucket, source.key);
            this.authorize(session, "s3:PutObjectTagging", input.Bucket, input.Key);
        }
        this.authorize(session, "s3:PutObject", input.Bucket, input.Key);
        if (version.body.length > this.maxSingleCopyBytes) {
            throw s3Error("InvalidRequest", 400, "The specified copy source is larger than the maximum allowable size for a copy source");
        }
        this.refuseIfExists(input.Bucket, input.Key, input.IfNoneMatch);
        const bucket = this.bucket(input.Bucket);
        const encryption = input.ServerSideEncryption ?? "aws:kms";
        const versionId = this.nextVersionId();
        const metadataCopied = (input.MetadataDirective ?? "COPY") === "COPY";
        this.store(input.Bucket, input.Key, {
            versionId,
            body: Buffer.from(version.body),
            eTag: this.etagFor(version.body, encryption, versionId),
            ...(input.ChecksumAlgorithm === "SHA256"
                ? { checksumSHA256: sha256(version.body).toString("base64"), checksumType: "FULL_OBJECT" as const }
                : {}),
            metadata: metadataCopied ? { ...version.metadata } : {},
            contentType: metadataCopied ? version.contentType : undefined,
            cacheControl: metadataCopied ? version.cacheControl : undefined,
            tags: copyTags ? { ...version.tags } : {},
            serverSideEncryption: encryption,
            sseKmsKeyId: encryption === "aws:kms" ? (input.SSEKMSKeyId ?? bucket.defaultKmsKeyId) : undefined,
            storageClass: input.StorageClass ?? "STANDARD",
            lastModified: new Date(),
        });
        return { VersionId: versionId, CopyObjectResult: { ETag: this.versions(input.Bucket, input.Key).at(-1)?.eTag } };
    }

    createMultipartUpload(
        input: {
            Bucket: string;
            Key: string;
            ChecksumAlgorithm?: string;
            ContentType?: string;
            CacheControl?: string;
            Metadata?: Record<string, string>;
            Tagging?: string;
            StorageClass?: string;
            ServerSideEncryption?: string;
            SSEKMSKeyId?: string;
            ExpectedBucketOwner?: string;
        },
        session?: Session,
    ) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:PutObject", input.Bucket, input.Key);
        if (input.Tagging) this.authorize(session, "s3:PutObjectTagging", input.Bucket, input.Key);
        const uploadId = `upload-${++this.counter}`;
        const encryption = input.ServerSideEncryption ?? "aws:kms";
        this.uploads.set(uploadId, {
            bucket: input.Bucket,
            key: input.Key,
            checksum: input.ChecksumAlgorithm === "SHA256",
            parts: new Map(),
            meta: {
                metadata: input.Metadata ?? {},
                contentType: input.ContentType,
                cacheControl: input.CacheControl,
                tags: Object.fromEntries(new URLSearchParams(input.Tagging ?? "")),
                serverSideEncryption: encryption,
                sseKmsKeyId: encryption === "aws:kms" ? (input.SSEKMSKeyId ?? this.bucket(input.Bucket).defaultKmsKeyId) : undefined,
                storageClass: input.StorageClass ?? "STANDARD",
            },
        });
        return { UploadId: uploadId };
    }

    private upload(uploadId: string, bucket: string, key: string): Upload {
        const upload = this.uploads.get(uploadId);
        if (!upload || upload.bucket !== bucket || upload.key !== key) throw s3Error("NoSuchUpload", 404);
        return upload;
    }

    uploadPartCopy(
        input: {
            Bucket: string;
            Key: string;
            UploadId: string;
            PartNumber: number;
            CopySource: string;
            CopySourceRange?: string;
            ExpectedBucketOwner?: string;
            ExpectedSourceBucketOwner?: string;
        },
        session?: Session,
    ) {
        this.count("uploadPartCopy");
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        const { version } = this.readSource(session, input.CopySource, input.ExpectedSourceBucketOwner);
        this.authorize(session, "s3:PutObject", input.Bucket, input.Key);
        const upload = this.upload(input.UploadId, input.Bucket, input.Key);
        const range = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange ?? "");
        const body = range ? version.body.subarray(Number(range[1]), Number(range[2]) + 1) : version.body;
        const part = {
            body: Buffer.from(body),
            eTag: `"${md5(body).toString("hex")}"`,
            checksumSHA256: upload.checksum ? sha256(body).toString("base64") : undefined,
        };
        upload.parts.set(input.PartNumber, part);
        return { CopyPartResult: { ETag: part.eTag, ChecksumSHA256: part.checksumSHA256 } };
    }

    completeMultipartUpload(
        input: {
            Bucket: string;
            Key: string;
            UploadId: string;
            IfNoneMatch?: string;
            MultipartUpload?: { Parts?: { PartNumber?: number; ETag?: string; ChecksumSHA256?: string }[] };
            ExpectedBucketOwner?: string;
        },
        session?: Session,
    ) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:PutObject", input.Bucket, input.Key);
        const upload = this.upload(input.UploadId, input.Bucket, input.Key);
        const listed = input.MultipartUpload?.Parts ?? [];
        const bodies: Buffer[] = [];
        for (const [index, listedPart] of listed.entries()) {
            const part = upload.parts.get(listedPart.PartNumber ?? -1);
            if (!part || listedPart.PartNumber !== index + 1 || part.eTag !== listedPart.ETag || part.checksumSHA256 !== listedPart.ChecksumSHA256) {
                throw s3Error("InvalidPart", 400, `part ${listedPart.PartNumber} does not match`);
            }
            bodies.push(part.body);
        }
        this.refuseIfExists(input.Bucket, input.Key, input.IfNoneMatch);
        const versionId = this.nextVersionId();
        this.store(input.Bucket, input.Key, {
            ...upload.meta,
            versionId,
            body: Buffer.concat(bodies),
            eTag: multipartEtag(bodies),
            ...(upload.checksum ? { checksumSHA256: compositeSha256(bodies), checksumType: "COMPOSITE" as const } : {}),
            lastModified: new Date(),
        });
        this.uploads.delete(input.UploadId);
        return { VersionId: versionId };
    }

    abortMultipartUpload(input: { Bucket: string; Key: string; UploadId: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:AbortMultipartUpload", input.Bucket, input.Key);
        this.upload(input.UploadId, input.Bucket, input.Key);
        this.uploads.delete(input.UploadId);
        return {};
    }

    deleteObject(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        if (!input.VersionId) {
            // The workflows must only ever delete an exact version.
            throw new Error(`fake S3: DeleteObject without VersionId on ${input.Key}`);
        }
        this.authorize(session, "s3:DeleteObjectVersion", input.Bucket, input.Key);
        this.removeVersion(input.Bucket, input.Key, input.VersionId);
        return { VersionId: input.VersionId };
    }
}
