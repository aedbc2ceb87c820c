import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CustomerKey } from "../../components/kms/customer-key";
import { AlarmTopic, metricAboveZeroAlarm } from "../../components/monitoring/alarm-topic";
import { ofType, recordComponent, type Recording } from "../helpers/program";
import { docOf } from "../helpers/documents";

const account = "777788889999";
const scope = { environment: "test", accountId: account, region: "eu-west-1" };
const topicArn = `arn:aws:sns:eu-west-1:${account}:lakewarden-test-jobs-alarms`;
const ruleArn = `arn:aws:events:eu-west-1:${account}:rule/lakewarden-test-jobs-failed`;

/** A component that used to make the topic and the rule itself, as discovery and sanitisation did. */
class Owner extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:test:Owner", name, {}, opts);
        const key = new CustomerKey(`${name}-key`, { scope, purpose: "jobs", description: "jobs" }, { parent: this });
        const alarms = new AlarmTopic(
            `${name}-alarms`,
            {
                scope,
                key,
                topicName: "lakewarden-test-jobs-alarms",
                failedJobs: { ruleName: "lakewarden-test-jobs-failed", description: "A job run failed", jobName: ["job-b", "job-a"] },
                previousNames: { failedJobs: `${name}-job-failed` },
            },
            { parent: this },
        );
        new aws.cloudwatch.MetricAlarm(
            `${name}-errors`,
            metricAboveZeroAlarm(
                { name: "lakewarden-test-jobs-errors", description: "the job failed", topicArn: alarms.arn },
                { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: "f" }, statistic: "Sum", period: 300 },
            ),
            { parent: this },
        );
        new aws.cloudwatch.MetricAlarm(
            `${name}-quiet`,
            metricAboveZeroAlarm(
                { name: "lakewarden-test-jobs-quiet", description: "failures only", topicArn: alarms.arn, notifyRecovery: false },
                { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: "g" }, statistic: "Sum", period: 3600 },
            ),
            { parent: this },
        );
    }
}

describe("AlarmTopic component (discovery and sanitisation alarms)", () => {
    let recording: Recording;
    before(async () => {
        recording = await recordComponent(() => {
            const provider = new aws.Provider("producer", { region: scope.region, allowedAccountIds: [account] });
            new Owner("owner", { provider });
        });
    });
    const single = (type: string) => {
        const found = ofType(recording, type);
        assert.equal(found.length, 1, type);
        return found[0];
    };

    it("lets only this account's CloudWatch alarms and the failed-run rule publish to the customer-key topic", () => {
        assert.ok(String(single("aws:sns/topic:Topic").props.kmsMasterKeyId).length > 0);
        const doc = docOf(single("aws:sns/topicPolicy:TopicPolicy").props.policy);
        assert.deepEqual(
            doc.Statement.map(s => [s.Sid, s.Principal, s.Action, s.Resource, s.Condition]),
            [
                ["FailedJobEvents", { Service: "events.amazonaws.com" }, ["sns:Publish"], [topicArn], { ArnEquals: { "aws:SourceArn": ruleArn } }],
                ["CloudWatchAlarms", { Service: "cloudwatch.amazonaws.com" }, ["sns:Publish"], [topicArn], { StringEquals: { "aws:SourceAccount": account } }],
            ],
        );
    });

    it("declares the key uses its publishers need: CloudWatch alarms of the account and the rule's encrypted target", () => {
        const statements = Object.fromEntries(docOf(single("aws:kms/key:Key").props.policy).Statement.map(s => [s.Sid, s]));
        assert.deepEqual(statements.EventBridgeEncryptedTargets.Condition, { ArnEquals: { "aws:SourceArn": [ruleArn] } });
        assert.deepEqual(statements.CloudWatchAlarmsPublish.Condition, { StringEquals: { "aws:SourceAccount": account } });
    });

    it("sends failed, timed-out, stopped and errored runs of exactly the given jobs to the topic", () => {
        const rule = single("aws:cloudwatch/eventRule:EventRule");
        assert.equal(rule.props.name, "lakewarden-test-jobs-failed");
        assert.deepEqual(JSON.parse(String(rule.props.eventPattern)), {
            source: ["aws.glue"],
            "detail-type": ["Glue Job State Change"],
            detail: { jobName: ["job-b", "job-a"], state: ["ERROR", "FAILED", "STOPPED", "TIMEOUT"] },
        });
        assert.equal(single("aws:cloudwatch/eventTarget:EventTarget").props.rule, "lakewarden-test-jobs-failed");
    });

    it("keeps the URNs its children had under their previous parent as aliases", () => {
        const owner = "urn:pulumi:test::lakewarden::lakewarden:test:Owner";
        const aliases = (type: string) => single(type).opts.aliases;
        assert.ok(aliases("aws:sns/topic:Topic").includes(`${owner}$aws:sns/topic:Topic::owner-alarms`));
        assert.ok(aliases("aws:sns/topicPolicy:TopicPolicy").includes(`${owner}$aws:sns/topicPolicy:TopicPolicy::owner-alarms`));
        assert.ok(aliases("aws:cloudwatch/eventRule:EventRule").includes(`${owner}$aws:cloudwatch/eventRule:EventRule::owner-job-failed`));
        assert.ok(aliases("aws:cloudwatch/eventTarget:EventTarget").includes(`${owner}$aws:cloudwatch/eventTarget:EventTarget::owner-job-failed`));
    });

    it("builds alarms that fire on one period above zero, treat no data as fine, and notify recovery unless told not to", () => {
        const alarms = Object.fromEntries(ofType(recording, "aws:cloudwatch/metricAlarm:MetricAlarm").map(a => [a.props.name, a.props]));
        const errors = alarms["lakewarden-test-jobs-errors"];
        assert.equal(errors.comparisonOperator, "GreaterThanThreshold");
        assert.equal(errors.threshold, 0);
        assert.equal(errors.evaluationPeriods, 1);
        assert.equal(errors.treatMissingData, "notBreaching");
        assert.equal(errors.period, 300);
        assert.equal(errors.statistic, "Sum");
        assert.deepEqual(errors.dimensions, { FunctionName: "f" });
        assert.equal((errors.alarmActions as string[]).length, 1);
        assert.deepEqual(errors.okActions, errors.alarmActions);
        const quiet = alarms["lakewarden-test-jobs-quiet"];
        assert.equal(quiet.okActions, undefined);
        assert.deepEqual(quiet.alarmActions, errors.alarmActions);
    });
});
