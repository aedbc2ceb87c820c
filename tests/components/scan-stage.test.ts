import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { scanStageSchema, type ScanPipeline } from "../../config/scan-stage";
import { runFailureSchema } from "../../contracts/scan-stage-notices";
import { CustomerKey } from "../../components/kms/customer-key";
import { ResultsRepository } from "../../components/scan-stage/results-repository";
import { RUN_TIMEOUT_SECONDS, ScanStage, type ScanStageArgs } from "../../components/scan-stage/scan-stage";
import { SecureBucket } from "../../components/storage/secure-bucket";
import { QuarantineBucketPolicy } from "../../iam/quarantine-bucket-policy";
import { isWildcardOnly, lookupAction } from "../../policy/lib/iam/catalog";
import { S3Client } from "@aws-sdk/client-s3";
import { S3ObjectStore } from "../../lambdas/shared/s3-transfer/s3-object-store";
import { S3StageMover } from "../../lambdas/scan-stage/s3-mover";
import { evaluatePolicy } from "../../policy/lib/iam/evaluate";
import type { PolicyDoc } from "../../support/remediation/iam-eval";
import { runPolicyPack } from "../policy/helpers";
import { stageS3 } from "../lambdas/scan-stage/stage-s3";
import { ScanStates } from "../../workflows/scan-stage";
import { accountComponentOf, ofType, recordComponent, type RecordedResource, type Recording, sharedStack } from "../helpers/program";

const producer = "777788889999";
const scope = { environment: "test", accountId: producer, region: "eu-west-1" };
const steward = `arn:aws:iam::${producer}:role/data-steward`;
const auditor = `arn:aws:iam::${producer}:role/data-auditor`;
const macieSlr = `arn:aws:iam::${producer}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`;
const [ingest, orders] = (
    scanStageSchema.parse({
        pipelines: [
            {
                name: "ingest",
                account: "producer",
                schedule: "rate(6 hours)",
                startOnEvent: { source: "lakewarden.ingest", detailType: "Ingest Batch Landed" },
                approvalTimeoutHours: 48,
                onDeny: "delete",
                reviewRetentionDays: 30,
                approverRoleArns: [steward, auditor],
                notification: { kind: "teams", webhookSecretName: "lakewarden/test/scan-ingest-webhook" },
            },
            { name: "orders", account: "producer", startOnEvent: { source: "lakewarden.orders", detailType: "Orders Exported" }, approverRoleArns: [steward] },
        ],
    }) as { pipelines: ScanPipeline[] }
).pipelines;

interface Doc {
    Statement: {
        Sid: string;
        Effect: string;
        Action: string[];
        Principal?: unknown;
        Resource?: string[];
        Condition?: Record<string, Record<string, unknown>>;
    }[];
}
const docOf = (value: unknown) => JSON.parse(String(value)) as Doc;
const arnOf = (bucket: string) => `arn:aws:s3:::lw-test-${producer}-eu-west-1-${bucket}`;
const fnArn = (fn: string) => `arn:aws:lambda:eu-west-1:${producer}:function:lakewarden-test-scan-ingest-${fn}`;
const lockTable = `arn:aws:dynamodb:eu-west-1:${producer}:table/lakewarden-test-scan-ingest-lock`;
const decisionTable = `arn:aws:dynamodb:eu-west-1:${producer}:table/lakewarden-test-scan-ingest-decisions`;
const topic = `arn:aws:sns:eu-west-1:${producer}:lakewarden-test-scan-ingest`;

function build(pipelines: ScanPipeline[], overrides: Partial<ScanStageArgs> = {}): void {
    const provider = new aws.Provider("producer", {
        region: scope.region,
        allowedAccountIds: [producer],
        assumeRoles: [{ roleArn: `arn:aws:iam::${producer}:role/lakewarden-deploy`, sessionName: "lakewarden-test" }],
        defaultTags: { tags: { project: "lakewarden" } },
    });
    const dataKey = new CustomerKey("data", { scope, purpose: "data", description: "data", viaServices: ["s3"] }, { provider });
    const logs = new SecureBucket("logs", { scope, purpose: "access-logs", key: dataKey, receivesAccessLogs: true }, { provider });
    const slr = new aws.iam.ServiceLinkedRole("macie-slr", { awsServiceName: "macie.amazonaws.com" }, { provider });
    const results = new ResultsRepository("results", { scope, key: dataKey, accessLogBucket: logs.bucket.id }, { provider });
    const quarantine = QuarantineBucketPolicy({
        environment: "test",
        accountId: producer,
        quarantinePrefix: "quarantine/",
        investigationRoleName: "lakewarden-test-investigator",
    });
    let first: ScanStage | undefined;
    for (const pipeline of pipelines) {
        const stage = new ScanStage(
            `scan-${pipeline.name}`,
            {
                scope,
                pipeline,
                accessLogBucket: logs.bucket.id,
                macieRole: { arn: macieSlr, resource: slr },
                results: { bucketName: results.bucket.name, prefix: results.prefix, key: dataKey },
                bucketOwner: "data-platform",
                scannedPolicyStatements: quarantine,
                apiLogging: first?.api.accountLogging ?? "create",
                ...overrides,
            },
            { provider },
        );
        first ??= stage;
    }
}

function named(recording: Recording, type: string, name: string): RecordedResource {
    const found = ofType(recording, type).find(r => r.props.name === name || r.props.bucket === name);
    assert.ok(found, `${type} ${name}`);
    return found;
}

function rolePolicyOf(recording: Recording, roleName: string): Record<string, Doc["Statement"][number]> {
    const policy = ofType(recording, "aws:iam/rolePolicy:RolePolicy").find(p => p.props.role === roleName);
    assert.ok(policy, `policy of ${roleName}`);
    return Object.fromEntries(docOf(policy.props.policy).Statement.map(s => [s.Sid, s]));
}

function keyPolicyOf(recording: Recording, description: string): Record<string, Doc["Statement"][number]> {
    const key = ofType(recording, "aws:kms/key:Key").find(k => k.props.description === description);
    assert.ok(key, description);
    return Object.fromEntries(docOf(key.props.policy).Statement.map(s => [s.Sid, s]));
}

function envOf(recording: Recording, fn: string): Record<string, string> {
    return (named(recording, "aws:lambda/function:Function", `lakewarden-test-scan-ingest-${fn}`).props.environment as { variables: Record<string, string> })
        .variables;
}

describe("Macie scan stage component (one per lakewarden:scanStage pipeline)", () => {
    let recording: Recording;
    before(async () => {
        recording = await recordComponent(() => build([ingest, orders]));
    });

    it("puts every resource in the pipeline's producer account", () => {
        const owned = recording.resources.filter(r => r.type.startsWith("aws:"));
        assert.ok(owned.length > 150, `${owned.length} resources`);
        for (const r of owned) assert.equal(r.accountId, producer, `${r.type} ${r.name}`);
    });

    it("makes landing, scan, review and scanned secure buckets on the stage key; only review expires, after the configured retention", () => {
        const stageKeyArn = (bucket: string) =>
            (
                named(recording, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket).props.rules as {
                    applyServerSideEncryptionByDefault: { kmsMasterKeyId: string; sseAlgorithm: string };
                }[]
            )[0].applyServerSideEncryptionByDefault;
        const lifecycle = (bucket: string) =>
            named(recording, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket).props.rules as {
                id: string;
                expiration?: { days: number };
                noncurrentVersionExpiration?: { noncurrentDays: number };
            }[];
        for (const which of ["landing", "scan", "review", "scanned"]) {
            const name = `lw-test-${producer}-eu-west-1-ingest-${which}`;
            const bucket = named(recording, "aws:s3/bucket:Bucket", name);
            assert.deepEqual(bucket.props.tags, { RequireMacieScan: which === "scanned" ? "True" : "False", BucketOwner: "data-platform" });
            assert.equal(stageKeyArn(name).sseAlgorithm, "aws:kms");
            const rules = lifecycle(name);
            const expires = rules.find(r => r.expiration);
            if (which === "review") {
                assert.equal(expires?.expiration?.days, 30);
                assert.equal(rules.find(r => r.noncurrentVersionExpiration)?.noncurrentVersionExpiration?.noncurrentDays, 30);
            } else {
                assert.equal(expires, undefined, `${which} never expires current objects`);
            }
            assert.equal(named(recording, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name).props.restrictPublicBuckets, true);
            const policy = docOf(named(recording, "aws:s3/bucketPolicy:BucketPolicy", name).props.policy);
            const sids = policy.Statement.map(s => s.Sid);
            assert.ok(sids.includes("DenyInsecureTransport") && sids.includes("DenyNonKmsEncryption"), which);
            assert.equal(
                sids.some(s => s.startsWith("Quarantine")),
                which === "scanned",
                `${which}: quarantine guard only on the published bucket`,
            );
        }
    });

    it("lets the producer's Macie service-linked role decrypt with the stage key, beside DynamoDB, SNS, S3 and the workflow's callers", () => {
        const key = keyPolicyOf(recording, "lakewarden test scan stage ingest");
        assert.deepEqual(key.MacieClassifiesObjects, {
            Sid: "MacieClassifiesObjects",
            Effect: "Allow",
            Principal: { AWS: [macieSlr] },
            Action: ["kms:Decrypt"],
            Resource: ["*"],
        });
        assert.deepEqual(key.DynamoDbTables.Condition, {
            StringEquals: { "kms:CallerAccount": producer, "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" },
        });
        assert.deepEqual(key.SnsTopics.Condition, { StringEquals: { "kms:CallerAccount": producer, "kms:ViaService": "sns.eu-west-1.amazonaws.com" } });
        assert.deepEqual(key.UseThroughServicesInAccount.Condition?.StringEquals, {
            "kms:CallerAccount": producer,
            // Secrets Manager for the notifier's webhook secret (ingest sets a notification).
            "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"],
        });
        assert.deepEqual(keyPolicyOf(recording, "lakewarden test scan stage orders").UseThroughServicesInAccount.Condition?.StringEquals, {
            "kms:CallerAccount": producer,
            "kms:ViaService": ["s3.eu-west-1.amazonaws.com"],
        });
        const machine = `arn:aws:states:eu-west-1:${producer}:stateMachine:lakewarden-test-scan-ingest`;
        assert.deepEqual(key.ApprovalApiCallsScanIngest, {
            Sid: "ApprovalApiCallsScanIngest",
            Effect: "Allow",
            Principal: { AWS: [`arn:aws:iam::${producer}:role/lakewarden-test-scan-ingest-decision-fn`] },
            Action: ["kms:GenerateDataKey"],
            Resource: ["*"],
            Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": machine } },
        });
        assert.deepEqual(key.StateMachineRoleScanIngest.Principal, { AWS: [`arn:aws:iam::${producer}:role/lakewarden-test-scan-ingest-sfn`] });
        const starters = [key.ScanIngestScheduleCallsScanIngest, key.ScanIngestStartCallsScanIngest].map(s => s.Principal);
        assert.deepEqual(starters, [
            { AWS: [`arn:aws:iam::${producer}:role/lakewarden-test-scan-ingest-schedule-starter`] },
            { AWS: [`arn:aws:iam::${producer}:role/lakewarden-test-scan-ingest-start-starter`] },
        ]);
        // The key waits for the Macie role it names (KMS rejects a policy naming a principal that does not exist yet).
        const stageKey = ofType(recording, "aws:kms/key:Key").find(k => k.props.description === "lakewarden test scan stage ingest");
        const slr = ofType(recording, "aws:iam/serviceLinkedRole:ServiceLinkedRole")[0];
        assert.ok(stageKey?.dependencies.includes(slr.urn));
        assert.equal(ofType(recording, "aws:iam/serviceLinkedRole:ServiceLinkedRole").length, 1, "no second Macie service-linked role");
    });

    it("keeps the run lock and the decision audit record in CMK tables with PITR, keyed as lambdas/scan-stage/tables.ts", () => {
        const lock = named(recording, "aws:dynamodb/table:Table", "lakewarden-test-scan-ingest-lock");
        const decisions = named(recording, "aws:dynamodb/table:Table", "lakewarden-test-scan-ingest-decisions");
        assert.equal(lock.props.hashKey, "pipeline");
        assert.equal(decisions.props.hashKey, "runId");
        for (const table of [lock, decisions]) {
            assert.deepEqual(table.props.pointInTimeRecovery, { enabled: true });
            assert.equal((table.props.serverSideEncryption as { enabled: boolean }).enabled, true);
            assert.match(String((table.props.serverSideEncryption as { kmsKeyArn: string }).kmsKeyArn), /:key\//);
        }
        assert.equal(decisions.props.deletionProtectionEnabled, true);
        assert.equal(decisions.opts.protect, true);
    });

    it("gives the run function the lock, the two buckets it lists, its Macie jobs, the findings and its own discovery results", () => {
        const run = rolePolicyOf(recording, "lakewarden-test-scan-ingest-run-fn");
        assert.deepEqual(Object.keys(run).sort(), [
            "CollectRuns",
            "DecryptDiscoveryResults",
            "ListDiscoveryResults",
            "LockRuns",
            "PollRunJobs",
            "ReadDiscoveryResults",
            "ReadRunFindings",
            "StartRunJobs",
            "TableKeyViaDynamoDb",
            "WriteOwnLogs",
        ]);
        assert.deepEqual(run.LockRuns.Resource, [lockTable]);
        assert.deepEqual(run.CollectRuns.Resource, [arnOf("ingest-landing"), arnOf("ingest-scan")]);
        assert.deepEqual(run.StartRunJobs, {
            Sid: "StartRunJobs",
            Effect: "Allow",
            Action: ["macie2:CreateClassificationJob", "macie2:TagResource"],
            Resource: [`arn:aws:macie2:eu-west-1:${producer}:classification-job/*`],
            Condition: { StringEquals: { "aws:RequestTag/lakewarden:pipeline": "ingest" } },
        });
        assert.deepEqual(run.PollRunJobs.Resource, [`arn:aws:macie2:eu-west-1:${producer}:classification-job/*`]);
        assert.deepEqual(run.ReadRunFindings, {
            Sid: "ReadRunFindings",
            Effect: "Allow",
            Action: ["macie2:GetFindings", "macie2:ListFindings"],
            Resource: ["*"],
        });
        const results = `macie-results/AWSLogs/${producer}/Macie/eu-west-1/`;
        assert.deepEqual(run.ListDiscoveryResults.Condition, { StringLike: { "s3:prefix": `${results}*` } });
        assert.deepEqual(run.ReadDiscoveryResults.Resource, [`${arnOf("macie-results")}/${results}*`]);
        assert.deepEqual(run.DecryptDiscoveryResults.Condition, {
            "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/lakewarden/test/data" },
            StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        });
        assert.deepEqual(envOf(recording, "run"), {
            POWERTOOLS_SERVICE_NAME: "scan-ingest-run",
            POWERTOOLS_METRICS_NAMESPACE: "lakewarden",
            LAKEWARDEN_ENVIRONMENT: "test",
            ACCOUNT_ID: producer,
            LANDING_BUCKET: `lw-test-${producer}-eu-west-1-ingest-landing`,
            SCAN_BUCKET: `lw-test-${producer}-eu-west-1-ingest-scan`,
            LOCK_TABLE: "lakewarden-test-scan-ingest-lock",
            RESULTS_BUCKET: `lw-test-${producer}-eu-west-1-macie-results`,
            RESULTS_PREFIX: "macie-results/",
            MAX_OBJECTS_PER_RUN: "500",
        });
    });

    it("lets the move function read and delete only sources, write only targets, and use the stage key through S3", () => {
        const move = rolePolicyOf(recording, "lakewarden-test-scan-ingest-move-fn");
        assert.deepEqual(
            move.ReadAndRemoveSources.Resource,
            ["ingest-landing", "ingest-scan", "ingest-review"].map(b => `${arnOf(b)}/*`),
        );
        assert.ok(move.ReadAndRemoveSources.Action.includes("s3:DeleteObjectVersion"));
        assert.deepEqual(
            move.WriteTargets.Resource,
            ["ingest-scan", "ingest-review", "ingest-scanned"].map(b => `${arnOf(b)}/*`),
        );
        assert.ok(!move.WriteTargets.Action.some(a => a.startsWith("s3:Delete")), "targets are never deleted from");
        assert.deepEqual(move.TagRunLeftovers.Resource, [`${arnOf("ingest-scan")}/*`]);
        assert.deepEqual(
            move.ListStageBuckets.Resource,
            ["landing", "scan", "review", "scanned"].map(b => arnOf(`ingest-${b}`)),
        );
        assert.deepEqual(move.StageKeyViaS3.Condition, {
            "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/lakewarden/test/scan-ingest" },
            StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        });
        const env = envOf(recording, "move");
        assert.equal(env.REVIEW_BUCKET, `lw-test-${producer}-eu-west-1-ingest-review`);
        assert.equal(env.SCANNED_BUCKET, `lw-test-${producer}-eu-west-1-ingest-scanned`);
    });

    it("lets the approval request record and notify, the approval API decide and resume, nothing more", () => {
        const request = rolePolicyOf(recording, "lakewarden-test-scan-ingest-approval-fn");
        assert.deepEqual(Object.keys(request).sort(), ["NotifyApprovers", "RecordPendingDecisions", "TableKeyViaDynamoDb", "TopicKeyViaSns", "WriteOwnLogs"]);
        assert.deepEqual(request.RecordPendingDecisions.Action, ["dynamodb:PutItem"]);
        assert.deepEqual(request.RecordPendingDecisions.Resource, [decisionTable]);
        assert.deepEqual(request.NotifyApprovers.Resource, [topic]);
        const env = envOf(recording, "approval");
        assert.equal(env.TOPIC_ARN, topic);
        assert.equal(env.REVIEW_BUCKET, `lw-test-${producer}-eu-west-1-ingest-review`);
        assert.match(env.APPROVAL_API_URL, /^https:\/\/.+\.execute-api\.eu-west-1\.amazonaws\.com\/v1$/);
        const decide = rolePolicyOf(recording, "lakewarden-test-scan-ingest-decision-fn");
        assert.deepEqual(Object.keys(decide).sort(), ["DecideRuns", "ResumeRuns", "TableKeyViaDynamoDb", "WriteOwnLogs"]);
        assert.deepEqual(decide.DecideRuns.Action, ["dynamodb:GetItem", "dynamodb:UpdateItem"]);
        assert.deepEqual(decide.ResumeRuns, { Sid: "ResumeRuns", Effect: "Allow", Action: ["states:SendTaskSuccess"], Resource: ["*"] });
        assert.equal(envOf(recording, "decision").APPROVER_ROLE_ARNS, [auditor, steward].join(","));
    });

    it("lets the deployed move role make every S3 request of the stage's moves, versioned tagging with both tagging actions", async () => {
        const policy = docOf(
            ofType(recording, "aws:iam/rolePolicy:RolePolicy").find(p => p.props.role === "lakewarden-test-scan-ingest-move-fn")?.props.policy,
        );
        const buckets = { landing: "", scan: "", review: "", scanned: "" };
        for (const b of Object.keys(buckets) as (keyof typeof buckets)[]) buckets[b] = `lw-test-${producer}-eu-west-1-ingest-${b}`;
        const KiB = 1024;
        // Scaled down so one object takes the multipart path (UploadPartCopy, CreateMultipartUpload with tags).
        const limits = { maxSingleCopyBytes: 256 * KiB, minPartBytes: 64 * KiB, maxParts: 10_000, maxBytesPerInvocation: 128 * KiB };
        const stage = stageS3(limits.maxSingleCopyBytes, buckets, producer);
        try {
            const client = new S3Client({ region: "eu-west-1", credentials: stage.session(policy as unknown as PolicyDoc) });
            const mover = new S3StageMover(client, new S3ObjectStore(client, producer, limits), producer, limits);
            const small = stage.s3.putObject(buckets.landing, "in/a.csv", Buffer.from("id\n1\n"), { tags: { source: "erp" } });
            const large = stage.s3.putObject(buckets.landing, "in/big.bin", Buffer.alloc(384 * KiB, 7), { tags: { source: "erp" } });
            const moved = await mover.move({ bucket: buckets.landing, key: "in/a.csv", versionId: small }, buckets.scan, { "lakewarden:scan-run": "r1" });
            assert.equal(moved.state, "MOVED");
            let big = await mover.move({ bucket: buckets.landing, key: "in/big.bin", versionId: large }, buckets.scan, { "lakewarden:scan-run": "r1" });
            for (let calls = 0; big.state === "PENDING" && calls < 20; calls++) {
                big = await mover.move(
                    { bucket: buckets.landing, key: "in/big.bin", versionId: large },
                    buckets.scan,
                    { "lakewarden:scan-run": "r1" },
                    big.resume,
                );
            }
            assert.equal(big.state, "MOVED");
            const inScan = moved.state === "MOVED" ? moved.versionId : "";
            await mover.tag({ bucket: buckets.scan, key: "in/a.csv", versionId: inScan }, { "lakewarden:scan-verdict": "SENSITIVE_DATA" });
            const reviewed = await mover.move({ bucket: buckets.scan, key: "in/a.csv", versionId: inScan }, buckets.review, {});
            assert.equal(reviewed.state, "MOVED");
            await mover.deleteVersion({ bucket: buckets.review, key: "in/a.csv", versionId: reviewed.state === "MOVED" ? reviewed.versionId : "" });
            const actions = new Set(stage.s3.requests.map(r => r.action));
            for (const needed of ["s3:GetObjectVersionTagging", "s3:PutObjectVersionTagging", "s3:PutObjectTagging", "s3:ListMultipartUploadParts"]) {
                assert.ok(actions.has(needed), `the moves exercised ${needed}`);
            }
            // Every request the fake authorised, and for a version's tags the unversioned action as well, allowed by the
            // role as the repository's IAM evaluation reads it.
            const also: Record<string, string> = { "s3:GetObjectVersionTagging": "s3:GetObjectTagging", "s3:PutObjectVersionTagging": "s3:PutObjectTagging" };
            const role = `arn:aws:iam::${producer}:role/lakewarden-test-scan-ingest-move-fn`;
            for (const { action, resource } of stage.s3.requests) {
                for (const a of [action, ...(also[action] ? [also[action]] : [])]) {
                    const context = { "aws:ResourceAccount": producer };
                    assert.equal(
                        evaluatePolicy(policy, { principal: { kind: "aws", arn: role, account: producer }, action: a, context }, resource),
                        "allowed",
                        `${a} ${resource}`,
                    );
                }
            }
        } finally {
            stage.fakes.restore();
        }
    });

    it("names only actions of the IAM catalogue, and Resource * only for actions AWS authorises on * alone", () => {
        const policies = ofType(recording, "aws:iam/rolePolicy:RolePolicy").filter(p => String(p.props.role).includes("scan-ingest"));
        assert.ok(policies.length >= 7, `${policies.length} role policies`);
        for (const policy of policies) {
            for (const statement of docOf(policy.props.policy).Statement) {
                for (const action of statement.Action) {
                    const found = lookupAction(action);
                    assert.ok(found.kind === "ok" && found.actions.length === 1, `${String(policy.props.role)}: ${action}`);
                    if (statement.Resource?.includes("*") && found.kind === "ok") {
                        const entry = found.actions[0];
                        assert.ok(
                            isWildcardOnly(entry) || (action.startsWith("logs:") && statement.Sid === "DeliverExecutionLogs"),
                            `${String(policy.props.role)} ${statement.Sid}: ${action} on *`,
                        );
                    }
                }
            }
        }
    });

    it("runs the scan-stage workflow with the pipeline's approval timeout and deny action, the run bounded to 7 days", () => {
        const machine = named(recording, "aws:sfn/stateMachine:StateMachine", "lakewarden-test-scan-ingest");
        const definition = JSON.parse(String(machine.props.definition)) as { TimeoutSeconds: number; States: Record<string, Record<string, unknown>> };
        assert.equal(definition.TimeoutSeconds, RUN_TIMEOUT_SECONDS);
        assert.equal(definition.States[ScanStates.RequestApproval].TimeoutSeconds, 48 * 3600);
        assert.ok(ScanStates.DeleteReviewed in definition.States, "onDeny delete");
        assert.equal((definition.States[ScanStates.BeginRun].Resource as string) ?? "", fnArn("run"));
        const other = named(recording, "aws:sfn/stateMachine:StateMachine", "lakewarden-test-scan-orders");
        const retained = JSON.parse(String(other.props.definition)) as { States: Record<string, unknown> };
        assert.ok(!(ScanStates.DeleteReviewed in retained.States), "onDeny retain (default) keeps reviewed objects");
        const sfn = rolePolicyOf(recording, "lakewarden-test-scan-ingest-sfn");
        assert.deepEqual(sfn.InvokeStageFunctions.Resource, [fnArn("approval"), fnArn("move"), fnArn("run")]);
        assert.deepEqual(sfn.ReleaseRunLock, { Sid: "ReleaseRunLock", Effect: "Allow", Action: ["dynamodb:DeleteItem"], Resource: [lockTable] });
        assert.deepEqual(sfn.ExpireDecisions.Resource, [decisionTable]);
        assert.deepEqual(sfn.ReportFailedRuns.Resource, [topic]);
    });

    it("starts runs on the schedule and on the previous stage's event, through starter roles that may only start this workflow", () => {
        const schedule = named(recording, "aws:cloudwatch/eventRule:EventRule", "lakewarden-test-scan-ingest-schedule");
        assert.equal(schedule.props.scheduleExpression, "rate(6 hours)");
        const start = named(recording, "aws:cloudwatch/eventRule:EventRule", "lakewarden-test-scan-ingest-start");
        assert.deepEqual(JSON.parse(String(start.props.eventPattern)), { source: ["lakewarden.ingest"], "detail-type": ["Ingest Batch Landed"] });
        const starts = (rule: unknown) => /^lakewarden-test-scan-\w+-(schedule|start)$/.test(String(rule));
        const targets = ofType(recording, "aws:cloudwatch/eventTarget:EventTarget").filter(
            t => String(t.props.rule).startsWith("lakewarden-test-scan-ingest") && starts(t.props.rule),
        );
        assert.equal(targets.length, 2);
        for (const target of targets) {
            assert.equal(target.props.arn, `arn:aws:states:eu-west-1:${producer}:stateMachine:lakewarden-test-scan-ingest`);
            assert.ok((target.props.deadLetterConfig as { arn: string }).arn);
        }
        assert.deepEqual(rolePolicyOf(recording, "lakewarden-test-scan-ingest-schedule-starter").StartWorkflow.Resource, [
            `arn:aws:states:eu-west-1:${producer}:stateMachine:lakewarden-test-scan-ingest`,
        ]);
        // The second pipeline has only an event start.
        const orders = ofType(recording, "aws:cloudwatch/eventRule:EventRule").filter(
            r => String(r.props.name).startsWith("lakewarden-test-scan-orders") && starts(r.props.name),
        );
        assert.deepEqual(
            orders.map(r => r.props.name),
            ["lakewarden-test-scan-orders-start"],
        );
    });

    it("takes decisions only by POST /runs/{runId}/decision, IAM-authorised, invocable by the approver roles alone", () => {
        const resources = ofType(recording, "aws:apigateway/resource:Resource").filter(r => r.name.startsWith("scan-ingest-api"));
        assert.deepEqual(
            resources.map(r => r.props.pathPart),
            ["runs", "{runId}", "decision"],
        );
        const method = ofType(recording, "aws:apigateway/method:Method").find(m => m.name === "scan-ingest-api");
        assert.equal(method?.props.httpMethod, "POST");
        assert.equal(method?.props.authorization, "AWS_IAM");
        const policy = docOf(ofType(recording, "aws:apigateway/restApiPolicy:RestApiPolicy").find(p => p.name === "scan-ingest-api")?.props.policy);
        const allow = policy.Statement.find(s => s.Effect === "Allow");
        assert.deepEqual(allow?.Principal, { AWS: [auditor, steward] });
        assert.deepEqual(allow?.Resource, ["execute-api:/*/POST/runs/*/decision"]);
        assert.deepEqual(policy.Statement.find(s => s.Effect === "Deny")?.Condition, { ArnNotLike: { "aws:PrincipalArn": [auditor, steward] } });
        const stage = ofType(recording, "aws:apigateway/stage:Stage").find(s => s.name === "scan-ingest-api");
        const accessLogs = stage?.props.accessLogSettings as { destinationArn: string; format: string };
        assert.match(accessLogs.destinationArn, /log-group:\/lakewarden\/apigateway\/lakewarden-test-scan-ingest-approvals/);
        assert.equal(JSON.parse(accessLogs.format).callerArn, "$context.identity.userArn");
        const permission = ofType(recording, "aws:lambda/permission:Permission").find(p => p.name === "scan-ingest-api");
        assert.match(String(permission?.props.sourceArn), /\/\*\/POST\/runs\/\*\/decision$/);
    });

    it("makes one API Gateway logging role and one Macie export configuration for the account, whatever the number of pipelines", () => {
        assert.equal(ofType(recording, "aws:apigateway/account:Account").length, 1);
        assert.equal(ofType(recording, "aws:macie2/classificationExportConfiguration:ClassificationExportConfiguration").length, 1);
        const later = ofType(recording, "aws:apigateway/stage:Stage").find(s => s.name === "scan-orders-api");
        const account = ofType(recording, "aws:apigateway/account:Account")[0];
        assert.ok(later?.dependencies.includes(account.urn), "the second API's stage waits for the account's logging role");
    });

    it("publishes approval requests and failures to a CMK topic only the stage's roles may publish to", () => {
        const topicResource = named(recording, "aws:sns/topic:Topic", "lakewarden-test-scan-ingest");
        assert.match(String(topicResource.props.kmsMasterKeyId), /:key\//);
        const policy = docOf(ofType(recording, "aws:sns/topicPolicy:TopicPolicy").find(p => p.name === "scan-ingest-topic")?.props.policy);
        assert.deepEqual(policy.Statement.find(s => s.Sid === "StagePublishers")?.Principal, {
            AWS: [`arn:aws:iam::${producer}:role/lakewarden-test-scan-ingest-approval-fn`, `arn:aws:iam::${producer}:role/lakewarden-test-scan-ingest-sfn`],
        });
    });

    it("reports runs that time out, are stopped or fail unreported to the stage's topic, as a RUN_FAILED body", () => {
        const rule = named(recording, "aws:cloudwatch/eventRule:EventRule", "lakewarden-test-scan-ingest-unreported");
        const machine = `arn:aws:states:eu-west-1:${producer}:stateMachine:lakewarden-test-scan-ingest`;
        assert.deepEqual(JSON.parse(String(rule.props.eventPattern)), {
            source: ["aws.states"],
            "detail-type": ["Step Functions Execution Status Change"],
            detail: {
                stateMachineArn: [machine],
                $or: [
                    { status: ["TIMED_OUT", "ABORTED"] },
                    { status: ["FAILED"], error: ["States.DataLimitExceeded", "States.Runtime", "ScanStage.FailureNotReported"] },
                    { status: ["FAILED"], error: [{ exists: false }] },
                ],
            },
        });
        const target = ofType(recording, "aws:cloudwatch/eventTarget:EventTarget").find(t => t.name === "scan-ingest-unreported");
        assert.ok(target, "the rule's target");
        const transformer = target.props.inputTransformer as { inputPaths: Record<string, string>; inputTemplate: string };
        assert.deepEqual(transformer.inputPaths, {
            runId: "$.detail.name",
            executionArn: "$.detail.executionArn",
            status: "$.detail.status",
            error: "$.detail.error",
            cause: "$.detail.cause",
        });
        // What EventBridge makes of it for a timed-out run (string variables are inserted as JSON strings, absent ones as null).
        const filled = transformer.inputTemplate
            .replace("<runId>", JSON.stringify("run-7"))
            .replace("<executionArn>", JSON.stringify(`arn:aws:states:eu-west-1:${producer}:execution:lakewarden-test-scan-ingest:run-7`))
            .replace("<status>", JSON.stringify("TIMED_OUT"))
            .replace("<error>", "null")
            .replace("<cause>", "null");
        assert.deepEqual(runFailureSchema.parse(JSON.parse(filled)), {
            event: "RUN_FAILED",
            pipeline: "ingest",
            runId: "run-7",
            executionArn: `arn:aws:states:eu-west-1:${producer}:execution:lakewarden-test-scan-ingest:run-7`,
            status: "TIMED_OUT",
            error: null,
            cause: null,
        });
        const policy = docOf(ofType(recording, "aws:sns/topicPolicy:TopicPolicy").find(p => p.name === "scan-ingest-topic")?.props.policy);
        const ruleArn = `arn:aws:events:eu-west-1:${producer}:rule/lakewarden-test-scan-ingest-unreported`;
        assert.deepEqual(
            policy.Statement.find(s => s.Sid === "UnreportedRunFailures"),
            {
                Sid: "UnreportedRunFailures",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: ["sns:Publish"],
                Resource: [topic],
                Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
            },
        );
        // EventBridge encrypts for the customer-key topic as the service, for this rule only.
        const key = keyPolicyOf(recording, "lakewarden test scan stage ingest");
        assert.deepEqual(key.EventBridgeEncryptedTargets.Condition, { ArnEquals: { "aws:SourceArn": [ruleArn] } });
        assert.deepEqual(key.EventBridgeEncryptedTargets.Action, ["kms:Decrypt", "kms:GenerateDataKey"]);
    });

    it("subscribes the Teams/Slack notifier to the topic of a pipeline with a notification, invocable by that topic alone", () => {
        const fn = named(recording, "aws:lambda/function:Function", "lakewarden-test-scan-ingest-notify");
        const secret = named(recording, "aws:secretsmanager/secret:Secret", "lakewarden/test/scan-ingest-webhook");
        assert.match(String(secret.props.kmsKeyId), /:key\//, "under the stage key");
        assert.ok(!("secretString" in secret.props), "no webhook URL in Pulumi state");
        assert.ok(envOf(recording, "notify").WEBHOOK_SECRET_ARN, "the notifier reads the secret the stage made");
        assert.ok(fn.props.deadLetterConfig, "SNS invokes it asynchronously: what fails is kept");
        const notifier = rolePolicyOf(recording, "lakewarden-test-scan-ingest-notify-fn");
        assert.deepEqual(notifier.ReadWebhookSecret.Resource, [
            `arn:aws:secretsmanager:eu-west-1:${producer}:secret:lakewarden/test/scan-ingest-webhook-??????`,
        ]);
        assert.deepEqual(notifier.DecryptWebhookSecret.Condition?.StringEquals?.["kms:ViaService"], "secretsmanager.eu-west-1.amazonaws.com");
        const permission = ofType(recording, "aws:lambda/permission:Permission").find(p => p.name === "scan-ingest-notify");
        assert.deepEqual([permission?.props.principal, permission?.props.sourceArn, permission?.props.sourceAccount], ["sns.amazonaws.com", topic, producer]);
        const subscription = ofType(recording, "aws:sns/topicSubscription:TopicSubscription").find(s => s.name === "scan-ingest-notify");
        assert.deepEqual([subscription?.props.protocol, subscription?.props.endpoint], ["lambda", fnArn("notify")]);
        assert.equal(subscription?.props.filterPolicy, undefined, "both notices reach it");
        assert.ok(permission && subscription?.dependencies.includes(permission.urn), "SNS may invoke it before it is subscribed");
        // A pipeline without a notification has neither function nor subscription.
        assert.equal(ofType(recording, "aws:lambda/function:Function").filter(f => f.props.name === "lakewarden-test-scan-orders-notify").length, 0);
        assert.equal(ofType(recording, "aws:sns/topicSubscription:TopicSubscription").filter(s => s.name.startsWith("scan-orders")).length, 0);
    });

    it("leaves no violation of the policy pack (prod config)", () => {
        const result = runPolicyPack(recording.resources, { configFile: path.join(__dirname, "../../policy/config/prod.json") });
        assert.deepEqual(
            result.violations.map(v => `${v.policyName}: ${v.resourceName}: ${v.message}`),
            [],
        );
        assert.ok(result.policiesRun > 50);
    });
});

describe("Macie scan stage component: refused arguments", () => {
    const refused = (pipeline: ScanPipeline, pattern: RegExp) =>
        assert.rejects(
            recordComponent(() => build([pipeline])),
            pattern,
        );

    it("refuses a pipeline that never starts", () => refused({ ...ingest, schedule: undefined, startOnEvent: undefined }, /no run would ever start/));

    it("refuses review objects that could expire while their run waits for a decision", () =>
        refused({ ...ingest, reviewRetentionDays: 7 }, /could expire while a run waits/));

    it("refuses an approval timeout that leaves the run no time", () => refused({ ...ingest, approvalTimeoutHours: 7 * 24 }, /leaves no time for the run/));
});

describe("Macie scan stage in the dev environment", () => {
    it("deploys every configured pipeline, its export configuration waiting for the producer's acceptance of the security account's invitation", async function () {
        this.timeout(300_000);
        const recording = await sharedStack("dev");
        const machines = ofType(recording, "aws:sfn/stateMachine:StateMachine").filter(m => String(m.props.name).includes("-scan-"));
        assert.deepEqual(
            machines.map(m => m.props.name),
            ["lakewarden-dev-scan-ingest"],
        );
        const exports = ofType(recording, "aws:macie2/classificationExportConfiguration:ClassificationExportConfiguration");
        const producerExport = exports.find(e => e.accountId === producer);
        assert.ok(producerExport, "the producer stores its own discovery results");
        assert.equal(accountComponentOf(recording, producerExport)?.type, "lakewarden:account:Producer");
        // Dev's security account invites the producer (prod owns the organisation's Macie delegation): the export waits for the acceptance.
        const enrolment = ofType(recording, "aws:macie2/member:Member").find(m => m.props.accountId === producer);
        const accepted = ofType(recording, "aws:macie2/invitationAccepter:InvitationAccepter").find(a => a.accountId === producer);
        assert.ok(enrolment && accepted && accepted.dependencies.includes(enrolment.urn), "the producer accepts the security account's invitation");
        assert.ok(producerExport.dependencies.includes(accepted.urn), "waits for Macie to be enabled in the producer");
        assert.equal(
            ofType(recording, "aws:iam/serviceLinkedRole:ServiceLinkedRole").filter(
                r => r.accountId === producer && r.props.awsServiceName === "macie.amazonaws.com",
            ).length,
            1,
        );
    });
});
