/**
 * The sensitive data discovery results repository of a Macie account (the security account's, and that of
 * a producer account that runs scan stages): a secure bucket and the account's Macie export configuration. Each Macie account, member or
 * administrator, configures its own repository ("Configure a repository for sensitive data discovery
 * results": Self for administrator and member, Amazon Macie User Guide, "Understanding the relationship
 * between Amazon Macie administrator and member accounts"), and the configuration is one per account and
 * Region (PutClassificationExportConfiguration), so there is one repository per account, shared by every
 * pipeline of the account. The scan stage's judge step reads the results of its own jobs from it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { KeyRef, Statement } from "../../iam/documents";
import type { KeyUse } from "../../iam/key-use";
import type { AccountScope } from "../../naming/resources";
import { movedFrom } from "../../pulumi/resource-options";
import { SecureBucket } from "../storage/secure-bucket";

/** Where every lakewarden results repository keeps Macie's discovery results. */
const RESULTS_PREFIX = "macie-results/";

function macieSourceArns(scope: AccountScope): string[] {
    return [
        `arn:aws:macie2:${scope.region}:${scope.accountId}:export-configuration:*`,
        `arn:aws:macie2:${scope.region}:${scope.accountId}:classification-job/*`,
    ];
}

/** What Macie needs to encrypt its results with the repository's key. */
function macieResultsKeyUse(scope: AccountScope): KeyUse {
    return {
        sid: "MacieEncryptsResults",
        principal: { service: "macie.amazonaws.com" },
        actions: ["kms:Encrypt", "kms:GenerateDataKey"],
        conditions: { StringEquals: { "aws:SourceAccount": scope.accountId }, ArnLike: { "aws:SourceArn": macieSourceArns(scope) } },
        source: "Amazon Macie User Guide, Storing and retaining sensitive data discovery results (key policy for macie.amazonaws.com)",
    };
}

/** Macie writes its results as the service, from this account's export configuration and jobs only. */
function macieResultsStatements(scope: AccountScope): (bucketArn: string) => Statement[] {
    const condition = { StringEquals: { "aws:SourceAccount": scope.accountId }, ArnLike: { "aws:SourceArn": macieSourceArns(scope) } };
    return bucketArn => [
        {
            Sid: "MacieLocatesBucket",
            Effect: "Allow",
            Principal: { Service: "macie.amazonaws.com" },
            Action: ["s3:GetBucketLocation"],
            Resource: [bucketArn],
            Condition: condition,
        },
        {
            Sid: "MacieWritesResults",
            Effect: "Allow",
            Principal: { Service: "macie.amazonaws.com" },
            Action: ["s3:PutObject"],
            Resource: [`${bucketArn}/${RESULTS_PREFIX}*`],
            Condition: condition,
        },
    ];
}

export interface ResultsRepositoryArgs {
    scope: AccountScope;
    /** Encrypts the results (the component declares Macie's use); readers decrypt through S3. */
    key: KeyRef;
    accessLogBucket: pulumi.Input<string>;
    /** What enables Macie in the account (the administrator's enrolment); the export configuration waits for it. */
    macieEnabled?: pulumi.Input<pulumi.Resource>[];
    /** Names the children had under the component's parent before they moved here. */
    previousNames?: { bucket?: string; exportConfiguration?: string };
}

export class ResultsRepository extends pulumi.ComponentResource {
    readonly bucket: SecureBucket;
    /** Key prefix of the results; Macie adds AWSLogs/<account>/Macie/<region>/<jobId>/. */
    readonly prefix = RESULTS_PREFIX;
    readonly keyAlias: string;
    readonly exportConfiguration: aws.macie2.ClassificationExportConfiguration;

    constructor(name: string, args: ResultsRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:scan-stage:ResultsRepository", name, {}, opts);
        this.keyAlias = args.key.aliasName;
        args.key.allow(macieResultsKeyUse(args.scope));
        this.bucket = new SecureBucket(
            name,
            {
                scope: args.scope,
                purpose: "macie-results",
                key: args.key,
                accessLogBucket: args.accessLogBucket,
                policyStatements: macieResultsStatements(args.scope),
                // Results of the stage's jobs are read once, when the run is judged; the audit trail is the decision table.
                noncurrentVersionExpirationDays: 30,
            },
            { parent: this, aliases: movedFrom(opts?.parent, args.previousNames?.bucket) },
        );
        this.exportConfiguration = new aws.macie2.ClassificationExportConfiguration(
            name,
            { s3Destination: { bucketName: this.bucket.name, keyPrefix: RESULTS_PREFIX, kmsKeyArn: args.key.arn } },
            { parent: this, dependsOn: [this.bucket, ...(args.macieEnabled ?? [])], aliases: movedFrom(opts?.parent, args.previousNames?.exportConfiguration) },
        );
        this.registerOutputs({ bucket: this.bucket.name, prefix: this.prefix });
    }
}
