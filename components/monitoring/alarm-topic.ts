import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Conditions, policyDocument, type Statement } from "../../iam/documents";
import { cloudWatchAlarmsUse, eventBridgeEncryptedTargetsUse } from "../../iam/key-use";
import type { AccountScope } from "../../naming/resources";
import { movedFrom } from "../../pulumi/resource-options";
import { ruleArn } from "../events/event-trigger";
import type { CustomerKey } from "../kms/customer-key";

/**
 * The run states of a failed Glue job run. "Glue Job State Change" events are sent for SUCCEEDED, FAILED,
 * TIMEOUT and STOPPED (Glue developer guide, "Automating AWS Glue with EventBridge"); ERROR is the run state
 * of a workflow or trigger starting a deleted job (Glue developer guide, "AWS Glue job run statuses").
 */
const FAILED_RUN_STATES = ["ERROR", "FAILED", "STOPPED", "TIMEOUT"];

/** Glue Job State Change events of the jobs `jobName` matches (an EventBridge pattern list) in the given states. */
export function glueJobStatePattern(jobName: unknown[], states: string[]): Record<string, unknown> {
    return { source: ["aws.glue"], "detail-type": ["Glue Job State Change"], detail: { jobName, state: states } };
}

export interface AlarmTopicArgs {
    scope: AccountScope;
    /** Encrypts the topic; the topic declares the uses CloudWatch alarms and the failed-run rule need. */
    key: CustomerKey;
    /** The topic's name. */
    topicName: string;
    /** Failed runs of these Glue jobs reach the topic through an EventBridge rule of this name. */
    failedJobs: { ruleName: string; description: string; jobName: unknown[] };
    /** Names the children had under the component's parent before they moved here (the topic and its policy kept the component's name). */
    previousNames?: { failedJobs?: string };
}

/**
 * A customer-key SNS topic for a component's alarms: its policy lets this account's CloudWatch alarms and the
 * EventBridge rule on the component's failed Glue job runs publish, nothing else.
 */
export class AlarmTopic extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:monitoring:AlarmTopic", name, {}, opts);
        const { scope, key, topicName, failedJobs } = args;
        const { accountId, region } = scope;
        const previously = (previousName: string | undefined) => ({ parent: this, aliases: movedFrom(opts?.parent, previousName) });
        const topicArn = `arn:aws:sns:${region}:${accountId}:${topicName}`;
        const failedRuleArn = ruleArn(scope, failedJobs.ruleName);
        const publishes = (Sid: string, service: string, Condition: Conditions): Statement => ({
            Sid,
            Effect: "Allow",
            Principal: { Service: service },
            Action: ["sns:Publish"],
            Resource: [topicArn],
            Condition,
        });
        key.allow(eventBridgeEncryptedTargetsUse([failedRuleArn])).allow(cloudWatchAlarmsUse(scope));

        this.topic = new aws.sns.Topic(name, { name: topicName, kmsMasterKeyId: key.arn }, previously(name));
        this.arn = this.topic.arn;
        const failed = new aws.cloudwatch.EventRule(
            `${name}-job-failed`,
            {
                name: failedJobs.ruleName,
                description: failedJobs.description,
                eventPattern: JSON.stringify(glueJobStatePattern(failedJobs.jobName, FAILED_RUN_STATES)),
            },
            previously(args.previousNames?.failedJobs),
        );
        new aws.sns.TopicPolicy(
            name,
            {
                arn: this.topic.arn,
                policy: policyDocument([
                    publishes("FailedJobEvents", "events.amazonaws.com", { ArnEquals: { "aws:SourceArn": failedRuleArn } }),
                    publishes("CloudWatchAlarms", "cloudwatch.amazonaws.com", { StringEquals: { "aws:SourceAccount": accountId } }),
                ]),
            },
            previously(name),
        );
        new aws.cloudwatch.EventTarget(`${name}-job-failed`, { rule: failed.name, arn: this.topic.arn }, previously(args.previousNames?.failedJobs));
        this.registerOutputs({ topic: this.arn, failedJobsRule: failedJobs.ruleName });
    }
}

/** The metric an alarm watches, with the statistic and period (seconds) it is evaluated over. */
export interface WatchedMetric {
    namespace: string;
    metricName: string;
    dimensions: Record<string, pulumi.Input<string>>;
    statistic: "Maximum" | "Sum";
    period: number;
}

/**
 * The args of an alarm that fires when one period of the metric is above zero (no data is not a breach) and
 * notifies the topic, on recovery too unless `notifyRecovery` is false.
 */
export function metricAboveZeroAlarm(
    alarm: { name: string; description: pulumi.Input<string>; topicArn: pulumi.Input<string>; notifyRecovery?: boolean },
    metric: WatchedMetric,
): aws.cloudwatch.MetricAlarmArgs {
    return {
        name: alarm.name,
        alarmDescription: alarm.description,
        ...metric,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [alarm.topicArn],
        ...(alarm.notifyRecovery === false ? {} : { okActions: [alarm.topicArn] }),
    };
}
