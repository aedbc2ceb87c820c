/**
 * A data store discovery knows about: an S3 bucket, a DynamoDB table or an Aurora/RDS cluster, keyed
 * by its ARN, and the deterministic names of what discovery creates for it in Glue.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

export const SOURCE_KINDS = ["s3", "dynamodb", "rds"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * discovered: known, not yet catalogued; catalogued: Glue database, crawlers, PII job and workflow exist;
 * ignored: lacks the opt-in tag (the backfill re-adds it once tagged); blocked: cannot be catalogued until
 * fixed (reason recorded); retired: the store was removed (its Glue jobs and triggers are removed too).
 */
export const SOURCE_STATUSES = ["discovered", "catalogued", "ignored", "blocked", "retired"] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];

export interface SourceRef {
    arn: string;
    kind: SourceKind;
    /** Bucket, table or cluster identifier. */
    name: string;
    accountId: string;
    region: string;
}

const S3_BUCKET = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/;
const DYNAMODB_TABLE = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([\w.-]{3,255})$/;
const RDS_CLUSTER = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):cluster:([a-z][a-z0-9-]{0,62})$/;

/** The source an ARN names; S3 ARNs carry neither account nor region, so the caller's are used. */
export function sourceOfArn(arn: string, home: { accountId: string; region: string }): SourceRef {
    const bucket = S3_BUCKET.exec(arn);
    if (bucket) return { arn, kind: "s3", name: bucket[1], accountId: home.accountId, region: home.region };
    const table = DYNAMODB_TABLE.exec(arn);
    if (table) return { arn, kind: "dynamodb", name: table[3], accountId: table[2], region: table[1] };
    const cluster = RDS_CLUSTER.exec(arn);
    if (cluster) return { arn, kind: "rds", name: cluster[3], accountId: cluster[2], region: cluster[1] };
    throw new Error(`not an S3 bucket, DynamoDB table or RDS cluster ARN: ${arn}`);
}

export function s3BucketArn(bucket: string, partition = "aws"): string {
    return `arn:${partition}:s3:::${bucket}`;
}

export function dynamoDbTableArn(region: string, accountId: string, table: string, partition = "aws"): string {
    return `arn:${partition}:dynamodb:${region}:${accountId}:table/${table}`;
}

/** Glue names: lower-case [a-z0-9_], so a bucket `a-b` and `a.b` differ only by the ARN hash suffix. */
function slug(value: string, max: number): string {
    return value.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, max);
}

export function sourceId(source: SourceRef): string {
    return createHash("sha256").update(source.arn).digest("hex").slice(0, 10);
}

export interface GlueNames {
    database: string;
    /** One crawler per target (one per schema for Aurora/RDS). */
    crawler: (target: string) => string;
    connection: string;
    job: string;
    workflow: string;
    startTrigger: string;
    detectTrigger: string;
}

/** Every Glue name discovery uses for a source, derived from its ARN (never random, so reruns converge). */
export function glueNames(environment: string, source: SourceRef): GlueNames {
    const id = sourceId(source);
    const base = `lakewarden-${environment}-${source.kind}-${slug(source.name, 60).replace(/_/g, "-")}-${id}`;
    return {
        database: `lw_${slug(environment, 20)}_${source.kind}_${slug(source.name, 60)}_${id}`,
        crawler: (target) => `${base}-${slug(target, 40).replace(/_/g, "-")}`,
        connection: `${base}-jdbc`,
        job: `${jobPrefix(environment)}${source.kind}-${id}`,
        workflow: `${base}-wf`,
        startTrigger: `${base}-start`,
        detectTrigger: `${base}-detect`,
    };
}

/** PII jobs are named `lakewarden-<env>-pii-…`: the reporter's rule and the job role match this prefix. */
export function jobPrefix(environment: string): string {
    return `lakewarden-${environment}-pii-`;
}

export const sourceRefSchema = z.object({
    arn: z.string().min(1),
    kind: z.enum(SOURCE_KINDS),
    name: z.string().min(1),
    accountId: z.string().regex(/^\d{12}$/),
    region: z.string().min(1),
});
