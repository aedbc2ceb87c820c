import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { DataStoreDiscovery, sourceEventPattern } from "../../components/discovery/data-store-discovery";
import { readersByDatabase } from "../../plans/readers";
import { discoverySchema, type Discovery } from "../../config/discovery";
import { environmentFromConfig } from "../../config/environment";
import { runPolicyPack } from "../policy/helpers";
import { readStackConfig } from "../../tools/offline/stack-config";
import { ofType, recordComponent, type Recording } from "../helpers/program";
import { docOf } from "../helpers/documents";

const producer = "777788889999";
const scope = { environment: "test", accountId: producer, region: "eu-west-1" };
const settings = discoverySchema.parse({ producers: ["producer"] }) as Discovery;

function build(): void {
    const provider = new aws.Provider("producer", {
        region: scope.region,
        allowedAccountIds: [producer],
        assumeRoles: [{ roleArn: `arn:aws:iam::${producer}:role/lakewarden-deploy`, sessionName: "lakewarden-test" }],
        defaultTags: { tags: { project: "lakewarden" } },
    });
    new DataStoreDiscovery(
        "discovery",
        { scope, settings, accessLogBucket: "lw-test-logs", readers: readersByDatabase(environmentFromConfig("dev", readStackConfig("dev"))) },
        { provider },
    );
}

describe("DataStoreDiscovery component", () => {
    let recording: Recording;
    before(async () => {
        recording = await recordComponent(build);
    });
    const named = (type: string, name: string) => {
        const found = ofType(recording, type).find(r => r.props.name === name);
        assert.ok(found, `${type} ${name}`);
        return found;
    };

    it("queues CloudTrail creation and removal events on the customer key, with a dead-letter queue and partial batch responses", () => {
        const queue = named("aws:sqs/queue:Queue", "lakewarden-test-discovery-events");
        const dlq = named("aws:sqs/queue:Queue", "lakewarden-test-discovery-events-dlq");
        for (const q of [queue, dlq]) assert.match(String(q.props.kmsMasterKeyId), /:key\//);
        assert.equal(JSON.parse(String(queue.props.redrivePolicy)).maxReceiveCount, 5);
        const [mapping] = ofType(recording, "aws:lambda/eventSourceMapping:EventSourceMapping");
        assert.deepEqual(mapping.props.functionResponseTypes, ["ReportBatchItemFailures"]);
        const pattern = sourceEventPattern() as { detail: { eventName: string[] } };
        assert.deepEqual(pattern.detail.eventName, ["CreateBucket", "CreateDBCluster", "CreateTable", "DeleteBucket", "DeleteDBCluster", "DeleteTable"]);
        const rule = named("aws:cloudwatch/eventRule:EventRule", "lakewarden-test-discovery-source-events");
        assert.deepEqual(JSON.parse(String(rule.props.eventPattern)), pattern);
        const policy = ofType(recording, "aws:sqs/queuePolicy:QueuePolicy")
            .map(p => docOf(p.props.policy))
            .find(d => d.Statement[0].Sid === "EventBridgeSourceEvents");
        assert.ok(policy);
        assert.deepEqual(
            policy.Statement.map(st => st.Sid),
            ["EventBridgeSourceEvents", "DenyInsecureTransport"],
        );
        assert.deepEqual(policy.Statement[0].Condition, {
            ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-west-1:777788889999:rule/lakewarden-test-discovery-source-events" },
        });
    });

    it("runs the reporter on a PII job's success, never on a schedule; backfill, catalog and report are scheduled", () => {
        const rule = named("aws:cloudwatch/eventRule:EventRule", "lakewarden-test-discovery-pii-job-succeeded");
        assert.deepEqual(JSON.parse(String(rule.props.eventPattern)), {
            source: ["aws.glue"],
            "detail-type": ["Glue Job State Change"],
            detail: { jobName: [{ prefix: "lakewarden-test-pii-" }], state: ["SUCCEEDED"] },
        });
        const scheduled = ofType(recording, "aws:cloudwatch/eventRule:EventRule")
            .filter(r => r.props.scheduleExpression)
            .map(r => r.props.name)
            .sort();
        assert.deepEqual(scheduled, [
            "lakewarden-test-discovery-backfill-schedule",
            "lakewarden-test-discovery-catalog-schedule",
            "lakewarden-test-discovery-ropa-schedule",
        ]);
    });

    it("keeps the state and report tables on the customer key with PITR; the state table has the status index", () => {
        const state = named("aws:dynamodb/table:Table", "lakewarden-test-discovery-state");
        assert.equal(state.props.hashKey, "arn");
        assert.deepEqual(state.props.globalSecondaryIndexes, [{ name: "status-index", hashKey: "status", projectionType: "ALL" }]);
        const report = named("aws:dynamodb/table:Table", "lakewarden-test-discovery-record-of-processing");
        assert.equal(report.props.rangeKey, "reportDate");
        for (const t of [state, report]) {
            assert.deepEqual(t.props.pointInTimeRecovery, { enabled: true });
            assert.match(String((t.props.serverSideEncryption as { kmsKeyArn: string }).kmsKeyArn), /:key\//);
        }
    });

    it("encrypts everything Glue writes and gives the Glue roles inline, scoped policies only", () => {
        const [config] = ofType(recording, "aws:glue/securityConfiguration:SecurityConfiguration");
        const encryption = config.props.encryptionConfiguration as Record<string, Record<string, string>>;
        assert.equal(encryption.s3Encryption.s3EncryptionMode, "SSE-KMS");
        assert.equal(encryption.cloudwatchEncryption.cloudwatchEncryptionMode, "SSE-KMS");
        assert.equal(encryption.jobBookmarksEncryption.jobBookmarksEncryptionMode, "CSE-KMS");
        assert.equal(ofType(recording, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0, "no managed policies (AWSGlueServiceRole is broad)");
        for (const role of ["lakewarden-test-discovery-crawler", "lakewarden-test-discovery-pii-job"]) {
            const policy = ofType(recording, "aws:iam/rolePolicy:RolePolicy").find(p => p.props.role === role);
            assert.ok(policy, role);
            const doc = docOf(policy.props.policy);
            for (const s of doc.Statement) assert.ok(!s.Action.some(a => a.endsWith(":*")), `${role} ${s.Sid}`);
            const writes = doc.Statement.filter(s => s.Action.includes("s3:PutObject"));
            for (const s of writes)
                assert.ok(
                    s.Resource?.every(r => r.includes("-discovery/")),
                    `${role} writes only to the discovery bucket`,
                );
        }
        const scripts = ofType(recording, "aws:s3/bucketObjectv2:BucketObjectv2")
            .map(o => o.props.key)
            .sort();
        assert.deepEqual(scripts, ["glue/pii_detection/core.py", "glue/pii_detection/job.py"]);
    });

    it("alarms on the dead-letter queue, failed runs and model disagreements; the LF-tag exists and the reporter may assign it", () => {
        const alarms = ofType(recording, "aws:cloudwatch/metricAlarm:MetricAlarm")
            .map(a => a.props.name)
            .sort();
        assert.ok(alarms.includes("lakewarden-test-discovery-dlq-depth"));
        assert.ok(alarms.includes("lakewarden-test-discovery-disagreements"));
        const failed = named("aws:cloudwatch/eventRule:EventRule", "lakewarden-test-discovery-pii-job-failed");
        // The failed-run states the alarm topic shares with sanitisation (AlarmTopic), in sorted order.
        assert.deepEqual((JSON.parse(String(failed.props.eventPattern)) as { detail: { state: string[] } }).detail.state, [
            "ERROR",
            "FAILED",
            "STOPPED",
            "TIMEOUT",
        ]);
        const [tag] = ofType(recording, "aws:lakeformation/lfTag:LfTag");
        assert.deepEqual(tag.props.values, ["false", "true"]);
        const [grant] = ofType(recording, "aws:lakeformation/permissions:Permissions");
        assert.equal(grant.props.principal, "arn:aws:iam::777788889999:role/lakewarden-test-discovery-reporter-fn");
        assert.deepEqual(grant.props.permissions, ["ASSOCIATE", "DESCRIBE"]);
    });

    it("has a dashboard of sources, detections, record gaps and dead letters", () => {
        const [dashboard] = ofType(recording, "aws:cloudwatch/dashboard:Dashboard");
        const titles = (JSON.parse(String(dashboard.props.dashboardBody)) as { widgets: { properties: { title: string } }[] }).widgets.map(
            w => w.properties.title,
        );
        assert.deepEqual(titles, ["Sources seen (intake)", "Catalog runs", "PII detection", "Record of processing (art. 30)", "Dead-letter queue"]);
    });

    it("passes the policy pack with no violation", () => {
        const result = runPolicyPack(recording.resources, { configFile: path.join(__dirname, "../../policy/config/prod.json") });
        assert.deepEqual(
            result.violations.map(v => `${v.policyName}: ${v.resourceName}: ${v.message}`),
            [],
        );
    });
});
