/**
 * The Macie finding as EventBridge delivers it ("Macie Finding" from aws.macie), parsed into the
 * few fields remediation needs. Unknown fields are ignored: Macie adds fields over time.
 */
import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";
import { type Severity, SEVERITIES } from "../../contracts/macie-findings";

/**
 * Macie writes JSON null for absent values (publicAccess, versionId, owner.displayName, tags,
 * kmsMasterKeyId, ...; see tests/fixtures/aws/macie): every optional field accepts null as well.
 */
const keyValueList = z.array(z.object({ key: z.string(), value: z.string().nullish() })).nullish();

const findingSchema = z.object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: "expected a Macie finding id" }),
    accountId: z.string().regex(/^\d{12}$/),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    partition: z.string().nullish(),
    type: z.string(),
    category: z.enum(["CLASSIFICATION", "POLICY"]),
    title: z.string().nullish(),
    sample: z.boolean().nullish(),
    severity: z.object({ description: z.enum(SEVERITIES), score: z.number().nullish() }),
    resourcesAffected: z.object({
        s3Bucket: z.object({
            // Any length and case: buckets named before 2018 exist; decide() says why it leaves them alone.
            name: z.string().min(3).max(255),
            tags: keyValueList,
            owner: z.object({ displayName: z.string().nullish() }).nullish(),
            publicAccess: z.object({ effectivePermission: z.enum(["PUBLIC", "NOT_PUBLIC", "UNKNOWN"]).nullish() }).nullish(),
        }),
        s3Object: z
            .object({
                key: z.string().min(1),
                versionId: z.string().nullish(),
                size: z.number().int().nonnegative().nullish(),
                eTag: z.string().nullish(),
                publicAccess: z.boolean().nullish(),
            })
            .nullish(),
    }),
});

/** Powertools' EventBridge envelope (version, id, account, time, region, resources) around the finding. */
const macieFindingEventSchema = EventBridgeSchema.extend({
    "detail-type": z.literal("Macie Finding"),
    source: z.literal("aws.macie"),
    detail: findingSchema,
});

type PublicStatus = "PUBLIC" | "NOT_PUBLIC" | "UNKNOWN";

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

/**
 * Objects in a bucket that was never versioned come as "" (real exports in tests/fixtures/aws/macie);
 * objects written while versioning was suspended or off carry the literal version id "null".
 */
function pinnedVersion(versionId: string | null | undefined): string | null {
    return versionId && versionId !== "null" ? versionId : null;
}

export function parseFindingEvent(event: unknown): ParsedFinding {
    const { detail } = macieFindingEventSchema.parse(event);
    const { s3Bucket, s3Object } = detail.resourcesAffected;
    const bucketTags = Object.fromEntries((s3Bucket.tags ?? []).map(t => [t.key, t.value ?? ""]));
    const effective = s3Bucket.publicAccess?.effectivePermission ?? "UNKNOWN";
    const publicStatus: PublicStatus = s3Object?.publicAccess === true || effective === "PUBLIC" ? "PUBLIC" : effective;
    return {
        bucketTags,
        summary: {
            findingId: detail.id,
            findingType: detail.type,
            category: detail.category,
            title: detail.title || detail.type,
            severity: detail.severity.description,
            publicStatus,
            bucketOwner: bucketTags["BucketOwner"] || s3Bucket.owner?.displayName || "unknown",
            accountId: detail.accountId,
            region: detail.region,
            partition: detail.partition ?? "aws",
            bucket: s3Bucket.name,
            key: s3Object?.key ?? null,
            versionId: pinnedVersion(s3Object?.versionId),
            size: s3Object?.size ?? null,
            sample: detail.sample ?? false,
        },
    };
}
