import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Sanitisation } from "../../config/sanitisation";
import { accountRoot, type Statement } from "../../iam/documents";
import type { AccountScope } from "../../naming/resources";
import { childDependsOn } from "../../pulumi/resource-options";
import { CustomerKey } from "../kms/customer-key";

type Source = NonNullable<Sanitisation["source"]>;

export interface SanitisedDestinationArgs {
    scope: AccountScope;
    /** The production environment whose job role writes here (lakewarden:sanitisation.source). */
    source: Source;
}

/**
 * The lower environment's side of a production → lower-environment pairing, in its producer account: the
 * lower-env bucket's own customer key, the bucket policy statements and the catalog database for the sanitised
 * tables. Writes are accepted from exactly the production job role: the production account is the principal
 * and aws:PrincipalArn pins the role (a condition, so this side deploys before that role exists). The bucket is
 * a SecureBucket (bucket owner enforced: objects the role writes belong to this account). The database is
 * granted to the production account (CREATE_TABLE, ALTER, DESCRIBE, grantable), which passes it to the job role.
 */
export class SanitisedDestination extends pulumi.ComponentResource {
    readonly key: CustomerKey;
    readonly database: aws.glue.CatalogDatabase;
    private readonly source: Source;

    constructor(name: string, args: SanitisedDestinationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:sanitisation:SanitisedDestination", name, {}, opts);
        const { scope, source } = args;
        this.source = source;
        this.key = new CustomerKey(
            `${name}-key`,
            {
                scope,
                purpose: "lower-env",
                description: `lakewarden ${scope.environment} sanitised copies from ${source.environment}`,
                // This environment's own readers (Athena, Glue, S3) use it as their IAM policies allow.
                viaServices: ["athena", "glue", "s3"],
                uses: [
                    {
                        sid: "ProductionSanitisationJob",
                        principal: { aws: [accountRoot(source.accountId)] },
                        // SSE-KMS writes need GenerateDataKey; CopyObject of a staged object and multipart uploads need Decrypt
                        // (Amazon S3 User Guide, "Using server-side encryption with AWS KMS keys", permissions).
                        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                        conditions: {
                            ArnEquals: { "aws:PrincipalArn": source.jobRoleArn },
                            StringEquals: { "kms:ViaService": `s3.${scope.region}.amazonaws.com` },
                        },
                        source: "AWS KMS Developer Guide, Allowing users in other accounts to use a KMS key (key policy names the external account)",
                    },
                ],
            },
            { parent: this },
        );
        this.database = new aws.glue.CatalogDatabase(
            `${name}-database`,
            {
                catalogId: scope.accountId,
                name: source.database,
                description: `Sanitised copies of ${source.environment} data (written by ${source.jobRoleArn})`,
                createTableDefaultPermissions: [],
            },
            { parent: this, dependsOn: childDependsOn(opts) },
        );
        new aws.lakeformation.Permissions(
            `${name}-database`,
            {
                principal: source.accountId,
                permissions: ["ALTER", "CREATE_TABLE", "DESCRIBE"],
                permissionsWithGrantOptions: ["ALTER", "CREATE_TABLE", "DESCRIBE"],
                database: { name: source.database, catalogId: scope.accountId },
            },
            { parent: this, deleteBeforeReplace: true, dependsOn: childDependsOn(opts, this.database) },
        );
        this.registerOutputs({ keyArn: this.key.arn, database: source.database });
    }

    /** The lower-env bucket's statements for the production job role: list, read, write and delete under the prefix only. */
    bucketStatements(bucketArn: string): Statement[] {
        const principal = { AWS: accountRoot(this.source.accountId) };
        const onlyTheJob = { ArnEquals: { "aws:PrincipalArn": this.source.jobRoleArn } };
        return [
            {
                Sid: "SanitisationJobLists",
                Effect: "Allow",
                Principal: principal,
                Action: ["s3:ListBucket"],
                Resource: [bucketArn],
                Condition: { ...onlyTheJob, StringLike: { "s3:prefix": `${this.source.prefix}/*` } },
            },
            {
                Sid: "SanitisationJobWrites",
                Effect: "Allow",
                Principal: principal,
                Action: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                Resource: [`${bucketArn}/${this.source.prefix}/*`],
                Condition: onlyTheJob,
            },
        ];
    }
}
