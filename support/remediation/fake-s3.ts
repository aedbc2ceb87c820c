/**
 * In-memory S3 for the calls the object Lambdas make. A fake is kept here because no maintained
 * emulator implements what the transfer depends on: conditional copies (If-None-Match: * -> 412),
 * per-algorithm checksums of copies and multipart uploads (full-object vs composite),
 * GetObjectAttributes part layouts, delete markers, replication/Object Lock configurations, and
 * authorisation of every request against the caller's session policies. It behaves like S3 where
 * the code depends on it: HEAD/GET by version, 404 only with s3:ListBucket (403 otherwise), CopyObject
 * defaults (STANDARD, bucket default encryption, WebsiteRedirectLocation not copied unless given),
 * ETags (MD5 only for single-part non-KMS objects), the 5 GiB single-copy limit (configurable),
 * ExpectedBucketOwner. Errors are the SDK's own exception classes with the names the SDK's
 * deserialiser gives them (a HEAD has no body: 404 is `NotFound`, 403 is `Unknown`).
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { NoSuchKey, NoSuchUpload, NotFound, S3ServiceException, type ReplicationRule } from "@aws-sdk/client-s3";
import { checksumField, type ChecksumAlgorithm, type ChecksumType, type S3Checksum } from "../../lambdas/shared/s3-transfer/checksum";
import { isAllowedForSession } from "./iam-eval";
import type { Session } from "./fake-sts";

export interface StoredVersion {
    versionId: string;
    deleteMarker: boolean;
    body: Buffer;
    eTag: string;
    checksum?: S3Checksum;
    /** Part sizes of a multipart-uploaded object. */
    partSizes?: number[];
    metadata: Record<string, string>;
    contentType?: string;
    cacheControl?: string;
    websiteRedirectLocation?: string;
    tags: Record<string, string>;
    serverSideEncryption: string;
    sseKmsKeyId?: string;
    storageClass: string;
    lastModified: Date;
    legalHold?: boolean;
    retainUntil?: Date;
}

interface Bucket {
    owner: string;
    region: string;
    defaultKmsKeyId: string;
    keys: Map<string, StoredVersion[]>;
    replication?: ReplicationRule[];
    objectLock?: { defaultRetention?: { Mode: "GOVERNANCE" | "COMPLIANCE"; Days: number } };
}

type UploadMeta = Pick<
    StoredVersion,
    "metadata" | "contentType" | "cacheControl" | "websiteRedirectLocation" | "tags" | "serverSideEncryption" | "sseKmsKeyId" | "storageClass"
>;

interface Upload {
    bucket: string;
    key: string;
    meta: UploadMeta;
    algorithm?: ChecksumAlgorithm;
    type: ChecksumType;
    initiated: Date;
    parts: Map<number, { body: Buffer; eTag: string; checksum?: string }>;
}

/** How a fixture object was uploaded: a full-object checksum (SHA-256 by default), a multipart upload, or none. */
type FixtureChecksum = "full" | "none" | { algorithm?: ChecksumAlgorithm; multipartPartSize?: number; type?: ChecksumType };

export interface FixtureOptions {
    checksum?: FixtureChecksum;
    encryption?: "AES256" | "aws:kms";
    storageClass?: string;
    metadata?: Record<string, string>;
    contentType?: string;
    websiteRedirectLocation?: string;
    tags?: Record<string, string>;
}

/** An S3 error as the SDK's deserialiser produces it. */
export function s3Error(name: string, status: number, message = name): Error {
    const options = { name, $fault: "client" as const, $metadata: { httpStatusCode: status }, message };
    if (name === "NotFound") return new NotFound(options);
    if (name === "NoSuchKey") return new NoSuchKey(options);
    if (name === "NoSuchUpload") return new NoSuchUpload(options);
    return new S3ServiceException(options);
}

/** A HEAD 403: no body, so the SDK cannot name it. */
const headForbidden = (): Error => s3Error("Unknown", 403, "UnknownError");

const md5 = (data: Buffer): Buffer => createHash("md5").update(data).digest();

/** CRC-64/NVME (reflected 0x9a6c9329ac4bc9b5, init and xorout all ones), S3's default checksum. */
const CRC64_TABLE = (() => {
    const table: bigint[] = [];
    for (let n = 0n; n < 256n; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ 0x9a6c9329ac4bc9b5n : c >> 1n;
        table.push(c);
    }
    return table;
})();

export function crc64nvme(data: Buffer): Buffer {
    let crc = 0xffffffffffffffffn;
    for (const byte of data) crc = CRC64_TABLE[Number((crc ^ BigInt(byte)) & 0xffn)] ^ (crc >> 8n);
    const out = Buffer.alloc(8);
    out.writeBigUInt64BE(crc ^ 0xffffffffffffffffn);
    return out;
}

export function digest(algorithm: ChecksumAlgorithm, data: Buffer): Buffer {
    switch (algorithm) {
        case "CRC64NVME":
            return crc64nvme(data);
        case "CRC32": {
            const out = Buffer.alloc(4);
            out.writeUInt32BE(crc32(data));
            return out;
        }
        case "SHA1":
            return createHash("sha1").update(data).digest();
        case "SHA256":
            return createHash("sha256").update(data).digest();
        case "CRC32C":
            throw new Error("fake S3: CRC32C is not implemented");
    }
}

function checksumOfParts(algorithm: ChecksumAlgorithm, type: ChecksumType, parts: Buffer[]): S3Checksum {
    if (type === "FULL_OBJECT") return { algorithm, type, value: digest(algorithm, Buffer.concat(parts)).toString("base64") };
    if (algorithm === "CRC64NVME") throw s3Error("InvalidRequest", 400, "CRC64NVME supports only full-object checksums");
    const value = digest(algorithm, Buffer.concat(parts.map(p => digest(algorithm, p)))).toString("base64");
    return { algorithm, type, value: `${value}-${parts.length}` };
}

function splitParts(body: Buffer, partSize: number): Buffer[] {
    const parts: Buffer[] = [];
    for (let offset = 0; offset < body.length; offset += partSize) parts.push(body.subarray(offset, offset + partSize));
    return parts.length > 0 ? parts : [body];
}

function multipartEtag(parts: Buffer[]): string {
    return `"${md5(Buffer.concat(parts.map(md5))).toString("hex")}-${parts.length}"`;
}

/** HeadObject / CopyPartResult style fields for a checksum. */
function checksumFields(checksum: S3Checksum | undefined): Record<string, string> {
    return checksum ? { [checksumField(checksum.algorithm)]: checksum.value, ChecksumType: checksum.type } : {};
}

export class FakeS3 {
    private readonly buckets = new Map<string, Bucket>();
    private readonly uploads = new Map<string, Upload>();
    private counter = 0;
    /** Every authorised request (action, resource), for tests of least privilege. */
    readonly requests: { action: string; resource: string }[] = [];

    private readonly scheduledFailures = new Map<string, Error>();
    private readonly calls = new Map<string, number>();

    constructor(private readonly maxSingleCopyBytes = 5 * 1024 ** 3) {}

    /** Makes the nth call (1-based, counted from now) of an operation fail (default: a 500 InternalError). */
    failCall(operation: "uploadPartCopy" | "copyObject", nth: number, error = s3Error("InternalError", 500, "We encountered an internal error")): void {
        this.scheduledFailures.set(`${operation}#${(this.calls.get(operation) ?? 0) + nth}`, error);
    }

    private count(operation: string): void {
        const call = (this.calls.get(operation) ?? 0) + 1;
        this.calls.set(operation, call);
        const failure = this.scheduledFailures.get(`${operation}#${call}`);
        if (failure) throw failure;
    }

    createBucket(name: string, owner: string, region = "eu-west-1"): void {
        this.buckets.set(name, { owner, region, defaultKmsKeyId: `arn:aws:kms:${region}:${owner}:key/default-${name}`, keys: new Map() });
    }

    /** Bucket settings outside the workflows' control (fixtures only). */
    configureBucket(name: string, settings: Pick<Bucket, "replication" | "objectLock">): void {
        Object.assign(this.bucket(name), settings);
    }

    /** Object Lock on a version (fixtures only). */
    lockVersion(bucketName: string, key: string, versionId: string, lock: { legalHold?: boolean; retainUntil?: Date }): void {
        const version = this.versions(bucketName, key).find(v => v.versionId === versionId);
        if (!version) throw new Error(`no version ${versionId} of ${key}`);
        Object.assign(version, lock);
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
        const spec = options.checksum ?? "full";
        let eTag = this.etagFor(body, encryption, versionId);
        let checksum: S3Checksum | undefined;
        let partSizes: number[] | undefined;
        if (spec === "full") {
            checksum = checksumOfParts("SHA256", "FULL_OBJECT", [body]);
        } else if (spec !== "none") {
            const algorithm = spec.algorithm ?? "SHA256";
            if (spec.multipartPartSize) {
                const parts = splitParts(body, spec.multipartPartSize);
                partSizes = parts.map(p => p.length);
                checksum = checksumOfParts(algorithm, spec.type ?? "COMPOSITE", parts);
                eTag = encryption === "AES256" ? multipartEtag(parts) : `"${createHash("md5").update(versionId).digest("hex")}-${parts.length}"`;
            } else {
                checksum = checksumOfParts(algorithm, "FULL_OBJECT", [body]);
            }
        }
        this.store(bucketName, key, {
            versionId,
            deleteMarker: false,
            body: Buffer.from(body),
            eTag,
            checksum,
            partSizes,
            metadata: options.metadata ?? {},
            contentType: options.contentType,
            websiteRedirectLocation: options.websiteRedirectLocation,
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

    /** Every version of a key, delete markers included, oldest first. */
    versions(bucketName: string, key: string): StoredVersion[] {
        return [...(this.bucket(bucketName).keys.get(key) ?? [])];
    }

    /** The version a plain GET serves, undefined when none (no versions, or a delete marker on top). */
    current(bucketName: string, key: string): StoredVersion | undefined {
        const latest = this.versions(bucketName, key).at(-1);
        return latest && !latest.deleteMarker ? latest : undefined;
    }

    /** Every (key, version) of a bucket, delete markers included. */
    listVersions(bucketName: string): { key: string; version: StoredVersion }[] {
        return [...this.bucket(bucketName).keys].flatMap(([key, versions]) => versions.map(version => ({ key, version })));
    }

    /** A version deleted by its owner outside the workflows (no authorisation: fixtures only). */
    removeVersion(bucketName: string, key: string, versionId: string): void {
        const keys = this.bucket(bucketName).keys;
        const remaining = (keys.get(key) ?? []).filter(v => v.versionId !== versionId);
        if (remaining.length > 0) keys.set(key, remaining);
        else keys.delete(key);
    }

    openUploads(): number {
        return this.uploads.size;
    }

    private authorize(session: Session | undefined, action: string, bucketName: string, key?: string, head = false): void {
        const bucket = this.bucket(bucketName);
        const resource = key === undefined ? `arn:aws:s3:::${bucketName}` : `arn:aws:s3:::${bucketName}/${key}`;
        const context = { "aws:ResourceAccount": bucket.owner };
        if (!session || session.accountId !== bucket.owner || !isAllowedForSession(session.policies, action, resource, context)) {
            throw head ? headForbidden() : s3Error("AccessDenied", 403, `${session?.roleArn ?? "anonymous"} may not ${action} on ${resource}`);
        }
        this.requests.push({ action, resource });
    }

    private checkOwner(bucketName: string, expected: string | undefined, head = false): void {
        if (expected !== undefined && this.bucket(bucketName).owner !== expected)
            throw head ? headForbidden() : s3Error("AccessDenied", 403, "bucket owner mismatch");
    }

    private canList(session: Session | undefined, bucketName: string): boolean {
        try {
            this.authorize(session, "s3:ListBucket", bucketName);
            return true;
        } catch {
            return false;
        }
    }

    /** A version (or the current one); missing reads as 404 only to a caller with s3:ListBucket. */
    private find(session: Session | undefined, bucketName: string, key: string, versionId: string | undefined, missing: string, head = false): StoredVersion {
        const versions = this.bucket(bucketName).keys.get(key) ?? [];
        const found = versionId === undefined ? versions.at(-1) : versions.find(v => v.versionId === versionId);
        if (found && !found.deleteMarker) return found;
        if (!this.canList(session, bucketName)) throw head ? headForbidden() : s3Error("AccessDenied", 403);
        throw s3Error(missing, 404);
    }

    headObject(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string; ChecksumMode?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner, true);
        this.authorize(session, input.VersionId ? "s3:GetObjectVersion" : "s3:GetObject", input.Bucket, input.Key, true);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, "NotFound", true);
        return {
            ContentLength: v.body.length,
            ETag: v.eTag,
            VersionId: v.versionId,
            ...(input.ChecksumMode === "ENABLED" ? checksumFields(v.checksum) : {}),
            ServerSideEncryption: v.serverSideEncryption,
            SSEKMSKeyId: v.sseKmsKeyId,
            // S3 omits the storage class header for STANDARD.
            StorageClass: v.storageClass === "STANDARD" ? undefined : v.storageClass,
            ContentType: v.contentType,
            CacheControl: v.cacheControl,
            WebsiteRedirectLocation: v.websiteRedirectLocation,
            Metadata: { ...v.metadata },
            LastModified: v.lastModified,
        };
    }

    getObject(input: { Bucket: string; Key: string; VersionId?: string; Range?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, input.VersionId ? "s3:GetObjectVersion" : "s3:GetObject", input.Bucket, input.Key);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, input.VersionId ? "NoSuchVersion" : "NoSuchKey");
        const range = /^bytes=(\d+)-(\d+)$/.exec(input.Range ?? "");
        const body = range ? v.body.subarray(Number(range[1]), Number(range[2]) + 1) : v.body;
        // Small chunks, so readers hash across chunk boundaries.
        const chunks = splitParts(body, 3).filter(c => c.length > 0);
        return { Body: Readable.from(chunks), ContentLength: body.length, VersionId: v.versionId, ETag: v.eTag };
    }

    getObjectTagging(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, input.VersionId ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", input.Bucket, input.Key);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, "NoSuchVersion");
        return { VersionId: v.versionId, TagSet: Object.entries(v.tags).map(([Key, Value]) => ({ Key, Value })) };
    }

    putObjectTagging(
        input: { Bucket: string; Key: string; VersionId?: string; Tagging: { TagSet: { Key: string; Value: string }[] }; ExpectedBucketOwner?: string },
        session?: Session,
    ) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, input.VersionId ? "s3:PutObjectVersionTagging" : "s3:PutObjectTagging", input.Bucket, input.Key);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, "NoSuchVersion");
        v.tags = Object.fromEntries(input.Tagging.TagSet.map(t => [t.Key, t.Value]));
        return { VersionId: v.versionId };
    }

    getObjectAttributes(
        input: { Bucket: string; Key: string; VersionId?: string; MaxParts?: number; PartNumberMarker?: string; ExpectedBucketOwner?: string },
        session?: Session,
    ) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        // Both actions are checked (S3 API Reference, GetObjectAttributes, "Permissions": with a version
        // id, s3:GetObjectVersion and s3:GetObjectVersionAttributes; without, s3:GetObject and s3:GetObjectAttributes).
        this.authorize(session, input.VersionId ? "s3:GetObjectVersion" : "s3:GetObject", input.Bucket, input.Key);
        this.authorize(session, input.VersionId ? "s3:GetObjectVersionAttributes" : "s3:GetObjectAttributes", input.Bucket, input.Key);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, "NoSuchKey");
        if (!v.partSizes) return { VersionId: v.versionId };
        const start = Number(input.PartNumberMarker ?? 0);
        const max = input.MaxParts ?? 1000;
        const page = v.partSizes.slice(start, start + max).map((Size, i) => ({ PartNumber: start + i + 1, Size }));
        const truncated = start + max < v.partSizes.length;
        return {
            VersionId: v.versionId,
            ObjectParts: {
                TotalPartsCount: v.partSizes.length,
                IsTruncated: truncated,
                ...(truncated ? { NextPartNumberMarker: String(start + max) } : {}),
                Parts: page,
            },
        };
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

    /** If-None-Match: * fails when the key serves an object; a delete marker on top counts as absent. */
    private refuseIfExists(bucketName: string, key: string, ifNoneMatch: string | undefined): void {
        // "The If-None-Match header only applies to the current version of an object in a versioned bucket"
        // (S3 User Guide, "How to prevent object overwrites with conditional writes"): a delete marker as the
        // current version leaves the key free, which is what release relies on after a quarantine.
        if (ifNoneMatch === "*" && this.current(bucketName, key)) {
            throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
        }
    }

    private lockedCopy(bucketName: string): Pick<StoredVersion, "retainUntil"> {
        const retention = this.bucket(bucketName).objectLock?.defaultRetention;
        return retention ? { retainUntil: new Date(Date.now() + retention.Days * 86_400_000) } : {};
    }

    copyObject(
        input: {
            Bucket: string;
            Key: string;
            CopySource: string;
            IfNoneMatch?: string;
            MetadataDirective?: string;
            TaggingDirective?: string;
            Tagging?: string;
            WebsiteRedirectLocation?: string;
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
        const { version } = this.readSource(session, input.CopySource, input.ExpectedSourceBucketOwner);
        this.authorize(session, "s3:PutObject", input.Bucket, input.Key);
        const copyTags = (input.TaggingDirective ?? "COPY") === "COPY";
        const tags = copyTags ? { ...version.tags } : Object.fromEntries(new URLSearchParams(input.Tagging ?? ""));
        if (Object.keys(tags).length > 0) {
            this.authorize(session, "s3:PutObjectTagging", input.Bucket, input.Key);
        }
        if (version.body.length > this.maxSingleCopyBytes) {
            throw s3Error("InvalidRequest", 400, "The specified copy source is larger than the maximum allowable size for a copy source");
        }
        this.refuseIfExists(input.Bucket, input.Key, input.IfNoneMatch);
        const bucket = this.bucket(input.Bucket);
        const encryption = input.ServerSideEncryption ?? "aws:kms";
        const versionId = this.nextVersionId();
        const metadataCopied = (input.MetadataDirective ?? "COPY") === "COPY";
        // S3 computes the requested algorithm over the copy, else its default CRC64NVME.
        const algorithm = (input.ChecksumAlgorithm ?? "CRC64NVME") as ChecksumAlgorithm;
        this.store(input.Bucket, input.Key, {
            versionId,
            deleteMarker: false,
            body: Buffer.from(version.body),
            eTag: this.etagFor(version.body, encryption, versionId),
            checksum: checksumOfParts(algorithm, "FULL_OBJECT", [version.body]),
            metadata: metadataCopied ? { ...version.metadata } : {},
            contentType: metadataCopied ? version.contentType : undefined,
            cacheControl: metadataCopied ? version.cacheControl : undefined,
            // Unique to each object, never copied with the metadata directive.
            websiteRedirectLocation: input.WebsiteRedirectLocation,
            tags,
            serverSideEncryption: encryption,
            sseKmsKeyId: encryption === "aws:kms" ? (input.SSEKMSKeyId ?? bucket.defaultKmsKeyId) : undefined,
            storageClass: input.StorageClass ?? "STANDARD",
            lastModified: new Date(),
            ...this.lockedCopy(input.Bucket),
        });
        return { VersionId: versionId, CopyObjectResult: { ETag: this.versions(input.Bucket, input.Key).at(-1)?.eTag } };
    }

    createMultipartUpload(
        input: {
            Bucket: string;
            Key: string;
            ChecksumAlgorithm?: string;
            ChecksumType?: string;
            ContentType?: string;
            CacheControl?: string;
            WebsiteRedirectLocation?: string;
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
            algorithm: input.ChecksumAlgorithm as ChecksumAlgorithm | undefined,
            type: (input.ChecksumType as ChecksumType | undefined) ?? "COMPOSITE",
            initiated: new Date(Date.now() + this.counter),
            parts: new Map(),
            meta: {
                metadata: input.Metadata ?? {},
                contentType: input.ContentType,
                cacheControl: input.CacheControl,
                websiteRedirectLocation: input.WebsiteRedirectLocation,
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

    listMultipartUploads(input: { Bucket: string; Prefix?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:ListBucketMultipartUploads", input.Bucket);
        const uploads = [...this.uploads].filter(([, u]) => u.bucket === input.Bucket && u.key.startsWith(input.Prefix ?? ""));
        return { Uploads: uploads.map(([UploadId, u]) => ({ UploadId, Key: u.key, Initiated: u.initiated })) };
    }

    listParts(input: { Bucket: string; Key: string; UploadId: string; PartNumberMarker?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:ListMultipartUploadParts", input.Bucket, input.Key);
        const upload = this.upload(input.UploadId, input.Bucket, input.Key);
        const parts = [...upload.parts].sort(([a], [b]) => a - b);
        return {
            IsTruncated: false,
            Parts: parts.map(([PartNumber, p]) => ({
                PartNumber,
                ETag: p.eTag,
                Size: p.body.length,
                ...(upload.algorithm && p.checksum ? { [checksumField(upload.algorithm)]: p.checksum } : {}),
            })),
        };
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
            checksum: upload.algorithm ? digest(upload.algorithm, body).toString("base64") : undefined,
        };
        upload.parts.set(input.PartNumber, part);
        return { CopyPartResult: { ETag: part.eTag, ...(upload.algorithm && part.checksum ? { [checksumField(upload.algorithm)]: part.checksum } : {}) } };
    }

    completeMultipartUpload(
        input: {
            Bucket: string;
            Key: string;
            UploadId: string;
            IfNoneMatch?: string;
            MultipartUpload?: { Parts?: ({ PartNumber?: number; ETag?: string } & Record<string, unknown>)[] };
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
            const listedChecksum = upload.algorithm ? listedPart[checksumField(upload.algorithm)] : undefined;
            if (!part || listedPart.PartNumber !== index + 1 || part.eTag !== listedPart.ETag || part.checksum !== listedChecksum) {
                throw s3Error("InvalidPart", 400, `part ${listedPart.PartNumber} does not match`);
            }
            bodies.push(part.body);
        }
        this.refuseIfExists(input.Bucket, input.Key, input.IfNoneMatch);
        const versionId = this.nextVersionId();
        this.store(input.Bucket, input.Key, {
            ...upload.meta,
            versionId,
            deleteMarker: false,
            body: Buffer.concat(bodies),
            eTag: multipartEtag(bodies),
            checksum: upload.algorithm ? checksumOfParts(upload.algorithm, upload.type, bodies) : undefined,
            partSizes: bodies.map(b => b.length),
            lastModified: new Date(),
            ...this.lockedCopy(input.Bucket),
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

    listObjectVersions(input: { Bucket: string; Prefix?: string; MaxKeys?: number; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:ListBucketVersions", input.Bucket);
        const entries = [...this.bucket(input.Bucket).keys]
            .filter(([key]) => key.startsWith(input.Prefix ?? ""))
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .flatMap(([key, versions]) =>
                [...versions].reverse().map((v, i) => ({ Key: key, VersionId: v.versionId, IsLatest: i === 0, marker: v.deleteMarker })),
            )
            .slice(0, input.MaxKeys ?? 1000);
        return {
            Versions: entries.filter(e => !e.marker).map(({ marker: _, ...e }) => e),
            DeleteMarkers: entries.filter(e => e.marker).map(({ marker: _, ...e }) => e),
        };
    }

    deleteObject(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        if (!input.VersionId) {
            this.authorize(session, "s3:DeleteObject", input.Bucket, input.Key);
            const versionId = this.nextVersionId();
            this.store(input.Bucket, input.Key, {
                versionId,
                deleteMarker: true,
                body: Buffer.alloc(0),
                eTag: "",
                metadata: {},
                tags: {},
                serverSideEncryption: "",
                storageClass: "",
                lastModified: new Date(),
            });
            return { DeleteMarker: true, VersionId: versionId };
        }
        this.authorize(session, "s3:DeleteObjectVersion", input.Bucket, input.Key);
        const version = this.versions(input.Bucket, input.Key).find(v => v.versionId === input.VersionId);
        if (version && (version.legalHold || (version.retainUntil && version.retainUntil.getTime() > Date.now()))) {
            throw s3Error("AccessDenied", 403, "Access Denied because object protected by object lock.");
        }
        this.removeVersion(input.Bucket, input.Key, input.VersionId);
        return { VersionId: input.VersionId };
    }

    getBucketReplication(input: { Bucket: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:GetReplicationConfiguration", input.Bucket);
        const rules = this.bucket(input.Bucket).replication;
        if (!rules) throw s3Error("ReplicationConfigurationNotFoundError", 404, "The replication configuration was not found");
        return { ReplicationConfiguration: { Role: "arn:aws:iam::000000000000:role/replication", Rules: rules } };
    }

    getObjectLockConfiguration(input: { Bucket: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:GetBucketObjectLockConfiguration", input.Bucket);
        const lock = this.bucket(input.Bucket).objectLock;
        if (!lock) throw s3Error("ObjectLockConfigurationNotFoundError", 404, "Object Lock configuration does not exist for this bucket");
        return {
            ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", ...(lock.defaultRetention ? { Rule: { DefaultRetention: lock.defaultRetention } } : {}) },
        };
    }

    getObjectLegalHold(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:GetObjectLegalHold", input.Bucket, input.Key);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, "NoSuchVersion");
        if (v.legalHold === undefined) throw s3Error("NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration");
        return { LegalHold: { Status: v.legalHold ? "ON" : "OFF" } };
    }

    getObjectRetention(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string }, session?: Session) {
        this.checkOwner(input.Bucket, input.ExpectedBucketOwner);
        this.authorize(session, "s3:GetObjectRetention", input.Bucket, input.Key);
        const v = this.find(session, input.Bucket, input.Key, input.VersionId, "NoSuchVersion");
        if (!v.retainUntil) throw s3Error("NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration");
        return { Retention: { Mode: "GOVERNANCE", RetainUntilDate: v.retainUntil } };
    }
}
