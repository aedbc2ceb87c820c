import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Dataset } from "../../config/datasets";
import type { Sanitisation } from "../../config/sanitisation";
import { type KeyRef, keyUseStatement, policyDocument, roleArnOf, serviceTrust, type Statement } from "../../iam/documents";
import { logGroupUse } from "../../iam/key-use";
import { sanitisationJobName, sanitisationRoleName } from "../../naming/sanitisation";
import { type AccountScope, bucketArn, bucketName, kmsAlias, resourceName } from "../../naming/resources";
import { shipGlueScripts } from "../../bundling/glue-scripts";
import { childDependsOn } from "../../pulumi/resource-options";
import { detectionRecordsKey, glueEncryption } from "../discovery/data-store-discovery";
import { CustomerKey } from "../kms/customer-key";
import { AlarmTopic } from "../monitoring/alarm-topic";
import { SecureBucket } from "../storage/secure-bucket";
import { DatasetSanitisation, SANITISATION_METRICS_NAMESPACE } from "./dataset-sanitisation";
import { TokenisationKey } from "./tokenisation-key";

type Target = Sanitisation["targets"][number];

export interface ProductionSanitisationArgs {
    scope: AccountScope;
    target: Target;
    /** The datasets of `target.datasets`, from the model. */
    datasets: Dataset[];
    /** The production data key (its alias scopes the job's decrypt-only statement). */
    dataKey: KeyRef;
    /** The account's access-log bucket. */
    accessLogBucket: pulumi.Input<string>;
    /** Discovery writes detection records in this account: the job reads them and refuses what they contradict. */
    discoveryOn: boolean;
    /** Days between tokenisation key rotations. */
    keyRotationDays: number;
}

const SCRIPTS_PREFIX = "glue/sanitise/";

/**
 * The production side of one production → lower-environment pairing, in the producer account: the pairing's
 * customer key, scripts bucket and shipped scripts, tokenisation key secret with its rotation, a Glue security
 * configuration (S3 SSE-KMS with the target's key, CloudWatch SSE-KMS and job-bookmark CSE-KMS with the
 * pairing's key), the job role, log groups, Lake Formation grants, and per dataset the jobs, workflow, triggers
 * and alarms (DatasetSanitisation); failed runs reach the alarm topic through EventBridge.
 */
export class ProductionSanitisation extends pulumi.ComponentResource {
    readonly key: CustomerKey;
    readonly role: aws.iam.Role;
    readonly roleArn: string;
    readonly alarms: AlarmTopic;
    readonly datasets: DatasetSanitisation[];

    constructor(name: string, args: ProductionSanitisationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:sanitisation:ProductionSanitisation", name, {}, opts);
        const { scope, target } = args;
        const { accountId, region, environment } = scope;
        const parent = { parent: this };
        const lower = target.environment;
        const n = (...parts: string[]) => resourceName(environment, "sanitise", lower, ...parts);
        const roleName = sanitisationRoleName(environment, lower);
        this.roleArn = roleArnOf(accountId, roleName);
        const securityConfigurationName = n();
        const logGroupPrefix = `/aws-glue/sanitise/${environment}-${lower}`;
        const logGroupArns = ["output", "error"].map(stream => `arn:aws:logs:${region}:${accountId}:log-group:${logGroupPrefix}/${stream}`);

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: roleName,
                description: `lakewarden ${environment} sanitisation jobs for ${lower}`,
                assumeRolePolicy: serviceTrust("glue.amazonaws.com", accountId),
            },
            parent,
        );
        this.key = new CustomerKey(
            `${name}-key`,
            {
                scope,
                purpose: `sanitise-${lower}`,
                description: `lakewarden ${environment} sanitisation for ${lower} (scripts, tokenisation key, job logs and bookmarks)`,
                viaServices: ["s3", "secretsmanager"],
                uses: [
                    logGroupUse(scope, logGroupArns),
                    {
                        // CSE-KMS bookmarks: the job encrypts its bookmark state itself, calling KMS directly (Glue developer
                        // guide, "Encrypting data written by AWS Glue": the role needs Encrypt, Decrypt, GenerateDataKey).
                        sid: "GlueJobBookmarks",
                        principal: { aws: [this.roleArn] },
                        actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                        source: "AWS Glue Developer Guide, Setting up encryption in AWS Glue (job bookmark CSE-KMS needs the role's kms:Encrypt/Decrypt)",
                        principalResources: [this.role],
                    },
                ],
            },
            parent,
        );
        const key = this.key;
        const scripts = new SecureBucket(`${name}-scripts`, { scope, purpose: `sanitise-${lower}`, key, accessLogBucket: args.accessLogBucket }, parent);
        const uris = shipGlueScripts(
            name,
            { folder: "sanitise", files: ["job.py", "core.py"], bucket: scripts.name, prefix: SCRIPTS_PREFIX, kmsKeyArn: key.arn },
            { parent: this, dependsOn: [scripts] },
        );
        for (const stream of ["output", "error"]) {
            new aws.cloudwatch.LogGroup(`${name}-logs-${stream}`, { name: `${logGroupPrefix}/${stream}`, retentionInDays: 365, kmsKeyId: key.arn }, parent);
        }
        const jobNames = args.datasets.flatMap(d => d.tables.map(t => sanitisationJobName(environment, lower, d.database, t.name)));
        const tokenKey = new TokenisationKey(
            `${name}-token-key`,
            {
                scope,
                secretName: `lakewarden/${environment}/sanitise/${lower}/token-key`,
                functionName: `sanitise-${lower}-key-rotation`,
                key,
                rotationDays: args.keyRotationDays,
                jobNames,
            },
            parent,
        );
        const securityConfiguration = new aws.glue.SecurityConfiguration(
            `${name}-glue`,
            {
                name: securityConfigurationName,
                // What the job writes to S3 is the lower environment's data: its key, not production's.
                encryptionConfiguration: glueEncryption(key.arn, target.keyArn),
            },
            parent,
        );
        new aws.iam.RolePolicy(
            `${name}-role`,
            { role: this.role.name, policy: policyDocument(jobStatements(args, { roleName, scriptsArn: scripts.arn, tokenKey, logGroupArns, key })) },
            parent,
        );

        // Lake Formation governs the production catalog (no IAMAllowedPrincipals), so GetTable needs DESCRIBE and
        // reading needs SELECT: one grant per source table. The lower environment grants its database to this account
        // (SanitisedDestination); this account passes CREATE_TABLE, ALTER and DESCRIBE on it to the job role only.
        for (const dataset of args.datasets) {
            for (const table of dataset.tables) {
                new aws.lakeformation.Permissions(
                    `${name}-read-${dataset.database}-${table.name}`,
                    {
                        principal: this.roleArn,
                        permissions: ["DESCRIBE", "SELECT"],
                        permissionsWithGrantOptions: [],
                        table: { databaseName: dataset.database, name: table.name },
                    },
                    { parent: this, deleteBeforeReplace: true, dependsOn: childDependsOn(opts, this.role) },
                );
            }
        }
        new aws.lakeformation.Permissions(
            `${name}-write-catalog`,
            {
                principal: this.roleArn,
                permissions: ["ALTER", "CREATE_TABLE", "DESCRIBE"],
                permissionsWithGrantOptions: [],
                database: { name: target.database, catalogId: target.accountId },
            },
            { parent: this, deleteBeforeReplace: true, dependsOn: childDependsOn(opts, this.role) },
        );

        // Failed runs reach the alarm topic through EventBridge.
        this.alarms = new AlarmTopic(
            `${name}-alarms`,
            {
                scope,
                key,
                topicName: n("alarms"),
                failedJobs: {
                    ruleName: n("job-failed"),
                    description: `A sanitisation run for ${lower} failed, timed out or stopped`,
                    jobName: [...jobNames].sort(),
                },
                previousNames: { failedJobs: `${name}-job-failed` },
            },
            parent,
        );
        this.datasets = args.datasets.map(
            dataset =>
                new DatasetSanitisation(
                    `${name}-${dataset.database}`,
                    {
                        scope,
                        dataset,
                        lowerEnvironment: {
                            name: lower,
                            accountId: target.accountId,
                            bucket: target.bucket,
                            prefix: target.prefix,
                            keyArn: target.keyArn,
                            database: target.database,
                        },
                        roleArn: this.roleArn,
                        securityConfiguration: securityConfiguration.name,
                        scripts: { job: uris["job.py"], core: uris["core.py"] },
                        tokenKeySecretArn: tokenKey.partialArn,
                        ...(args.discoveryOn ? { detectionsUri: `s3://${bucketName(scope, "discovery")}/${detectionRecordsKey(dataset.database)}` } : {}),
                        logGroupPrefix,
                        schedule: target.schedule,
                        alarmTopicArn: this.alarms.arn,
                    },
                    { parent: this, dependsOn: [this.role, tokenKey] },
                ),
        );
        // Rows read and written and columns refused per table, as the jobs report them.
        const metrics = args.datasets.flatMap(d =>
            d.tables.flatMap(t =>
                ["RowsRead", "RowsWritten", "ColumnsRefused"].map(m => [SANITISATION_METRICS_NAMESPACE, m, "Dataset", d.database, "Table", t.name]),
            ),
        );
        new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: n("dashboard"),
                dashboardBody: JSON.stringify({
                    widgets: [
                        {
                            type: "metric",
                            x: 0,
                            y: 0,
                            width: 24,
                            height: 8,
                            properties: { title: `Sanitisation for ${lower}`, region, period: 86_400, stat: "Sum", view: "timeSeries", metrics },
                        },
                    ],
                }),
            },
            parent,
        );
        this.registerOutputs({ roleArn: this.roleArn, jobs: jobNames, alarmTopic: this.alarms.arn });
    }
}

/** What the jobs' role may do: nothing beyond the pairing's prefixes, tables, key uses, secret and logs. */
function jobStatements(
    args: ProductionSanitisationArgs,
    made: { roleName: string; scriptsArn: string; tokenKey: TokenisationKey; logGroupArns: string[]; key: KeyRef },
): Statement[] {
    const { scope, target, datasets } = args;
    const { accountId, region, environment } = scope;
    const targetRegion = target.keyArn.split(":")[3];
    const catalog = (account: string, r: string) => `arn:aws:glue:${r}:${account}:catalog`;
    const sourceTables = datasets.flatMap(d => d.tables.map(t => ({ bucket: bucketName(scope, d.zone), prefix: `${d.database}/${t.name}/`, d, t })));
    const sourceBuckets = [...new Set(sourceTables.map(s => s.bucket))].sort();
    const targetBucketArn = bucketArn(target.bucket);
    const targetPrefixes = datasets.map(d => `${target.prefix}/${d.database}/`);
    const statements: Statement[] = [
        { Sid: "ReadScripts", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${made.scriptsArn}/${SCRIPTS_PREFIX}*`] },
        // Glue 5 reads through GlueContext with the role's own credentials: Lake Formation credential vending (full table
        // access) would need the account-wide "allow external engines full table access" setting (Glue developer guide,
        // "Using AWS Glue with AWS Lake Formation for Full Table Access"), so the role reads exactly the tables' prefixes.
        { Sid: "ReadProductionTables", Effect: "Allow", Action: ["s3:GetObject"], Resource: sourceTables.map(s => `${bucketArn(s.bucket)}/${s.prefix}*`) },
        ...sourceBuckets.map((bucket, i) => ({
            Sid: `ListProductionTables${i}`,
            Effect: "Allow" as const,
            Action: ["s3:ListBucket"],
            Resource: [bucketArn(bucket)],
            Condition: { StringLike: { "s3:prefix": sourceTables.filter(s => s.bucket === bucket).map(s => `${s.prefix}*`) } },
        })),
        keyUseStatement("DecryptProductionData", scope, args.dataKey, ["kms:Decrypt"], "s3"),
        {
            Sid: "ReadSourceCatalog",
            Effect: "Allow",
            // GetPartitions: the bookmarked read and the per-partition push-down predicate list the source's partitions.
            Action: ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"],
            Resource: [
                catalog(accountId, region),
                ...[...new Set(datasets.map(d => d.database))].map(db => `arn:aws:glue:${region}:${accountId}:database/${db}`),
                ...sourceTables.map(s => `arn:aws:glue:${region}:${accountId}:table/${s.d.database}/${s.t.name}`),
            ],
        },
        {
            Sid: "WriteTargetPrefixes",
            Effect: "Allow",
            // Get: CopyObject reads the staged object; AbortMultipartUpload: Spark's multipart writes clean up on failure.
            Action: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            Resource: targetPrefixes.map(p => `${targetBucketArn}/${p}*`),
            Condition: { StringEquals: { "s3:ResourceAccount": target.accountId } },
        },
        {
            Sid: "ListTargetPrefixes",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: [targetBucketArn],
            Condition: { StringLike: { "s3:prefix": targetPrefixes.map(p => `${p}*`) }, StringEquals: { "s3:ResourceAccount": target.accountId } },
        },
        {
            Sid: "EncryptWithTargetKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [target.keyArn],
            Condition: { StringEquals: { "kms:ViaService": `s3.${targetRegion}.amazonaws.com` } },
        },
        {
            Sid: "WriteTargetCatalog",
            Effect: "Allow",
            Action: [
                "glue:CreatePartition",
                "glue:CreateTable",
                "glue:GetDatabase",
                "glue:GetPartition",
                "glue:GetTable",
                "glue:UpdatePartition",
                "glue:UpdateTable",
            ],
            Resource: [
                catalog(target.accountId, targetRegion),
                `arn:aws:glue:${targetRegion}:${target.accountId}:database/${target.database}`,
                `arn:aws:glue:${targetRegion}:${target.accountId}:table/${target.database}/*`,
            ],
        },
        {
            Sid: "PutSanitisationMetrics",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricData"],
            Resource: ["*"],
            Condition: { StringEquals: { "cloudwatch:namespace": SANITISATION_METRICS_NAMESPACE } },
        },
        { Sid: "ReadTokenisationKey", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [made.tokenKey.arnPattern] },
        keyUseStatement("TokenKeyViaSecretsManager", scope, made.key, ["kms:Decrypt"], "secretsmanager"),
        keyUseStatement("ScriptsViaS3", scope, made.key, ["kms:Decrypt"], "s3"),
        {
            Sid: "JobBookmarks",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            Resource: [`arn:aws:kms:${region}:${accountId}:key/*`],
            Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": kmsAlias(environment, `sanitise-${target.environment}`) } },
        },
        {
            Sid: "WriteJobLogs",
            Effect: "Allow",
            Action: ["logs:AssociateKmsKey", "logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: made.logGroupArns.flatMap(arn => [arn, `${arn}:*`]),
        },
    ];
    if (args.discoveryOn) {
        const discovery = bucketArn(bucketName(scope, "discovery"));
        statements.push(
            {
                Sid: "ReadDetectionRecords",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: datasets.map(d => `${discovery}/${detectionRecordsKey(d.database)}`),
            },
            // "If the object you request doesn't exist, the error that Amazon S3 returns depends on whether you also have the
            // s3:ListBucket permission" (S3 API Reference, GetObject): with it a missing record is NoSuchKey (the job refuses
            // nothing yet), without it AccessDenied, which fails the run. That check carries no s3:prefix, so no condition here.
            { Sid: "ListDetectionRecords", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [discovery] },
            keyUseStatement("DecryptDetectionRecords", scope, { aliasName: kmsAlias(environment, "discovery") }, ["kms:Decrypt"], "s3"),
        );
    }
    return statements;
}
