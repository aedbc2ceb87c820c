/**
 * One Macie scan stage (lakewarden:scanStage.pipelines[]) in its producer account: landing, scan,
 * review and scanned buckets, the stage's customer key, the run lock and decision tables, the four
 * Lambdas of lambdas/scan-stage with least-privilege roles, the workflow of workflows/scan-stage.ts,
 * its schedule and/or previous-stage event, the IAM-authorised approval API
 * (POST /runs/{runId}/decision) and the customer-key SNS topic that carries approval requests and
 * failed runs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ScanPipeline } from "../../config/scan-stage";
import { denyInsecureTransport, type KeyRef, keyUseStatement, policyDocument, roleArnOf, type Statement } from "../../iam/documents";
import { dynamoDbTableUse, eventBridgeEncryptedTargetsUse, snsTopicUse } from "../../iam/key-use";
import { DECISION_TABLE_KEY, LOCK_TABLE_KEY } from "../../lambdas/scan-stage/tables";
import { type AccountScope, bucketArn, resourceName } from "../../naming/resources";
import { RUN_FAILURE_STATUSES, ScanNoticeEvent } from "../../contracts/scan-stage-notices";
import { buildScanStageDefinition, UNREPORTED_FAILURES } from "../../workflows/scan-stage";
import { SCAN_STAGE_BUCKETS, scanBucketPurpose, type StageBucket } from "../../naming/scan-stage";
import { BundledFunction } from "../compute/bundled-function";
import { StateMachine } from "../compute/state-machine";
import { EventTrigger } from "../events/event-trigger";
import { WebhookNotifier } from "../notify/webhook-notifier";
import { CustomerKey } from "../kms/customer-key";
import { ReleaseApi } from "../remediation/release-api";
import { SecureBucket } from "../storage/secure-bucket";

export interface ScanStageArgs {
    scope: AccountScope;
    pipeline: ScanPipeline;
    /** Server access logs of the four buckets. */
    accessLogBucket: pulumi.Input<string>;
    /**
     * Macie's service-linked role of the account, as the producer references it (one per account, never a
     * second): Macie reads SSE-KMS objects through it, so the stage key lets it decrypt (Amazon Macie User
     * Guide, "Analyzing encrypted S3 objects").
     */
    macieRole: { arn: string; resource?: pulumi.Resource };
    /** The account's discovery results repository (components/scan-stage/results-repository.ts). */
    results: { bucketName: string; prefix: string; key: KeyRef };
    /** BucketOwner tag of the stage's buckets (lakewarden:sensitiveData.bucketOwners). */
    bucketOwner: string;
    /** Extra statements for the scanned bucket's policy (the quarantine prefix guard where remediation runs). */
    scannedPolicyStatements?: (bucketArn: string) => Statement[];
    /** API Gateway's account-level logging role: "create" for the account's first API, else the resource that made it. */
    apiLogging: "create" | pulumi.Resource;
}

/**
 * The run's bound: the run timeout the workflow's history and state were measured against
 * (tests/workflows/scan-stage-limits.test.ts); the run lock expires after it.
 */
export const RUN_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** Deterministic names of a pipeline's resources (lakewarden-<env>-scan-<pipeline>-...). */
function scanStageNames(environment: string, pipeline: string) {
    const stem = `scan-${pipeline}`;
    return {
        stem,
        keyPurpose: stem,
        bucketPurpose: (bucket: StageBucket) => scanBucketPurpose(pipeline, bucket),
        lockTable: resourceName(environment, stem, "lock"),
        decisionTable: resourceName(environment, stem, "decisions"),
        topic: resourceName(environment, stem),
        unreportedRule: resourceName(environment, stem, "unreported"),
        functions: { run: `${stem}-run`, move: `${stem}-move`, requestApproval: `${stem}-approval`, approvalApi: `${stem}-decision` },
        notifier: `${stem}-notify`,
        api: `${stem}-approvals`,
    };
}

/** The RUN_FAILED body from an execution status change: string variables go in unquoted, EventBridge quotes and escapes them. */
const unreportedFailureTemplate = (pipeline: string): string =>
    `{"event":${JSON.stringify(ScanNoticeEvent.RunFailed)},"pipeline":${JSON.stringify(pipeline)},"runId":<runId>,"executionArn":<executionArn>,"status":<status>,"error":<error>,"cause":<cause>}`;

export class ScanStage extends pulumi.ComponentResource {
    readonly key: CustomerKey;
    readonly buckets: Record<StageBucket, SecureBucket>;
    readonly lockTable: aws.dynamodb.Table;
    readonly decisionTable: aws.dynamodb.Table;
    readonly topic: aws.sns.Topic;
    readonly functions: { run: BundledFunction; move: BundledFunction; requestApproval: BundledFunction; approvalApi: BundledFunction };
    readonly machine: StateMachine;
    readonly api: ReleaseApi;
    /** The Teams/Slack notifier subscribed to the topic, when the pipeline sets `notification`. */
    readonly notifier?: BundledFunction;

    constructor(name: string, args: ScanStageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:scan-stage:ScanStage", name, {}, opts);
        const { scope, pipeline } = args;
        const { accountId, region, environment } = scope;
        if (!pipeline.schedule && !pipeline.startOnEvent) {
            throw new Error(`ScanStage ${name}: pipeline ${pipeline.name} has neither a schedule nor a startOnEvent, so no run would ever start`);
        }
        const approvalTimeoutSeconds = pipeline.approvalTimeoutHours * 3600;
        if (approvalTimeoutSeconds >= RUN_TIMEOUT_SECONDS) {
            throw new Error(`ScanStage ${name}: an approval timeout of ${pipeline.approvalTimeoutHours} h leaves no time for the run (7 days)`);
        }
        if (pipeline.reviewRetentionDays * 86_400 <= RUN_TIMEOUT_SECONDS) {
            throw new Error(
                `ScanStage ${name}: review objects expiring after ${pipeline.reviewRetentionDays} days could expire while a run waits for a decision`,
            );
        }
        const parent = { parent: this };
        const names = scanStageNames(environment, pipeline.name);
        const unreportedRuleArn = `arn:aws:events:${region}:${accountId}:rule/${names.unreportedRule}`;

        // The stage key: its buckets, tables, topic, functions, workflow and API logs. Writers of landing and readers of
        // scanned are the pipeline's neighbours, outside this program: they use it through S3, as their IAM policies allow.
        this.key = new CustomerKey(
            `${name}-key`,
            {
                scope,
                purpose: names.keyPurpose,
                description: `lakewarden ${environment} scan stage ${pipeline.name}`,
                // Secrets Manager: the notifier's webhook secret, read by the notifier and set out of band.
                viaServices: pipeline.notification ? ["s3", "secretsmanager"] : ["s3"],
                uses: [
                    {
                        sid: "MacieClassifiesObjects",
                        principal: { aws: [args.macieRole.arn] },
                        actions: ["kms:Decrypt"],
                        source: "Amazon Macie User Guide, Analyzing encrypted S3 objects (key policy statement for AWSServiceRoleForAmazonMacie)",
                        principalResources: args.macieRole.resource ? [args.macieRole.resource] : [],
                    },
                    dynamoDbTableUse(scope),
                    snsTopicUse(scope),
                    eventBridgeEncryptedTargetsUse([unreportedRuleArn]),
                ],
            },
            parent,
        );
        const key = this.key;

        const bucket = (which: StageBucket, extra: Partial<ConstructorParameters<typeof SecureBucket>[1]>) =>
            new SecureBucket(
                `${name}-${which}`,
                {
                    scope,
                    purpose: names.bucketPurpose(which),
                    key,
                    accessLogBucket: args.accessLogBucket,
                    // Only the published bucket is in the organisation's daily Macie scan; the stage scans the others itself.
                    tags: { RequireMacieScan: which === "scanned" ? "True" : "False", BucketOwner: args.bucketOwner },
                    ...extra,
                },
                parent,
            );
        this.buckets = {
            landing: bucket("landing", {}),
            scan: bucket("scan", {}),
            // Retained denials and versions left by moves expire after the configured retention.
            review: bucket("review", { expirationDays: pipeline.reviewRetentionDays, noncurrentVersionExpirationDays: pipeline.reviewRetentionDays }),
            // Published data: never expires.
            scanned: bucket("scanned", args.scannedPolicyStatements ? { policyStatements: args.scannedPolicyStatements } : {}),
        };
        const arnOf = (which: StageBucket) => bucketArn(this.buckets[which].name);
        const objectsOf = (...which: StageBucket[]) => which.map(w => `${arnOf(w)}/*`);

        const table = (label: string, tableName: string, hashKey: string, extra: { protect: boolean }) =>
            new aws.dynamodb.Table(
                `${name}-${label}`,
                {
                    name: tableName,
                    billingMode: "PAY_PER_REQUEST",
                    hashKey,
                    attributes: [{ name: hashKey, type: "S" }],
                    serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
                    pointInTimeRecovery: { enabled: true },
                    deletionProtectionEnabled: extra.protect,
                },
                { parent: this, protect: extra.protect },
            );
        this.lockTable = table("lock", names.lockTable, LOCK_TABLE_KEY, { protect: false });
        // The audit record of every decision and who took it.
        this.decisionTable = table("decisions", names.decisionTable, DECISION_TABLE_KEY, { protect: true });
        const lockTableArn = `arn:aws:dynamodb:${region}:${accountId}:table/${names.lockTable}`;
        const decisionTableArn = `arn:aws:dynamodb:${region}:${accountId}:table/${names.decisionTable}`;
        const topicArn = `arn:aws:sns:${region}:${accountId}:${names.topic}`;
        this.topic = new aws.sns.Topic(
            `${name}-topic`,
            { name: names.topic, displayName: `lakewarden scan stage ${pipeline.name}`, kmsMasterKeyId: key.arn },
            parent,
        );

        const tableKey = keyUseStatement("TableKeyViaDynamoDb", scope, key, ["kms:Decrypt", "kms:GenerateDataKey"], "dynamodb");
        // Amazon SNS Developer Guide, "Encryption at rest": publishers to a customer-key topic need kms:GenerateDataKey and kms:Decrypt.
        const topicKey = keyUseStatement("TopicKeyViaSns", scope, key, ["kms:Decrypt", "kms:GenerateDataKey"], "sns");
        const fn = (
            label: keyof ScanStage["functions"],
            description: string,
            entry: string,
            extra: Partial<ConstructorParameters<typeof BundledFunction>[1]>,
        ) =>
            new BundledFunction(
                `${name}-${names.functions[label].slice(names.stem.length + 1)}`,
                { scope, key, functionName: names.functions[label], description, entry: `lambdas/scan-stage/${entry}.ts`, statements: [], ...extra },
                parent,
            );
        // BundledFunction names its role lakewarden-<env>-<function>-fn.
        const functionRoleArn = (label: keyof ScanStage["functions"]) => roleArnOf(accountId, resourceName(environment, names.functions[label], "fn"));
        const resultsPath = `${args.results.prefix}AWSLogs/${accountId}/Macie/${region}/`;
        const run = fn("run", `Scan stage ${pipeline.name}: lock and collect a run, start and poll its Macie job, judge it`, "run-handler", {
            timeoutSeconds: 900,
            memoryMb: 512,
            environment: {
                ACCOUNT_ID: accountId,
                LANDING_BUCKET: this.buckets.landing.name,
                SCAN_BUCKET: this.buckets.scan.name,
                LOCK_TABLE: names.lockTable,
                RESULTS_BUCKET: args.results.bucketName,
                RESULTS_PREFIX: args.results.prefix,
                MAX_OBJECTS_PER_RUN: String(pipeline.maxObjectsPerRun),
            },
            statements: [
                { Sid: "LockRuns", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [lockTableArn] },
                { Sid: "CollectRuns", Effect: "Allow", Action: ["s3:ListBucketVersions"], Resource: [arnOf("landing"), arnOf("scan")] },
                // Service Authorization Reference, Amazon Macie: CreateClassificationJob and DescribeClassificationJob take
                // ClassificationJob (arn:aws:macie2:<region>:<account>:classification-job/<id>); jobs carry the pipeline's tag.
                {
                    Sid: "StartRunJobs",
                    Effect: "Allow",
                    Action: ["macie2:CreateClassificationJob", "macie2:TagResource"],
                    Resource: [`arn:aws:macie2:${region}:${accountId}:classification-job/*`],
                    Condition: { StringEquals: { "aws:RequestTag/lakewarden:pipeline": pipeline.name } },
                },
                {
                    Sid: "PollRunJobs",
                    Effect: "Allow",
                    Action: ["macie2:DescribeClassificationJob"],
                    Resource: [`arn:aws:macie2:${region}:${accountId}:classification-job/*`],
                },
                // Service Authorization Reference, Amazon Macie: ListFindings and GetFindings list no resource type, so "*" (read-only).
                { Sid: "ReadRunFindings", Effect: "Allow", Action: ["macie2:GetFindings", "macie2:ListFindings"], Resource: ["*"] },
                {
                    Sid: "ListDiscoveryResults",
                    Effect: "Allow",
                    Action: ["s3:ListBucket"],
                    Resource: [bucketArn(args.results.bucketName)],
                    Condition: { StringLike: { "s3:prefix": `${resultsPath}*` } },
                },
                { Sid: "ReadDiscoveryResults", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn(args.results.bucketName)}/${resultsPath}*`] },
                keyUseStatement("DecryptDiscoveryResults", scope, args.results.key, ["kms:Decrypt"], "s3"),
                tableKey,
            ],
        });
        const move = fn("move", `Scan stage ${pipeline.name}: copies, verifies and deletes a batch of objects between the stage's buckets`, "move-handler", {
            timeoutSeconds: 900,
            memoryMb: 1024,
            environment: {
                ACCOUNT_ID: accountId,
                LANDING_BUCKET: this.buckets.landing.name,
                SCAN_BUCKET: this.buckets.scan.name,
                REVIEW_BUCKET: this.buckets.review.name,
                SCANNED_BUCKET: this.buckets.scanned.name,
            },
            // lambdas/scan-stage/move-handler.ts lists what each move calls (S3 API Reference, the Permissions of each operation).
            // A version's tags: GetObjectTagging with versionId "also" needs s3:GetObjectVersionTagging (S3 API Reference,
            // GetObjectTagging), read as both actions, as this repository reads "also" for GetObjectAttributes; the copy reads
            // the source version's tags, and a copy with the tagging directive COPY would read them too. The unversioned
            // actions add nothing the versioned ones do not already give on the same objects.
            statements: [
                {
                    Sid: "ReadAndRemoveSources",
                    Effect: "Allow",
                    Action: [
                        "s3:DeleteObjectVersion",
                        "s3:GetObjectTagging",
                        "s3:GetObjectVersion",
                        "s3:GetObjectVersionAttributes",
                        "s3:GetObjectVersionTagging",
                    ],
                    Resource: objectsOf("landing", "scan", "review"),
                },
                {
                    Sid: "WriteTargets",
                    Effect: "Allow",
                    Action: [
                        "s3:AbortMultipartUpload",
                        "s3:GetObject",
                        "s3:GetObjectTagging",
                        "s3:GetObjectVersion",
                        "s3:GetObjectVersionTagging",
                        "s3:ListMultipartUploadParts",
                        "s3:PutObject",
                        "s3:PutObjectTagging",
                    ],
                    Resource: objectsOf("scan", "review", "scanned"),
                },
                // PutObjectTagging of a version: s3:PutObjectTagging (WriteTargets, on scan) and s3:PutObjectVersionTagging.
                { Sid: "TagRunLeftovers", Effect: "Allow", Action: ["s3:PutObjectVersionTagging"], Resource: objectsOf("scan") },
                {
                    Sid: "ListStageBuckets",
                    Effect: "Allow",
                    Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"],
                    Resource: SCAN_STAGE_BUCKETS.map(arnOf),
                },
                keyUseStatement("StageKeyViaS3", scope, key, ["kms:Decrypt", "kms:GenerateDataKey"], "s3"),
            ],
        });
        const approvalsPath = ["runs", "{runId}", "decision"];
        const approvalApi = fn(
            "approvalApi",
            `POST /runs/{runId}/decision of scan stage ${pipeline.name}: records the approver's decision, resumes the run`,
            "approval-api-handler",
            {
                timeoutSeconds: 10,
                environment: { DECISION_TABLE: names.decisionTable, APPROVER_ROLE_ARNS: [...pipeline.approverRoleArns].sort().join(",") },
                statements: [
                    { Sid: "DecideRuns", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"], Resource: [decisionTableArn] },
                    // Service Authorization Reference, AWS Step Functions: SendTaskSuccess lists no resource type; the task token names the run.
                    { Sid: "ResumeRuns", Effect: "Allow", Action: ["states:SendTaskSuccess"], Resource: ["*"] },
                    tableKey,
                ],
            },
        );
        this.api = new ReleaseApi(
            `${name}-api`,
            {
                scope,
                key,
                handler: approvalApi,
                callerRoleArns: pipeline.approverRoleArns,
                apiName: names.api,
                path: approvalsPath,
                description: `Decisions on flagged objects of scan stage ${pipeline.name} (SigV4, approver roles only)`,
                accountLogging: args.apiLogging,
            },
            parent,
        );
        const requestApproval = fn(
            "requestApproval",
            `Scan stage ${pipeline.name}: records a pending decision with its task token, notifies the approvers`,
            "request-approval-handler",
            {
                timeoutSeconds: 30,
                environment: {
                    DECISION_TABLE: names.decisionTable,
                    TOPIC_ARN: topicArn,
                    APPROVAL_API_URL: this.api.stageUrl,
                    REVIEW_BUCKET: this.buckets.review.name,
                },
                statements: [
                    { Sid: "RecordPendingDecisions", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [decisionTableArn] },
                    { Sid: "NotifyApprovers", Effect: "Allow", Action: ["sns:Publish"], Resource: [topicArn] },
                    topicKey,
                    tableKey,
                ],
            },
        );
        this.functions = { run, move, requestApproval, approvalApi };
        const workflowFunctions = [run, move, requestApproval];

        this.machine = new StateMachine(
            `${name}-workflow`,
            {
                scope,
                key,
                machineName: names.stem,
                description: `Runs Macie scan stage ${pipeline.name}: landing -> scan -> scanned | review`,
                definition: buildScanStageDefinition({
                    pipeline: pipeline.name,
                    runFunctionArn: run.arn,
                    moveFunctionArn: move.arn,
                    requestApprovalFunctionArn: requestApproval.arn,
                    lockTableName: names.lockTable,
                    decisionTableName: names.decisionTable,
                    topicArn,
                    approvalTimeoutSeconds,
                    onDeny: pipeline.onDeny,
                    timeoutSeconds: RUN_TIMEOUT_SECONDS,
                }),
                taskStatements: [
                    { Sid: "InvokeStageFunctions", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: workflowFunctions.map(f => f.arn).sort() },
                    { Sid: "ReleaseRunLock", Effect: "Allow", Action: ["dynamodb:DeleteItem"], Resource: [lockTableArn] },
                    { Sid: "ExpireDecisions", Effect: "Allow", Action: ["dynamodb:UpdateItem"], Resource: [decisionTableArn] },
                    { Sid: "ReportFailedRuns", Effect: "Allow", Action: ["sns:Publish"], Resource: [topicArn] },
                    tableKey,
                    topicKey,
                ],
                dependsOn: [this.lockTable, this.decisionTable, this.topic, ...workflowFunctions],
            },
            parent,
        );
        // SendTaskSuccess writes the task's output into the run's encrypted history, like StartExecution its input
        // (Step Functions API Reference, SendTaskSuccess: KmsAccessDeniedException), so the key names the API's role.
        this.machine.allowCallers({
            label: "ApprovalApi",
            roleArns: [functionRoleArn("approvalApi")],
            roles: [approvalApi.role],
            startExecution: true,
        });
        new aws.sns.TopicPolicy(
            `${name}-topic`,
            {
                arn: this.topic.arn,
                policy: policyDocument([
                    {
                        Sid: "StagePublishers",
                        Effect: "Allow",
                        Principal: { AWS: [functionRoleArn("requestApproval"), this.machine.roleArn].sort() },
                        Action: ["sns:Publish"],
                        Resource: [topicArn],
                    },
                    {
                        Sid: "UnreportedRunFailures",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: ["sns:Publish"],
                        Resource: [topicArn],
                        Condition: { ArnEquals: { "aws:SourceArn": unreportedRuleArn } },
                    },
                    denyInsecureTransport(["sns:Publish"], [topicArn]),
                ]),
            },
            { parent: this, dependsOn: [requestApproval.role, this.machine.role] },
        );
        this.reportUnreportedFailures(name, names.unreportedRule, pipeline.name);
        if (pipeline.notification) this.notifier = this.subscribeNotifier(name, args, pipeline.notification, topicArn);
        this.startRuns(name, args);
        this.registerOutputs({
            landingBucket: this.buckets.landing.name,
            scannedBucket: this.buckets.scanned.name,
            reviewBucket: this.buckets.review.name,
            stateMachine: this.machine.arn,
            topic: topicArn,
            approvalApiUrl: this.api.url,
        });
    }

    /**
     * Runs that end without the workflow's own RUN_FAILED notice: the run timeout and StopExecution (no Catch
     * sees them: "Step Functions catchers are available for Task, Parallel and Map states, but not for top-level
     * state machine execution failures", Step Functions Developer Guide, "Handling errors"), and FAILED runs with
     * an error no catcher takes or whose notice failed (workflows/scan-stage.ts UNREPORTED_FAILURES). The
     * execution status change carries DescribeExecution's fields, error and cause among them ("the detail section
     * in the event data provides the same information as the DescribeExecution API", Step Functions Developer
     * Guide, "EventBridge for Step Functions execution status changes"); its delivery is best effort (EventBridge
     * events reference, AWS Step Functions events), which is why caught failures are published by the workflow.
     * The input transformer writes the RUN_FAILED body (contracts/scan-stage-notices.ts); EventBridge keeps the
     * output valid JSON, a missing field becoming null (EventBridge User Guide, "Input transformation").
     */
    private reportUnreportedFailures(name: string, ruleName: string, pipelineName: string): void {
        const [timedOut, aborted] = RUN_FAILURE_STATUSES.filter(s => s !== "FAILED");
        const rule = new aws.cloudwatch.EventRule(
            `${name}-unreported`,
            {
                name: ruleName,
                description: "A scan-stage run timed out, was stopped, or failed without its own failure notice",
                // $or (EventBridge User Guide, "Event patterns": "Or matching" on multiple fields).
                eventPattern: JSON.stringify({
                    source: ["aws.states"],
                    "detail-type": ["Step Functions Execution Status Change"],
                    detail: {
                        stateMachineArn: [this.machine.arn],
                        // Without an error field every FAILED run is reported: a caught one twice rather than an uncaught one never
                        // (the event's error field is not in every published schema of it: aws-lambda's types, CDK's generated patterns).
                        $or: [
                            { status: [timedOut, aborted] },
                            { status: ["FAILED"], error: [...UNREPORTED_FAILURES] },
                            { status: ["FAILED"], error: [{ exists: false }] },
                        ],
                    },
                }),
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-unreported`,
            {
                rule: rule.name,
                arn: this.topic.arn,
                inputTransformer: {
                    inputPaths: {
                        runId: "$.detail.name",
                        executionArn: "$.detail.executionArn",
                        status: "$.detail.status",
                        error: "$.detail.error",
                        cause: "$.detail.cause",
                    },
                    inputTemplate: unreportedFailureTemplate(pipelineName),
                },
            },
            { parent: this },
        );
    }

    /**
     * The Teams/Slack notifier (components/notify/webhook-notifier.ts, as remediation deploys it) in the stage's
     * account, subscribed to the topic: it takes both of the topic's notices (contracts/scan-stage-notices.ts),
     * so the subscription has no filter policy. SNS invokes it as the service, allowed for this topic only
     * (Lambda API Reference, AddPermission: "If you grant permission to a service principal without specifying
     * the source, other accounts could potentially configure resources in their account to invoke your Lambda
     * function"); SNS decrypts a message before it delivers it, so the notifier needs no use of the topic's key
     * (SNS Developer Guide, "Encryption at rest").
     */
    private subscribeNotifier(name: string, args: ScanStageArgs, notification: NonNullable<ScanPipeline["notification"]>, topicArn: string): BundledFunction {
        const { scope, pipeline } = args;
        const names = scanStageNames(scope.environment, pipeline.name);
        const { fn } = new WebhookNotifier(
            `${name}-notify`,
            {
                scope,
                key: this.key,
                kind: notification.kind,
                webhookSecretName: notification.webhookSecretName,
                functionName: names.notifier,
                description: `Scan stage ${pipeline.name}: posts decision requests and failed runs to ${notification.kind}`,
            },
            { parent: this },
        );
        const permission = new aws.lambda.Permission(
            `${name}-notify`,
            { function: fn.name, action: "lambda:InvokeFunction", principal: "sns.amazonaws.com", sourceArn: topicArn, sourceAccount: scope.accountId },
            { parent: this, dependsOn: [fn] },
        );
        new aws.sns.TopicSubscription(
            `${name}-notify`,
            { topic: this.topic.arn, protocol: "lambda", endpoint: fn.arn },
            { parent: this, dependsOn: [permission] },
        );
        return fn;
    }

    /** A schedule, the previous stage's completion event, or both; overlapping runs are refused by the run lock. */
    private startRuns(name: string, args: ScanStageArgs): void {
        const { pipeline, scope } = args;
        const names = scanStageNames(scope.environment, pipeline.name);
        const common = {
            scope,
            key: this.key,
            target: { stateMachine: this.machine },
            // A run that cannot start is retried for an hour, then kept in the trigger's dead-letter queue.
            retryPolicy: { maximumRetryAttempts: 12, maximumEventAgeInSeconds: 3600 },
        };
        if (pipeline.schedule) {
            new EventTrigger(
                `${name}-schedule`,
                {
                    ...common,
                    ruleName: `${names.stem}-schedule`,
                    description: `Scheduled runs of scan stage ${pipeline.name}`,
                    scheduleExpression: pipeline.schedule,
                },
                { parent: this },
            );
        }
        if (pipeline.startOnEvent) {
            new EventTrigger(
                `${name}-start`,
                {
                    ...common,
                    ruleName: `${names.stem}-start`,
                    description: `Runs of scan stage ${pipeline.name} when ${pipeline.startOnEvent.source} reports ${pipeline.startOnEvent.detailType}`,
                    eventPattern: { source: [pipeline.startOnEvent.source], "detail-type": [pipeline.startOnEvent.detailType] },
                },
                { parent: this },
            );
        }
    }
}
