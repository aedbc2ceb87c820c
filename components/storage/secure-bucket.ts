import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, type KeyRef, policyDocument, type Statement } from "../../iam/documents";
import { s3AccessLogDeliveryUse } from "../../iam/key-use";
import { type AccountScope, bucketArn, bucketName } from "../../naming/resources";

export interface SecureBucketArgs {
    scope: AccountScope;
    /** Suffix of the bucket name and what it holds: raw, curated, logs, athena-results, ... */
    purpose: string;
    /** Default encryption (SSE-KMS with bucket keys); log delivery declares its use of it. */
    key: KeyRef;
    /** Server access logs go to this bucket under `<purpose>/`. Required unless `receivesAccessLogs` is set. */
    accessLogBucket?: pulumi.Input<string>;
    /** This bucket is the account's access-log bucket: S3 log delivery may write to it, for this account's buckets only. */
    receivesAccessLogs?: boolean;
    /**
     * Writers put logs here without an SSE header (AWSTOE S3Upload of Image Builder, EMR log push): the
     * bucket then refuses only a header naming another encryption, and default encryption applies the key.
     */
    receivesLogs?: boolean;
    /** Extra bucket policy statements (bucket ARN known from the name, so they stay readable at preview). */
    policyStatements?: (bucketArn: string) => Statement[];
    /** Days after which non-current versions expire; data buckets keep them 90 days by default. */
    noncurrentVersionExpirationDays?: number;
    /** Days after which current objects expire (log buckets only; never set on data zones). */
    expirationDays?: number;
    /** Bucket tags, e.g. the data-protection tags (`RequireMacieScan`, `BucketOwner`) the tag policy requires. */
    tags?: Record<string, string>;
}

/**
 * An S3 bucket in the aws v7 split-resource form with every guard a regulated data lake needs:
 * SSE-KMS with a customer key and bucket keys, public access blocked, ownership enforced,
 * versioning, TLS-only and right-key-only policy, and server access logging.
 */
export class SecureBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly name: string;
    readonly arn: string;

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:storage:SecureBucket", name, {}, opts);
        if (args.accessLogBucket !== undefined && args.receivesAccessLogs) {
            throw new Error(`SecureBucket ${name}: accessLogBucket and receivesAccessLogs clash; a log bucket does not log to another bucket`);
        }
        if (args.accessLogBucket === undefined && !args.receivesAccessLogs) {
            throw new Error(`SecureBucket ${name}: set accessLogBucket (or receivesAccessLogs for the log bucket itself)`);
        }
        this.name = bucketName(args.scope, args.purpose);
        if (args.receivesAccessLogs) {
            args.key.allow(s3AccessLogDeliveryUse(args.scope));
        }
        this.arn = bucketArn(this.name);
        const parent = { parent: this };
        this.bucket = new aws.s3.Bucket(name, { bucket: this.name, forceDestroy: false, tags: args.tags }, parent);
        const bucket = this.bucket.id;
        const ownership = new aws.s3.BucketOwnershipControls(name, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            name,
            { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            parent,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            {
                bucket,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.key.arn }, bucketKeyEnabled: true }],
            },
            parent,
        );
        const versioning = new aws.s3.BucketVersioning(name, { bucket, versioningConfiguration: { status: "Enabled" } }, parent);
        new aws.s3.BucketLifecycleConfiguration(name, { bucket, rules: lifecycleRules(args) }, { parent: this, dependsOn: [versioning] });
        if (args.accessLogBucket !== undefined) {
            new aws.s3.BucketLogging(name, { bucket, targetBucket: args.accessLogBucket, targetPrefix: `${args.purpose}/` }, parent);
        }
        new aws.s3.BucketPolicy(
            name,
            { bucket, policy: policyDocument(bucketPolicyStatements(this.arn, args)) },
            { parent: this, dependsOn: [publicAccess, ownership] },
        );
        this.registerOutputs({ name: this.name, arn: this.arn });
    }
}

function bucketPolicyStatements(arn: string, args: SecureBucketArgs): Statement[] {
    const statements: Statement[] = [
        denyInsecureTransport(["s3:*"], [arn, `${arn}/*`]),
        args.receivesAccessLogs || args.receivesLogs
            ? // S3 server access log delivery sends no SSE header (S3 User Guide, "Permissions for log delivery"); neither do AWSTOE and EMR.
              {
                  Sid: "DenyOtherEncryptionHeaders",
                  Effect: "Deny",
                  Principal: "*",
                  Action: ["s3:PutObject"],
                  Resource: [`${arn}/*`],
                  Condition: { Null: { "s3:x-amz-server-side-encryption": false }, StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
              }
            : {
                  Sid: "DenyNonKmsEncryption",
                  Effect: "Deny",
                  Principal: "*",
                  Action: ["s3:PutObject"],
                  Resource: [`${arn}/*`],
                  Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
              },
    ];
    if (args.receivesAccessLogs) {
        statements.push(accessLogDeliveryStatement(args.scope, arn));
    }
    return [...statements, ...(args.policyStatements?.(arn) ?? [])];
}

/** S3 server access log delivery, for source buckets of this account only (S3 User Guide, "Permissions for log delivery"). */
function accessLogDeliveryStatement(scope: AccountScope, arn: string): Statement {
    return {
        Sid: "AllowAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: ["s3:PutObject"],
        Resource: [`${arn}/*`],
        Condition: {
            StringEquals: { "aws:SourceAccount": scope.accountId },
            ArnLike: { "aws:SourceArn": bucketArn(bucketName(scope, "*")) },
        },
    };
}

function lifecycleRules(args: SecureBucketArgs): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
        {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays ?? 90 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
    ];
    if (args.expirationDays !== undefined) {
        rules.push({ id: "expire-objects", status: "Enabled", filter: {}, expiration: { days: args.expirationDays } });
    }
    return rules;
}
