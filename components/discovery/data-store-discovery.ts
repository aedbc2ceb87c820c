/**
 * Data-store discovery and PII detection in a producer account: CloudTrail creation/removal events
 * through EventBridge to an encrypted queue (with dead-letter queue) and the intake Lambda; the state
 * and art. 30 report tables; the scheduled backfill, catalog and report Lambdas; the reporter on Glue
 * job completion; the Glue roles, security configuration and job script; the LF-tag; alarms.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Discovery } from "../../config/discovery";
import { CLOUDTRAIL_DETAIL_TYPE, SOURCE_EVENTS } from "../../lambdas/discovery-common/events";
import { DISAGREEMENT_METRIC, PII_LF_TAG } from "../../lambdas/discovery-common/markers";
import { jobPrefix } from "../../lambdas/discovery-common/source";
import { STATE_TABLE_SCHEMA } from "../../lambdas/discovery-common/state";
import { REPORT_TABLE_SCHEMA } from "../../lambdas/discovery-ropa/ropa";
import type { Readers } from "../../lambdas/discovery-ropa/record";
import { BundledFunction, type BundledFunctionArgs } from "../compute/bundled-function";
import { dynamoDbTableUse, eventBridgeEncryptedTargetsUse, logGroupUse, snsTopicUse, sqsQueueUse } from "../../iam/key-use";
import { EventTrigger } from "../events/event-trigger";
import { CustomerKey } from "../kms/customer-key";
import { AlarmTopic, glueJobStatePattern, metricAboveZeroAlarm, type WatchedMetric } from "../monitoring/alarm-topic";
import { denyInsecureTransport, keyUseStatement, policyDocument, roleArnOf, serviceTrust, type Statement } from "../../iam/documents";
import { type AccountScope, resourceName } from "../../naming/resources";
import { childDependsOn } from "../../pulumi/resource-options";
import { SecureBucket } from "../storage/secure-bucket";
import { shipGlueScripts } from "../../bundling/glue-scripts";

export interface DataStoreDiscoveryArgs {
    scope: AccountScope;
    settings: Discovery;
    /** The account's access-log bucket (receives the discovery bucket's access logs). */
    accessLogBucket: pulumi.Input<string>;
    /** Per model database, who lakewarden lets read it (readersByDatabase). */
    readers: Readers;
}

/** Lambda environment variables are limited to 4 KB in total (Lambda quotas). */
const LAMBDA_ENVIRONMENT_LIMIT = 4096;

/** Key prefixes inside the discovery bucket. */
const DISCOVERY_PREFIXES = {
    scripts: "glue/pii_detection/",
    runs: "detections/runs/",
    records: "detections/records/",
    disagreements: "detections/disagreements/",
    temp: "glue/temp/",
    ropa: "record-of-processing/",
} as const;

/** Where the discovery reporter writes a database's detection records (contracts/detections.ts), read by the sanitisation job. */
export function detectionRecordsKey(database: string): string {
    return `${DISCOVERY_PREFIXES.records}${database}.json`;
}

export function sourceEventPattern(): Record<string, unknown> {
    const sources = Object.keys(SOURCE_EVENTS);
    const names = Object.values(SOURCE_EVENTS)
        .flatMap(e => [...e.create, ...e.remove])
        .sort();
    return {
        source: sources,
        "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
        detail: { eventSource: sources.map(s => `${s.slice(4)}.amazonaws.com`), eventName: names },
    };
}

/** This environment's PII jobs, as an EventBridge pattern list. */
function piiJobNames(environment: string): unknown[] {
    return [{ prefix: jobPrefix(environment) }];
}

/** Glue Job State Change events of this environment's PII jobs in the given states. */
export function jobStatePattern(environment: string, states: string[]): Record<string, unknown> {
    return glueJobStatePattern(piiJobNames(environment), states);
}

/**
 * What a Glue security configuration encrypts with customer keys: the job's S3 output (SSE-KMS with `s3KeyArn`),
 * its CloudWatch logs (SSE-KMS) and its job bookmarks (CSE-KMS) with `keyArn`.
 */
export function glueEncryption(
    keyArn: pulumi.Input<string>,
    s3KeyArn: pulumi.Input<string> = keyArn,
): aws.types.input.glue.SecurityConfigurationEncryptionConfiguration {
    return {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: s3KeyArn },
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: keyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: keyArn },
    };
}

export class DataStoreDiscovery extends pulumi.ComponentResource {
    readonly key: CustomerKey;
    readonly bucket: SecureBucket;
    readonly queue: aws.sqs.Queue;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly stateTable: aws.dynamodb.Table;
    readonly reportTable: aws.dynamodb.Table;
    readonly alarms: AlarmTopic;
    readonly functions: Record<"intake" | "backfill" | "catalog" | "reporter" | "ropa", BundledFunction>;
    readonly crawlerRole: aws.iam.Role;
    readonly jobRole: aws.iam.Role;

    constructor(name: string, args: DataStoreDiscoveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:discovery:DataStoreDiscovery", name, {}, opts);
        const { scope, settings } = args;
        // The report Lambda carries the readers and record tags in its environment (4 KB in all, Lambda quotas).
        const environmentSize = JSON.stringify(settings.recordTags).length + JSON.stringify(args.readers).length;
        if (environmentSize > LAMBDA_ENVIRONMENT_LIMIT - 512) {
            throw new Error(
                `DataStoreDiscovery ${name}: the readers and record tags (${environmentSize} bytes) exceed what the report Lambda's environment can hold`,
            );
        }
        const { accountId, region, environment } = scope;
        const parent = { parent: this };
        const n = (...parts: string[]) => resourceName(environment, "discovery", ...parts);
        const ruleArn = (rule: string) => `arn:aws:events:${region}:${accountId}:rule/${rule}`;
        const eventsRule = n("source-events");
        this.key = new CustomerKey(
            `${name}-key`,
            {
                scope,
                purpose: "discovery",
                description: `lakewarden ${environment} data-store discovery (state, queue, results, Glue job output and logs)`,
                viaServices: ["dynamodb", "lambda", "s3", "sqs"],
                uses: [
                    logGroupUse(scope, [`arn:aws:logs:${region}:${accountId}:log-group:/aws-glue/*`]),
                    // The alarm topic declares its own uses (CloudWatch alarms, the failed-job rule).
                    eventBridgeEncryptedTargetsUse([ruleArn(eventsRule)]),
                    dynamoDbTableUse(scope),
                    sqsQueueUse(scope),
                    snsTopicUse(scope),
                ],
            },
            parent,
        );
        const key = this.key;
        this.bucket = new SecureBucket(`${name}-bucket`, { scope, purpose: "discovery", key, accessLogBucket: args.accessLogBucket }, parent);
        const bucketName = this.bucket.name;
        const bucketArn = this.bucket.arn;
        const objects = (prefix: string) => `${bucketArn}/${prefix}*`;

        // Tables: keyed by ARN (state) and ARN + date (report history); customer key, PITR, protected.
        const stateTableName = n("state");
        const stateTableArn = `arn:aws:dynamodb:${region}:${accountId}:table/${stateTableName}`;
        this.stateTable = new aws.dynamodb.Table(
            `${name}-state`,
            {
                name: stateTableName,
                billingMode: "PAY_PER_REQUEST",
                hashKey: STATE_TABLE_SCHEMA.hashKey,
                attributes: STATE_TABLE_SCHEMA.attributes.map(a => ({ ...a })),
                globalSecondaryIndexes: [{ name: STATE_TABLE_SCHEMA.statusIndex, hashKey: "status", projectionType: "ALL" }],
                serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
                pointInTimeRecovery: { enabled: true },
                deletionProtectionEnabled: true,
            },
            { parent: this, protect: true },
        );
        const reportTableName = n("record-of-processing");
        const reportTableArn = `arn:aws:dynamodb:${region}:${accountId}:table/${reportTableName}`;
        this.reportTable = new aws.dynamodb.Table(
            `${name}-report`,
            {
                name: reportTableName,
                billingMode: "PAY_PER_REQUEST",
                hashKey: REPORT_TABLE_SCHEMA.hashKey,
                rangeKey: REPORT_TABLE_SCHEMA.rangeKey,
                attributes: REPORT_TABLE_SCHEMA.attributes.map(a => ({ ...a })),
                serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
                pointInTimeRecovery: { enabled: true },
                deletionProtectionEnabled: true,
            },
            { parent: this, protect: true },
        );
        const stateRead: Statement = {
            Sid: "ReadSources",
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:Query"],
            Resource: [stateTableArn, `${stateTableArn}/index/${STATE_TABLE_SCHEMA.statusIndex}`],
        };
        const stateWrite: Statement = { Sid: "WriteSources", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:UpdateItem"], Resource: [stateTableArn] };
        const tableKey = keyUseStatement("StateKeyViaDynamoDb", scope, key, ["kms:Decrypt", "kms:GenerateDataKey"], "dynamodb");
        const bucketKey = keyUseStatement("BucketKeyViaS3", scope, key, ["kms:Decrypt", "kms:GenerateDataKey"], "s3");
        const readTags: Statement = { Sid: "ReadTags", Effect: "Allow", Action: ["tag:GetResources"], Resource: ["*"] };

        // Queue and dead-letter queue, both under the customer key.
        const queueName = n("events");
        const queueArn = `arn:aws:sqs:${region}:${accountId}:${queueName}`;
        this.deadLetterQueue = new aws.sqs.Queue(
            `${name}-dlq`,
            { name: `${queueName}-dlq`, kmsMasterKeyId: key.arn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 1_209_600 },
            parent,
        );
        this.queue = new aws.sqs.Queue(
            `${name}-queue`,
            {
                name: queueName,
                kmsMasterKeyId: key.arn,
                kmsDataKeyReusePeriodSeconds: 300,
                // Six times the intake timeout (Lambda developer guide, "Using Lambda with Amazon SQS").
                visibilityTimeoutSeconds: 360,
                messageRetentionSeconds: 345_600,
                redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: 5 }),
            },
            parent,
        );
        new aws.sqs.QueuePolicy(
            `${name}-queue`,
            {
                queueUrl: this.queue.url,
                policy: policyDocument([
                    {
                        Sid: "EventBridgeSourceEvents",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: ["sqs:SendMessage"],
                        Resource: [queueArn],
                        Condition: { ArnEquals: { "aws:SourceArn": ruleArn(eventsRule) } },
                    },
                    denyInsecureTransport(["sqs:*"], [queueArn]),
                ]),
            },
            parent,
        );
        const rule = new aws.cloudwatch.EventRule(
            `${name}-source-events`,
            {
                name: eventsRule,
                description: "Creation and removal of S3 buckets, DynamoDB tables and RDS clusters (CloudTrail)",
                eventPattern: JSON.stringify(sourceEventPattern()),
            },
            parent,
        );
        new aws.cloudwatch.EventTarget(
            `${name}-source-events`,
            { rule: rule.name, arn: this.queue.arn, retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 } },
            parent,
        );

        const fn = (functionName: string, extra: Omit<BundledFunctionArgs, "scope" | "key" | "functionName" | "entry">) =>
            new BundledFunction(
                `${name}-${functionName}`,
                { scope, key, functionName: `discovery-${functionName}`, entry: `lambdas/discovery-${functionName}/handler.ts`, ...extra },
                parent,
            );

        const intake = fn("intake", {
            description: "Applies CloudTrail creation/removal events from the queue to the discovery state table",
            timeoutSeconds: 60,
            environment: { STATE_TABLE_NAME: stateTableName },
            statements: [
                stateWrite,
                {
                    Sid: "ConsumeQueue",
                    Effect: "Allow",
                    Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
                    Resource: [queueArn],
                },
                keyUseStatement("QueueKeyViaSqs", scope, key, ["kms:Decrypt"], "sqs"),
                tableKey,
            ],
        });
        new aws.lambda.EventSourceMapping(
            `${name}-intake`,
            {
                eventSourceArn: this.queue.arn,
                functionName: intake.function.name,
                batchSize: 10,
                maximumBatchingWindowInSeconds: 5,
                functionResponseTypes: ["ReportBatchItemFailures"],
            },
            { parent: this, dependsOn: [intake] },
        );

        const optIn = { OPT_IN_TAG_KEY: settings.optInTag.key, OPT_IN_TAG_VALUE: settings.optInTag.value };
        const backfill = fn("backfill", {
            description: "Adds opted-in stores that exist and retires known sources that no longer do",
            timeoutSeconds: 900,
            deadLetterQueue: true,
            environment: { STATE_TABLE_NAME: stateTableName, ACCOUNT_ID: accountId, ...optIn },
            statements: [
                stateRead,
                stateWrite,
                tableKey,
                readTags,
                // Listing calls that support no resource-level permissions (service authorization reference).
                { Sid: "ListStores", Effect: "Allow", Action: ["dynamodb:ListTables", "s3:ListAllMyBuckets"], Resource: ["*"] },
                { Sid: "ListClusters", Effect: "Allow", Action: ["rds:DescribeDBClusters"], Resource: [`arn:aws:rds:${region}:${accountId}:cluster:*`] },
            ],
        });

        const crawlerRoleName = n("crawler");
        const jobRoleName = n("pii-job");
        const reporterRoleArn = roleArnOf(accountId, resourceName(environment, "discovery-reporter", "fn"));
        const securityConfigurationName = n("glue");
        const catalogArns = (prefix: string) => [
            `arn:aws:glue:${region}:${accountId}:catalog`,
            `arn:aws:glue:${region}:${accountId}:database/${prefix}*`,
            `arn:aws:glue:${region}:${accountId}:table/${prefix}*/*`,
        ];
        const dbPrefix = `lw_${environment.toLowerCase().replace(/[^a-z0-9]+/g, "_")}_`;
        const namePrefix = `lakewarden-${environment}-`;
        const glueResource = (kind: string) => `arn:aws:glue:${region}:${accountId}:${kind}/${namePrefix}*`;
        const passRoles: Statement = {
            Sid: "PassGlueRoles",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: [roleArnOf(accountId, crawlerRoleName), roleArnOf(accountId, jobRoleName)],
            Condition: { StringEquals: { "iam:PassedToService": "glue.amazonaws.com" } },
        };
        const scriptUri = `s3://${bucketName}/${DISCOVERY_PREFIXES.scripts}`;
        const catalog = fn("catalog", {
            description: "Brings discovered sources to catalogued: Glue database, crawlers, JDBC connection, PII job and workflow",
            timeoutSeconds: 900,
            deadLetterQueue: true,
            environment: {
                STATE_TABLE_NAME: stateTableName,
                ACCOUNT_ID: accountId,
                ...optIn,
                DATASET_TAG_KEY: settings.datasetTag,
                SCHEMAS_TAG_KEY: settings.schemasTag,
                CRAWLER_ROLE_ARN: roleArnOf(accountId, crawlerRoleName),
                JOB_ROLE_ARN: roleArnOf(accountId, jobRoleName),
                REPORTER_ROLE_ARN: reporterRoleArn,
                SECURITY_CONFIGURATION: securityConfigurationName,
                SCRIPT_LOCATION: `${scriptUri}job.py`,
                CORE_MODULE_LOCATION: `${scriptUri}core.py`,
                RESULTS_URI: `s3://${bucketName}/${DISCOVERY_PREFIXES.runs}`,
                TEMP_URI: `s3://${bucketName}/${DISCOVERY_PREFIXES.temp}`,
                DETECTION_SCHEDULE: settings.schedules.detection,
                SAMPLE_FRACTION: String(settings.detection.sampleFraction),
                THRESHOLD_FRACTION: String(settings.detection.thresholdFraction),
                WORKERS: String(settings.detection.workers),
                TIMEOUT_MINUTES: String(settings.detection.timeoutMinutes),
            },
            statements: [
                stateRead,
                stateWrite,
                tableKey,
                readTags,
                {
                    Sid: "ManageDiscoveryCatalog",
                    Effect: "Allow",
                    Action: ["glue:CreateDatabase", "glue:GetDatabase", "glue:UpdateDatabase"],
                    // Database actions take the catalog and database ARNs only (Service Authorization Reference).
                    Resource: catalogArns(dbPrefix).filter(arn => !arn.includes(":table/")),
                },
                {
                    Sid: "ManageDiscoveryRunners",
                    Effect: "Allow",
                    Action: [
                        "glue:CreateConnection",
                        "glue:GetConnection",
                        "glue:UpdateConnection",
                        "glue:DeleteCrawler",
                        "glue:GetCrawler",
                        "glue:UpdateCrawler",
                        "glue:CreateJob",
                        "glue:DeleteJob",
                        "glue:GetJob",
                        "glue:UpdateJob",
                        "glue:CreateTrigger",
                        "glue:DeleteTrigger",
                        "glue:GetTrigger",
                        "glue:UpdateTrigger",
                        "glue:CreateWorkflow",
                        "glue:DeleteWorkflow",
                        "glue:GetWorkflow",
                        "glue:UpdateWorkflow",
                    ],
                    Resource: [
                        `arn:aws:glue:${region}:${accountId}:catalog`,
                        glueResource("connection"),
                        glueResource("crawler"),
                        glueResource("job"),
                        glueResource("trigger"),
                        glueResource("workflow"),
                    ],
                },
                // CreateCrawler has no resource type in the Service Authorization Reference; what a crawler may do
                // is bounded by the role it runs as, and PassRole names only the crawler role.
                { Sid: "CreateCrawlers", Effect: "Allow", Action: ["glue:CreateCrawler"], Resource: ["*"] },
                { Sid: "GrantOnDiscoveryDatabases", Effect: "Allow", Action: ["lakeformation:GrantPermissions"], Resource: ["*"] },
                {
                    Sid: "DescribeClusters",
                    Effect: "Allow",
                    Action: ["rds:DescribeDBClusters", "rds:DescribeDBSubnetGroups"],
                    Resource: [`arn:aws:rds:${region}:${accountId}:cluster:*`, `arn:aws:rds:${region}:${accountId}:subgrp:*`],
                },
                // RDS-managed master secrets are named rds!cluster-<id> (RDS user guide, "Password management with Secrets Manager").
                {
                    Sid: "DescribeClusterSecrets",
                    Effect: "Allow",
                    Action: ["secretsmanager:DescribeSecret"],
                    Resource: [`arn:aws:secretsmanager:${region}:${accountId}:secret:rds!cluster-*`],
                },
                passRoles,
            ],
        });

        const reporter = fn("reporter", {
            description: "On a PII job's success: marks columns (comment, classification, LF-tag), clears stale marks, writes detection records",
            timeoutSeconds: 300,
            deadLetterQueue: true,
            environment: {
                STATE_TABLE_NAME: stateTableName,
                ACCOUNT_ID: accountId,
                RESULTS_BUCKET: bucketName,
                RESULTS_PREFIX: DISCOVERY_PREFIXES.runs,
                RECORDS_PREFIX: DISCOVERY_PREFIXES.records,
                DISAGREEMENTS_PREFIX: DISCOVERY_PREFIXES.disagreements,
                DATASET_TAG_KEY: settings.datasetTag,
            },
            statements: [
                stateRead,
                tableKey,
                bucketKey,
                readTags,
                { Sid: "ReadRunResults", Effect: "Allow", Action: ["s3:GetObject"], Resource: [objects(DISCOVERY_PREFIXES.runs)] },
                {
                    Sid: "WriteRecords",
                    Effect: "Allow",
                    Action: ["s3:PutObject"],
                    Resource: [objects(DISCOVERY_PREFIXES.records), objects(DISCOVERY_PREFIXES.disagreements)],
                },
                {
                    Sid: "MarkDiscoveredTables",
                    Effect: "Allow",
                    Action: ["glue:GetTable", "glue:GetTables", "glue:UpdateTable"],
                    Resource: catalogArns(dbPrefix),
                },
                // The model's own tables are read for their declared classifications.
                {
                    Sid: "ReadModelTables",
                    Effect: "Allow",
                    Action: ["glue:GetTable"],
                    Resource: [
                        `arn:aws:glue:${region}:${accountId}:catalog`,
                        `arn:aws:glue:${region}:${accountId}:database/*`,
                        `arn:aws:glue:${region}:${accountId}:table/*/*`,
                    ],
                },
                {
                    Sid: "TagColumns",
                    Effect: "Allow",
                    Action: ["lakeformation:AddLFTagsToResource", "lakeformation:GetResourceLFTags", "lakeformation:RemoveLFTagsFromResource"],
                    Resource: ["*"],
                },
            ],
        });

        const ropa = fn("ropa", {
            description: "Writes the GDPR art. 30 record of processing of every source (report table with history, CSV/JSON export)",
            timeoutSeconds: 300,
            deadLetterQueue: true,
            environment: {
                STATE_TABLE_NAME: stateTableName,
                REPORT_TABLE_NAME: reportTableName,
                REPORTS_BUCKET: bucketName,
                REPORTS_PREFIX: DISCOVERY_PREFIXES.ropa,
                RECORD_TAGS: JSON.stringify(settings.recordTags),
                DATASET_TAG_KEY: settings.datasetTag,
                READERS: JSON.stringify(args.readers),
            },
            statements: [
                stateRead,
                tableKey,
                bucketKey,
                readTags,
                { Sid: "WriteReport", Effect: "Allow", Action: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"], Resource: [reportTableArn] },
                { Sid: "ExportReport", Effect: "Allow", Action: ["s3:PutObject"], Resource: [objects(DISCOVERY_PREFIXES.ropa)] },
            ],
        });
        this.functions = { intake, backfill, catalog, reporter, ropa };

        // Schedules and the reporter's job-completion rule: EventTrigger (retries, CMK dead-letter queue).
        const triggers = [
            ["backfill", backfill, { scheduleExpression: settings.schedules.backfill }, "discovery backfill"],
            ["catalog", catalog, { scheduleExpression: settings.schedules.catalog }, "discovery catalog step"],
            ["ropa", ropa, { scheduleExpression: settings.schedules.report }, "discovery record of processing"],
            // The reporter runs when a PII job succeeds, never on a clock.
            ["pii-job-succeeded", reporter, { eventPattern: jobStatePattern(environment, ["SUCCEEDED"]) }, "A discovery PII job run succeeded"],
        ] as const;
        const triggerQueues = triggers.map(
            ([label, target, rule, description]) =>
                new EventTrigger(
                    `${name}-${label}`,
                    {
                        scope,
                        key,
                        ruleName: label === "pii-job-succeeded" ? `discovery-${label}` : `discovery-${label}-schedule`,
                        description,
                        ...rule,
                        target: { function: target },
                        retryPolicy:
                            label === "pii-job-succeeded"
                                ? { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 86_400 }
                                : { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
                    },
                    parent,
                ).deadLetterQueue,
        );

        // Glue: security configuration (everything encrypted), job script, roles without managed policies.
        new aws.glue.SecurityConfiguration(
            `${name}-glue`,
            {
                name: securityConfigurationName,
                encryptionConfiguration: glueEncryption(key.arn),
            },
            parent,
        );
        shipGlueScripts(
            name,
            { folder: "pii_detection", files: ["job.py", "core.py"], bucket: bucketName, prefix: DISCOVERY_PREFIXES.scripts, kmsKeyArn: key.arn },
            { parent: this, dependsOn: [this.bucket] },
        );
        const glueLogs = `arn:aws:logs:${region}:${accountId}:log-group:/aws-glue/*`;
        const glueBase: Statement[] = [
            {
                Sid: "WriteGlueLogs",
                Effect: "Allow",
                Action: ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: [glueLogs, `${glueLogs}:*`],
            },
            {
                Sid: "ReadSourceBuckets",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:ListBucket"],
                Resource: ["arn:aws:s3:::*"],
                Condition: { StringEquals: { "s3:ResourceAccount": accountId } },
            },
            {
                Sid: "ReadSourceTables",
                Effect: "Allow",
                Action: ["dynamodb:DescribeTable", "dynamodb:Scan"],
                Resource: [`arn:aws:dynamodb:${region}:${accountId}:table/*`],
            },
            {
                Sid: "ReadClusterSecrets",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue"],
                Resource: [`arn:aws:secretsmanager:${region}:${accountId}:secret:rds!cluster-*`],
            },
            {
                Sid: "DecryptSources",
                Effect: "Allow",
                Action: ["kms:Decrypt"],
                Resource: [`arn:aws:kms:${region}:${accountId}:key/*`],
                Condition: {
                    StringEquals: {
                        "kms:ViaService": [`dynamodb.${region}.amazonaws.com`, `s3.${region}.amazonaws.com`, `secretsmanager.${region}.amazonaws.com`],
                    },
                },
            },
            // JDBC crawls and jobs run in the cluster's VPC through ENIs Glue creates and tags (Glue developer guide, "Setting up network access").
            {
                Sid: "DescribeNetwork",
                Effect: "Allow",
                Action: [
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcEndpoints",
                    "ec2:DescribeRouteTables",
                ],
                Resource: ["*"],
            },
            // DescribeVpcAttribute is the one network read the Service Authorization Reference scopes to a VPC.
            { Sid: "DescribeVpcAttribute", Effect: "Allow", Action: ["ec2:DescribeVpcAttribute"], Resource: [`arn:aws:ec2:${region}:${accountId}:vpc/*`] },
            {
                Sid: "ManageGlueEnis",
                Effect: "Allow",
                Action: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
                Resource: [
                    `arn:aws:ec2:${region}:${accountId}:network-interface/*`,
                    `arn:aws:ec2:${region}:${accountId}:subnet/*`,
                    `arn:aws:ec2:${region}:${accountId}:security-group/*`,
                ],
            },
            {
                Sid: "TagGlueEnis",
                Effect: "Allow",
                Action: ["ec2:CreateTags", "ec2:DeleteTags"],
                Resource: [`arn:aws:ec2:${region}:${accountId}:network-interface/*`],
                Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["aws-glue-service-resource"] } },
            },
            {
                Sid: "UseConnections",
                Effect: "Allow",
                Action: ["glue:GetConnection"],
                Resource: [`arn:aws:glue:${region}:${accountId}:catalog`, glueResource("connection")],
            },
            { Sid: "GetDataAccess", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: ["*"] },
            bucketKey,
        ];
        const glueRole = (label: string, roleName: string, extra: Statement[]) => {
            const role = new aws.iam.Role(
                `${name}-${label}`,
                {
                    name: roleName,
                    description: `lakewarden ${environment} discovery ${label}`,
                    assumeRolePolicy: serviceTrust("glue.amazonaws.com", accountId),
                },
                parent,
            );
            new aws.iam.RolePolicy(`${name}-${label}`, { role: role.name, policy: policyDocument([...glueBase, ...extra]) }, parent);
            return role;
        };
        this.crawlerRole = glueRole("crawler", crawlerRoleName, [
            {
                Sid: "WriteDiscoveryCatalog",
                Effect: "Allow",
                Action: [
                    "glue:BatchGetPartition",
                    "glue:CreateTable",
                    "glue:GetDatabase",
                    "glue:GetTable",
                    "glue:GetTables",
                    "glue:UpdateTable",
                    "glue:BatchCreatePartition",
                    "glue:UpdatePartition",
                    "glue:GetPartitions",
                ],
                Resource: catalogArns(dbPrefix),
            },
        ]);
        this.jobRole = glueRole("pii-job", jobRoleName, [
            {
                Sid: "ReadDiscoveryCatalog",
                Effect: "Allow",
                Action: ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable", "glue:GetTables"],
                Resource: catalogArns(dbPrefix),
            },
            { Sid: "ReadScripts", Effect: "Allow", Action: ["s3:GetObject"], Resource: [objects(DISCOVERY_PREFIXES.scripts)] },
            { Sid: "WriteRunResults", Effect: "Allow", Action: ["s3:PutObject"], Resource: [objects(DISCOVERY_PREFIXES.runs)] },
            { Sid: "UseTempDir", Effect: "Allow", Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], Resource: [objects(DISCOVERY_PREFIXES.temp)] },
            { Sid: "ListDiscoveryBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
        ]);
        // Lake Formation resources wait for what the caller orders them after (the account's LF settings).
        const piiTag = new aws.lakeformation.LfTag(
            `${name}-pii-tag`,
            { key: PII_LF_TAG, values: ["false", "true"] },
            { parent: this, dependsOn: childDependsOn(opts) },
        );
        // The reporter assigns the tag (ASSOCIATE); its rights on the tables come from the catalog step's grants.
        new aws.lakeformation.Permissions(
            `${name}-pii-tag-reporter`,
            { principal: reporterRoleArn, lfTag: { key: PII_LF_TAG, values: ["false", "true"] }, permissions: ["ASSOCIATE", "DESCRIBE"] },
            { parent: this, deleteBeforeReplace: true, dependsOn: childDependsOn(opts, piiTag, reporter) },
        );

        // Alarms: a message in the dead-letter queue, failed PII jobs, failed scheduled runs, disagreements.
        this.alarms = new AlarmTopic(
            `${name}-alarms`,
            {
                scope,
                key,
                topicName: n("alarms"),
                failedJobs: {
                    ruleName: n("pii-job-failed"),
                    description: "A discovery PII job run failed, timed out or stopped",
                    jobName: piiJobNames(environment),
                },
                previousNames: { failedJobs: `${name}-pii-job-failed` },
            },
            parent,
        );
        const alarm = (label: string, description: string, metric: WatchedMetric) =>
            new aws.cloudwatch.MetricAlarm(
                `${name}-${label}`,
                metricAboveZeroAlarm({ name: n(label), description, topicArn: this.alarms.arn }, { ...metric, period: 300 }),
                parent,
            );
        const waiting = (queue: pulumi.Input<string>): WatchedMetric => ({
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: queue },
            statistic: "Maximum",
            period: 300,
        });
        alarm("dlq-depth", "Source events that failed five times wait in the discovery dead-letter queue", waiting(`${queueName}-dlq`));
        triggers.forEach(([label], index) =>
            alarm(
                `${label}-undelivered`,
                `EventBridge could not deliver ${label} events to its function: they wait in the rule's dead-letter queue`,
                waiting(triggerQueues[index].name),
            ),
        );
        for (const [label, f] of [
            ["catalog-errors", catalog],
            ["backfill-errors", backfill],
            ["reporter-errors", reporter],
            ["ropa-errors", ropa],
        ] as const) {
            alarm(label, `${f.name} failed`, {
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: { FunctionName: f.name },
                statistic: "Sum",
                period: 300,
            });
        }
        alarm("disagreements", `PII detections contradict the model's classification: see s3://${bucketName}/${DISCOVERY_PREFIXES.disagreements}`, {
            namespace: "lakewarden",
            metricName: DISAGREEMENT_METRIC,
            dimensions: { service: "discovery-reporter" },
            statistic: "Maximum",
            period: 300,
        });
        // What a data-protection officer and the platform team look at: sources, detections, gaps, failures.
        const metric = (service: string, name: string, label: string) => ["lakewarden", name, "service", service, { label, stat: "Sum" }];
        const widget = (title: string, metrics: unknown[], y: number, x: number) => ({
            type: "metric",
            x,
            y,
            width: 12,
            height: 6,
            properties: { title, region, period: 3600, view: "timeSeries", stacked: false, metrics },
        });
        new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: n("dashboard"),
                dashboardBody: JSON.stringify({
                    widgets: [
                        widget(
                            "Sources seen (intake)",
                            [
                                metric("discovery-intake", "Sources_added", "added"),
                                metric("discovery-intake", "Sources_duplicate", "redelivered / known"),
                                metric("discovery-intake", "Sources_retired", "retired"),
                            ],
                            0,
                            0,
                        ),
                        widget(
                            "Catalog runs",
                            [
                                metric("discovery-catalog", "Catalog_catalogued", "catalogued"),
                                metric("discovery-catalog", "Catalog_blocked", "blocked"),
                                metric("discovery-catalog", "Catalog_failed", "failed"),
                                metric("discovery-catalog", "Catalog_ignored", "not opted in"),
                            ],
                            0,
                            12,
                        ),
                        widget(
                            "PII detection",
                            [
                                metric("discovery-reporter", "ColumnsMarkedPii", "columns marked PII"),
                                metric("discovery-reporter", DISAGREEMENT_METRIC, "contradicting the model"),
                            ],
                            6,
                            0,
                        ),
                        widget(
                            "Record of processing (art. 30)",
                            [metric("discovery-ropa", "SourcesLackingRecordTags", "sources lacking required tags")],
                            6,
                            12,
                        ),
                        widget(
                            "Dead-letter queue",
                            [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", `${queueName}-dlq`, { label: "events waiting", stat: "Maximum" }]],
                            12,
                            0,
                        ),
                    ],
                }),
            },
            parent,
        );
        this.registerOutputs({ stateTable: stateTableName, reportTable: reportTableName, bucket: bucketName, queue: queueName, alarmTopic: this.alarms.arn });
    }
}
