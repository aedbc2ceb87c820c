/**
 * The Macie finding as EventBridge delivers it ("Macie Finding" from aws.macie), parsed into the
 * few fields remediation needs. Unknown fields are ignored: Macie adds fields over time.
 */
import { z } from "zod";

export const SEVERITIES = ["Low", "Medium", "High"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SENSITIVE_DATA_TYPES = [
    "SensitiveData:S3Object/Credentials",
    "SensitiveData:S3Object/CustomIdentifier",
    "SensitiveData:S3Object/Financial",
    "SensitiveData:S3Object/Multiple",
    "SensitiveData:S3Object/Personal",
] as const;

const keyValueList = z.array(z.object({ key: z.string(), value: z.string().optional() })).optional();

const findingSchema = z.object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: "expected a Macie finding id" }),
    accountId: z.string().regex(/^\d{12}$/),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    partition: z.string().default("aws"),
    type: z.string(),
    category: z.enum(["CLASSIFICATION", "POLICY"]),
    title: z.string().optional(),
    sample: z.boolean().optional(),
    severity: z.object({ description: z.enum(SEVERITIES), score: z.number().optional() }),
    resourcesAffected: z.object({
        s3Bucket: z.object({
            name: z.string().min(3),
            tags: keyValueList,
            owner: z.object({ displayName: z.string().optional() }).optional(),
            publicAccess: z
                .object({ effectivePermission: z.enum(["PUBLIC", "NOT_PUBLIC", "UNKNOWN"]).optional() })
                .optional(),
        }),
        s3Object: z
            .object({
                key: z.string().min(1),
                versionId: z.string().optional(),
                size: z.number().int().nonnegative().optional(),
                eTag: z.string().optional(),
                publicAccess: z.boolean().optional(),
            })
            .optional(),
    }),
});

export const macieFindingEventSchema = z.object({
    "detail-type": z.literal("Macie Finding"),
    source: z.literal("aws.macie"),
    detail: findingSchema,
});

export type PublicStatus = "PUBLIC" | "NOT_PUBLIC" | "UNKNOWN";

/** What notifications, the tracking record and the quarantine steps know about a finding. */
export interface FindingSummary {
    findingId: string;
    findingType: string;
    category: "CLASSIFICATION" | "POLICY";
    title: string;
    severity: Severity;
    publicStatus: PublicStatus;
    /** The bucket's BucketOwner tag, else the bucket owner's display name, else "unknown". */
    bucketOwner: string;
    accountId: string;
    region: string;
    partition: string;
    bucket: string;
    key: string | null;
    /** Empty for objects in buckets that were never versioned. */
    versionId: string | null;
    size: number | null;
    sample: boolean;
}

export interface ParsedFinding {
    summary: FindingSummary;
    bucketTags: Record<string, string>;
}

/** Macie reports the literal version id "null" for objects written while versioning was off. */
function pinnedVersion(versionId: string | undefined): string | null {
    return versionId && versionId !== "null" ? versionId : null;
}

export function parseFindingEvent(event: unknown): ParsedFinding {
    const { detail } = macieFindingEventSchema.parse(event);
    const { s3Bucket, s3Object } = detail.resourcesAffected;
    const bucketTags = Object.fromEntries((s3Bucket.tags ?? []).map((t) => [t.key, t.value ?? ""]));
    const effective = s3Bucket.publicAccess?.effectivePermission ?? "UNKNOWN";
    const publicStatus: PublicStatus = s3Object?.publicAccess === true || effective === "PUBLIC" ? "PUBLIC" : effective;
    return {
        bucketTags,
        summary: {
            findingId: detail.id,
            findingType: detail.type,
            category: detail.category,
            title: detail.title ?? detail.type,
            severity: detail.severity.description,
            publicStatus,
            bucketOwner: bucketTags["BucketOwner"] || s3Bucket.owner?.displayName || "unknown",
            accountId: detail.accountId,
            region: detail.region,
            partition: detail.partition,
            bucket: s3Bucket.name,
            key: s3Object?.key ?? null,
            versionId: pinnedVersion(s3Object?.versionId),
            size: s3Object?.size ?? null,
            sample: detail.sample ?? false,
        },
    };
}
