// Correlates aws v7's split S3 resources to their bucket: through the `bucket` property's
// dependency on the Bucket URN (known even at preview), else through the bucket name.
import type { Resource } from "./define";
import { isUnknown } from "./unknown";

export const BUCKET_TYPES: readonly string[] = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

/** Split configuration resources by concern, including the deprecated V2 type tokens. */
export const S3_PART_TYPES = {
    encryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    policy: ["aws:s3/bucketPolicy:BucketPolicy"],
    versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    ownership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
    acl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
} as const;

type S3Part = keyof typeof S3_PART_TYPES;

export interface BucketView {
    bucket: Resource;
    parts: Record<S3Part, Resource[]>;
}

function emptyParts(): Record<S3Part, Resource[]> {
    return { encryption: [], publicAccessBlock: [], policy: [], versioning: [], ownership: [], logging: [], acl: [] };
}

/** The bucket a split resource configures, or undefined when it cannot be told. */
function bucketOf(part: Resource, byName: ReadonlyMap<string, Resource>): Resource | undefined {
    const viaDeps = (part.propertyDependencies.bucket ?? []).find(d => BUCKET_TYPES.includes(d.type));
    if (viaDeps) {
        return viaDeps;
    }
    const name = part.props.bucket;
    if (typeof name === "string" && !isUnknown(name)) {
        return byName.get(name);
    }
    return undefined;
}

const viewsOfStack = new WeakMap<readonly Resource[], BucketView[]>();

/** Each bucket with its split configuration resources; worked out once per stack and shared by the S3 stack policies. */
export function bucketViews(resources: readonly Resource[]): BucketView[] {
    let shared = viewsOfStack.get(resources);
    if (shared === undefined) {
        shared = classifyBuckets(resources);
        viewsOfStack.set(resources, shared);
    }
    return shared;
}

function classifyBuckets(resources: readonly Resource[]): BucketView[] {
    const views = new Map<Resource, BucketView>();
    const byName = new Map<string, Resource>();
    for (const r of resources) {
        if (BUCKET_TYPES.includes(r.type)) {
            views.set(r, { bucket: r, parts: emptyParts() });
            if (typeof r.props.bucket === "string" && !isUnknown(r.props.bucket)) {
                byName.set(r.props.bucket, r);
            }
        }
    }
    const partOf = new Map<string, S3Part>();
    for (const [part, types] of Object.entries(S3_PART_TYPES) as [S3Part, readonly string[]][]) {
        types.forEach(t => partOf.set(t, part));
    }
    for (const r of resources) {
        const part = partOf.get(r.type);
        const bucket = part ? bucketOf(r, byName) : undefined;
        if (part && bucket) {
            views.get(bucket)?.parts[part].push(r);
        }
    }
    return [...views.values()];
}

export function bucketLabel(bucket: Resource): string {
    const name = bucket.props.bucket;
    return typeof name === "string" && !isUnknown(name) ? `bucket ${name}` : `bucket ${bucket.name}`;
}
