/** Macie finding events and object fixtures for the remediation workflow tests and bench. */
import type { FixtureOptions } from "./fake-s3";

export const MEMBER_ACCOUNTS = ["222222222222", "333333333333"] as const;
export const REGION = "eu-west-1";

export interface FindingSpec {
    findingId: string;
    accountId: string;
    bucket: string;
    key: string;
    versionId?: string;
    size: number;
    severity?: "Low" | "Medium" | "High";
    type?: string;
    objectPublic?: boolean;
    bucketPermission?: "PUBLIC" | "NOT_PUBLIC" | "UNKNOWN";
    bucketTags?: Record<string, string>;
    category?: "CLASSIFICATION" | "POLICY";
}

const ENROLLED_TAGS = { RequireMacieScan: "True", BucketOwner: "payments-team" };

/** An EventBridge "Macie Finding" event as Macie publishes it (the fields remediation reads and some it ignores). */
export function macieEvent(spec: FindingSpec): Record<string, unknown> {
    const tags = spec.bucketTags ?? ENROLLED_TAGS;
    return {
        version: "0",
        id: `event-${spec.findingId}`,
        "detail-type": "Macie Finding",
        source: "aws.macie",
        account: "111111111111",
        time: "2024-05-01T10:00:00Z",
        region: REGION,
        resources: [],
        detail: {
            schemaVersion: "1.0",
            id: spec.findingId,
            accountId: spec.accountId,
            partition: "aws",
            region: REGION,
            type: spec.type ?? "SensitiveData:S3Object/Personal",
            title: "The S3 object contains personal information.",
            category: spec.category ?? "CLASSIFICATION",
            severity: { score: { Low: 1, Medium: 2, High: 3 }[spec.severity ?? "High"], description: spec.severity ?? "High" },
            createdAt: "2024-05-01T09:59:00Z",
            updatedAt: "2024-05-01T09:59:00Z",
            count: 1,
            archived: false,
            sample: false,
            resourcesAffected: {
                s3Bucket: {
                    arn: `arn:aws:s3:::${spec.bucket}`,
                    name: spec.bucket,
                    owner: { displayName: "member-owner", id: "abc" },
                    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
                    publicAccess: { effectivePermission: spec.bucketPermission ?? "NOT_PUBLIC" },
                },
                s3Object: {
                    bucketArn: `arn:aws:s3:::${spec.bucket}`,
                    key: spec.key,
                    path: `${spec.bucket}/${spec.key}`,
                    extension: "csv",
                    versionId: spec.versionId,
                    size: spec.size,
                    eTag: "0123456789abcdef0123456789abcdef",
                    publicAccess: spec.objectPublic ?? false,
                    storageClass: "STANDARD",
                },
            },
            classificationDetails: { jobId: "job-1", result: { sensitiveData: [] } },
        },
    };
}

/**
 * Objects uploaded the ways clients upload: a full SHA-256, a multipart composite SHA-256, none
 * (objects from before S3 kept checksums; SSE-S3 and SSE-KMS), the CRC64NVME S3 adds to uploads
 * without a checksum, and the SDK's default multipart CRC32 (composite).
 */
export const UPLOAD_STYLES: FixtureOptions[] = [
    { checksum: "full", encryption: "aws:kms", contentType: "text/csv", metadata: { team: "payments" }, tags: { classification: "internal" } },
    { checksum: { multipartPartSize: 7 }, encryption: "aws:kms", contentType: "application/json" },
    { checksum: "none", encryption: "AES256", metadata: { source: "legacy-sync" } },
    { checksum: "none", encryption: "aws:kms", storageClass: "STANDARD_IA", tags: { retention: "7y" } },
    { checksum: { algorithm: "CRC64NVME" }, encryption: "aws:kms", websiteRedirectLocation: "/exports/latest.csv" },
    { checksum: { algorithm: "CRC32", multipartPartSize: 16 }, encryption: "aws:kms", contentType: "text/csv" },
];

export function contentFor(seed: number): Buffer {
    return Buffer.from(`id,name,iban\n${seed},customer-${seed},DE89370400440532013${String(seed).padStart(3, "0")}\n`.repeat(1 + (seed % 5)));
}
