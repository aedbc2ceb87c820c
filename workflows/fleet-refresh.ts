/**
 * The fleet-refresh state machine: roll a new hardened AMI onto the ECS Auto Scaling groups of one
 * account in waves, and stop at the first wave that does not come back healthy.
 *
 *   DiscoverFleet -> CreateLaunchTemplateVersions -> for each wave, in order:
 *     RefreshWave (Map, MaxConcurrency from config; per group: start refresh, poll with backoff until
 *     terminal, roll back on timeout, notify) -> any group not Successful? halt
 *     -> BakeWave -> CheckAlarms (any configured alarm in ALARM? halt) -> next wave
 *
 * Every group of a wave is followed until its refresh ends, so a halt never abandons a refresh
 * half-observed; the waves after a failed one are never started. Lambda tasks retry transient
 * errors and catch everything else into a notified failure.
 */
import { z } from "zod";
import { MAX_GROUPS_PER_RUN } from "../contracts/fleet-refresh";
import { maxGroupsWithin, worstCaseHistoryEvents } from "./fleet-refresh-history";
import { DISCOVERY_PERMANENT_ERRORS } from "../lambdas/fleet-discovery/errors";
import type { RolePolicyStatement } from "../lambdas/fleet-discovery/role-policy";
import { pollingSchema, refreshPreferencesSchema } from "../lambdas/instance-refresh/request";
import { REFRESH_PERMANENT_ERRORS } from "../lambdas/instance-refresh/errors";
import { PREPARATION_PERMANENT_ERRORS } from "../lambdas/launch-template-version/errors";
import {
    MAX_HISTORY_EVENTS,
    catchAll,
    type ChoiceRule,
    lambdaTask,
    type MapState,
    type PassState,
    type PayloadTemplate,
    retryUnless,
    type State,
    type StateMachineDefinition,
    type TaskState,
} from "./asl";

const lambdaArn = z
    .string()
    .regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/, "must be a Lambda function ARN");

const waveSize = z.number().int().min(1).max(100);

const fleetRefreshConfigSchema = z
    .object({
        functions: z.object({ discovery: lambdaArn, launchTemplateVersion: lambdaArn, instanceRefresh: lambdaArn }),
        notificationTopicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN"),
        selection: z.object({
            // Never empty: a selector without tags would refresh every cluster in the account.
            requiredClusterTags: z.record(z.string().min(1).max(128), z.string().max(256)).refine(tags => Object.keys(tags).length > 0, {
                message: "needs at least one tag",
            }),
            requireManagedDraining: z.boolean().default(true),
        }),
        waves: z
            .object({
                size: waveSize,
                firstWaveSize: waveSize.optional(),
                /** Groups of one wave refreshed at the same time; defaults to the wave size. */
                maxConcurrency: z.number().int().min(1).max(40).optional(),
                /** Observation time after a wave before the alarms are checked and the next wave starts. */
                bakeSeconds: z.number().int().min(0).max(86_400),
            })
            .refine(w => w.maxConcurrency === undefined || w.maxConcurrency <= Math.max(w.size, w.firstWaveSize ?? 0), {
                message: "maxConcurrency cannot exceed the largest wave",
            }),
        refresh: refreshPreferencesSchema,
        polling: pollingSchema,
        /**
         * Discovery refuses a larger fleet (FleetTooLarge). Defaults to the largest fleet whose worst case
         * stays under the 25,000-event history quota with this polling (MAX_GROUPS_PER_RUN with the default).
         */
        maxGroupsPerRun: z.number().int().min(1).max(MAX_GROUPS_PER_RUN).optional(),
        executionTimeoutSeconds: z.number().int().min(3600).max(31_536_000).default(259_200),
    })
    .superRefine((config, context) => {
        const fits = maxGroupsWithin(config.polling);
        if (fits === 0) {
            context.addIssue({
                code: "custom",
                path: ["polling"],
                message: `one group polled to this timeout and rolled back makes ${worstCaseHistoryEvents(1, config.polling)} history events, over the ${MAX_HISTORY_EVENTS} quota`,
            });
        } else if (config.maxGroupsPerRun !== undefined && config.maxGroupsPerRun > fits) {
            context.addIssue({
                code: "custom",
                path: ["maxGroupsPerRun"],
                message: `at most ${fits} with this polling: ${config.maxGroupsPerRun} groups polled to their deadlines make ${worstCaseHistoryEvents(config.maxGroupsPerRun, config.polling)} history events, over the ${MAX_HISTORY_EVENTS} quota`,
            });
        }
    })
    .transform(config => ({ ...config, maxGroupsPerRun: config.maxGroupsPerRun ?? Math.min(MAX_GROUPS_PER_RUN, maxGroupsWithin(config.polling)) }));

export type FleetRefreshConfig = z.input<typeof fleetRefreshConfigSchema>;

/** `event` message attribute of every notification, for SNS subscription filter policies. */
export const NotificationEvent = {
    nothingToRefresh: "NOTHING_TO_REFRESH",
    rolloutStarted: "ROLLOUT_STARTED",
    groupSucceeded: "GROUP_SUCCEEDED",
    groupFailed: "GROUP_FAILED",
    groupRolledBack: "GROUP_ROLLED_BACK",
    groupRollbackFailed: "GROUP_ROLLBACK_FAILED",
    rolloutHalted: "ROLLOUT_HALTED",
    rolloutSucceeded: "ROLLOUT_SUCCEEDED",
    rolloutFailed: "ROLLOUT_FAILED",
} as const;
export type NotificationEvent = (typeof NotificationEvent)[keyof typeof NotificationEvent];

/** State names: task overrides in tests and the bench address states by these. */
export const FleetState = {
    discover: "DiscoverFleet",
    anyGroups: "AnyGroupsToRefresh",
    composeNothing: "ComposeNothingToRefresh",
    notifyNothing: "NotifyNothingToRefresh",
    nothing: "NothingToRefresh",
    createVersions: "CreateLaunchTemplateVersions",
    startLoop: "StartWaveLoop",
    composeStarted: "ComposeRolloutStarted",
    notifyStarted: "NotifyRolloutStarted",
    moreWaves: "MoreWaves",
    selectWave: "SelectWave",
    refreshWave: "RefreshWave",
    judgeWave: "JudgeWave",
    waveFailed: "WaveFailed",
    bakeWave: "BakeWave",
    checkAlarms: "CheckAlarms",
    alarmsQuiet: "AlarmsQuiet",
    nextWave: "NextWave",
    composeWaveHalted: "ComposeWaveHalted",
    composeAlarmHalted: "ComposeAlarmHalted",
    notifyHalted: "NotifyRolloutHalted",
    halted: "RolloutHalted",
    composeSucceeded: "ComposeRolloutSucceeded",
    notifySucceeded: "NotifyRolloutSucceeded",
    succeeded: "RolloutSucceeded",
    composeFailed: "ComposeRolloutFailed",
    notifyFailed: "NotifyRolloutFailed",
    failed: "RolloutFailed",
    // Inside RefreshWave, once per group.
    startRefresh: "StartRefresh",
    waitForRefresh: "WaitForRefresh",
    describeRefresh: "DescribeRefresh",
    refreshOutcome: "RefreshOutcome",
    requestRollback: "RequestRollback",
    composeGroupSucceeded: "ComposeGroupSucceeded",
    composeGroupFailed: "ComposeGroupFailed",
    composeGroupRolledBack: "ComposeGroupRolledBack",
    composeGroupRollbackFailed: "ComposeGroupRollbackFailed",
    composeGroupError: "ComposeGroupError",
    notifyGroup: "NotifyGroupOutcome",
    groupResult: "GroupResult",
} as const;

export const SNS_PUBLISH = "arn:aws:states:::sns:publish";
export const DESCRIBE_ALARMS = "arn:aws:states:::aws-sdk:cloudwatch:describeAlarms";

// --- building blocks ---

const S = FleetState;
const LAMBDA_TIMEOUT_SECONDS = { discover: 300, versions: 300, refresh: 60 } as const;

/** `resultPath` undefined: the Parameters become the whole state. */
function pass(parameters: PayloadTemplate, resultPath: string | undefined, next: string, comment?: string): PassState {
    return {
        Type: "Pass",
        ...(comment ? { Comment: comment } : {}),
        Parameters: parameters,
        ...(resultPath !== undefined ? { ResultPath: resultPath } : {}),
        Next: next,
    };
}

/**
 * Publishes the notice a Compose state left at $.notice. A notification that cannot be delivered is
 * recorded at $.notificationError and does not change the course of the rollout.
 */
function publish(topicArn: string, next: string): TaskState {
    return {
        Type: "Task",
        Resource: SNS_PUBLISH,
        Parameters: {
            TopicArn: topicArn,
            "Subject.$": "$.notice.subject",
            "Message.$": "States.JsonToString($.notice)",
            MessageAttributes: { event: { DataType: "String", "StringValue.$": "$.notice.event" } },
        },
        ResultPath: null,
        TimeoutSeconds: 30,
        Retry: retryUnless([]),
        Catch: catchAll(next, "$.notificationError"),
        Next: next,
    };
}

function notice(event: NotificationEvent, subject: string, fields: PayloadTemplate): PayloadTemplate {
    return { event, subject: `lakewarden fleet refresh: ${subject}`, "execution.$": "$$.Execution.Id", ...fields };
}

const GROUP_FIELDS: PayloadTemplate = {
    "imageId.$": "$.imageId",
    "waveIndex.$": "$.waveIndex",
    "clusterName.$": "$.group.clusterName",
    "autoScalingGroupName.$": "$.group.autoScalingGroupName",
    "launchTemplateId.$": "$.group.launchTemplate.launchTemplateId",
    "sourceVersion.$": "$.group.sourceVersion",
    "targetVersion.$": "$.group.targetVersion",
};

const REFRESH_FIELDS: PayloadTemplate = {
    "instanceRefreshId.$": "$.refresh.instanceRefreshId",
    "status.$": "$.refresh.status",
    "statusReason.$": "$.refresh.statusReason",
    "percentageComplete.$": "$.refresh.percentageComplete",
    "rollbackRequested.$": "$.refresh.rollbackRequested",
};

function composeGroup(event: NotificationEvent, verdict: "OK" | "FAILED", subject: string, extra: PayloadTemplate): PassState {
    return pass({ ...notice(event, subject, { ...GROUP_FIELDS, ...extra }), verdict }, "$.notice", S.notifyGroup);
}

/** Why the remaining waves will not start, with the wave that stopped them. */
function composeHalted(reason: "wave-failed" | "alarm", subject: string, detail: PayloadTemplate): PassState {
    return pass(
        notice(NotificationEvent.rolloutHalted, `rollout HALTED, ${subject}`, {
            reason,
            "imageId.$": "$.imageId",
            "waveIndex.$": "$.rollout.index",
            "waveCount.$": "$.rollout.count",
            ...detail,
        }),
        "$.notice",
        S.notifyHalted,
    );
}

function outcomeIs(outcome: string): ChoiceRule {
    return { Variable: "$.refresh.outcome", StringEquals: outcome };
}

type Settings = z.output<typeof fleetRefreshConfigSchema>;

/** One group: start, poll until the refresh ends (rolling back once on timeout), notify, report a verdict. */
function groupProcessor(config: Settings): MapState["ItemProcessor"] {
    const fn = config.functions.instanceRefresh;
    const refreshPermanent = [...REFRESH_PERMANENT_ERRORS, ...DISCOVERY_PERMANENT_ERRORS];
    const polling = { ...config.polling };
    const states: Record<string, State> = {
        [S.startRefresh]: lambdaTask({
            comment: "Adopts this run's own refresh if a retried start finds it already running.",
            functionArn: fn,
            payload: { action: "start", "group.$": "$.group", preferences: { ...config.refresh }, polling },
            resultPath: "$.refresh",
            timeoutSeconds: LAMBDA_TIMEOUT_SECONDS.refresh,
            permanentErrors: refreshPermanent,
            next: S.waitForRefresh,
            onError: S.composeGroupError,
        }),
        [S.waitForRefresh]: {
            Type: "Wait",
            Comment: "Backoff computed by the refresh Lambda.",
            SecondsPath: "$.refresh.nextPollSeconds",
            Next: S.describeRefresh,
        },
        [S.describeRefresh]: lambdaTask({
            functionArn: fn,
            payload: { action: "describe", "tracking.$": "$.refresh", polling },
            resultPath: "$.refresh",
            timeoutSeconds: LAMBDA_TIMEOUT_SECONDS.refresh,
            permanentErrors: refreshPermanent,
            next: S.refreshOutcome,
            onError: S.composeGroupError,
        }),
        [S.refreshOutcome]: {
            Type: "Choice",
            Choices: [
                { ...outcomeIs("InProgress"), Next: S.waitForRefresh },
                { ...outcomeIs("Successful"), Next: S.composeGroupSucceeded },
                { ...outcomeIs("RollbackSuccessful"), Next: S.composeGroupRolledBack },
                { ...outcomeIs("RollbackFailed"), Next: S.composeGroupRollbackFailed },
                { And: [outcomeIs("TimedOut"), { Variable: "$.refresh.rollbackRequested", BooleanEquals: false }], Next: S.requestRollback },
            ],
            // Failed, Cancelled, or a rollback that itself timed out.
            Default: S.composeGroupFailed,
        },
        [S.requestRollback]: lambdaTask({
            comment: "The refresh outlived polling.timeoutSeconds: ask Auto Scaling to restore the previous version.",
            functionArn: fn,
            payload: { action: "rollback", "tracking.$": "$.refresh", polling },
            resultPath: "$.refresh",
            timeoutSeconds: LAMBDA_TIMEOUT_SECONDS.refresh,
            permanentErrors: refreshPermanent,
            next: S.waitForRefresh,
            onError: S.composeGroupError,
        }),
        [S.composeGroupSucceeded]: composeGroup(NotificationEvent.groupSucceeded, "OK", "group refreshed", REFRESH_FIELDS),
        [S.composeGroupRolledBack]: composeGroup(NotificationEvent.groupRolledBack, "FAILED", "group rolled back", REFRESH_FIELDS),
        [S.composeGroupRollbackFailed]: composeGroup(NotificationEvent.groupRollbackFailed, "FAILED", "group rollback FAILED", REFRESH_FIELDS),
        [S.composeGroupFailed]: composeGroup(NotificationEvent.groupFailed, "FAILED", "group refresh failed", REFRESH_FIELDS),
        [S.composeGroupError]: composeGroup(NotificationEvent.groupFailed, "FAILED", "group refresh failed", { "error.$": "$.error" }),
        [S.notifyGroup]: publish(config.notificationTopicArn, S.groupResult),
        [S.groupResult]: {
            Type: "Pass",
            Parameters: {
                "clusterName.$": "$.group.clusterName",
                "autoScalingGroupName.$": "$.group.autoScalingGroupName",
                "event.$": "$.notice.event",
                "verdict.$": "$.notice.verdict",
            },
            End: true,
        },
    };
    return { ProcessorConfig: { Mode: "INLINE" }, StartAt: S.startRefresh, States: states };
}

/** After a wave's bake time: if any configured alarm is in ALARM, the next wave does not start. */
function alarmGate(config: Settings): Record<string, State> {
    return {
        [S.checkAlarms]: {
            Type: "Task",
            Resource: DESCRIBE_ALARMS,
            Parameters: { AlarmNames: [...config.refresh.alarmNames], AlarmTypes: ["MetricAlarm", "CompositeAlarm"], StateValue: "ALARM" },
            ResultSelector: {
                "metric.$": "States.ArrayLength($.MetricAlarms)",
                "composite.$": "States.ArrayLength($.CompositeAlarms)",
                "metricAlarms.$": "$.MetricAlarms",
                "compositeAlarms.$": "$.CompositeAlarms",
            },
            ResultPath: "$.alarms",
            TimeoutSeconds: 30,
            Retry: retryUnless([]),
            // Cannot tell whether the fleet is healthy: stop rather than continue blind.
            Catch: catchAll(S.composeFailed),
            Next: S.alarmsQuiet,
        },
        [S.alarmsQuiet]: {
            Type: "Choice",
            Choices: [
                {
                    Or: [
                        { Variable: "$.alarms.metric", NumericGreaterThan: 0 },
                        { Variable: "$.alarms.composite", NumericGreaterThan: 0 },
                    ],
                    Next: S.composeAlarmHalted,
                },
            ],
            Default: S.nextWave,
        },
        [S.composeAlarmHalted]: composeHalted("alarm", "alarm after a wave", { "alarms.$": "$.alarms" }),
    };
}

export function buildFleetRefreshDefinition(input: FleetRefreshConfig): StateMachineDefinition {
    const parsed = fleetRefreshConfigSchema.safeParse(input);
    if (!parsed.success) throw new Error(`invalid fleet refresh configuration:\n${z.prettifyError(parsed.error)}`);
    const config = parsed.data;
    const topic = config.notificationTopicArn;
    const requiredClusterTags = Object.entries(config.selection.requiredClusterTags)
        .sort(([a], [b]) => a.localeCompare(b, "en"))
        .map(([key, value]) => ({ key, value }));
    const gated = config.refresh.alarmNames.length > 0;

    const states: Record<string, State> = {
        [S.discover]: lambdaTask({
            comment: "Resolves and vets the AMI, finds the tagged clusters' EC2 Auto Scaling groups, plans the waves.",
            functionArn: config.functions.discovery,
            payload: {
                "source.$": "$",
                selection: { requiredClusterTags, requireManagedDraining: config.selection.requireManagedDraining },
                waves: { size: config.waves.size, ...(config.waves.firstWaveSize !== undefined ? { firstWaveSize: config.waves.firstWaveSize } : {}) },
                maxGroups: config.maxGroupsPerRun,
            },
            resultPath: "$.discovery",
            timeoutSeconds: LAMBDA_TIMEOUT_SECONDS.discover,
            permanentErrors: DISCOVERY_PERMANENT_ERRORS,
            next: S.anyGroups,
            onError: S.composeFailed,
        }),
        [S.anyGroups]: {
            Type: "Choice",
            Choices: [{ Variable: "$.discovery.groupCount", NumericGreaterThan: 0, Next: S.createVersions }],
            Default: S.composeNothing,
        },
        [S.composeNothing]: pass(
            notice(NotificationEvent.nothingToRefresh, "no group matched", { "imageId.$": "$.discovery.imageId", "skipped.$": "$.discovery.skipped" }),
            "$.notice",
            S.notifyNothing,
        ),
        [S.notifyNothing]: publish(topic, S.nothing),
        [S.nothing]: { Type: "Succeed" },
        [S.createVersions]: lambdaTask({
            comment: "Pins groups on $Latest/$Default, then one new version per template and source version.",
            functionArn: config.functions.launchTemplateVersion,
            payload: { "imageId.$": "$.discovery.imageId", "waves.$": "$.discovery.waves" },
            resultPath: "$.prepared",
            timeoutSeconds: LAMBDA_TIMEOUT_SECONDS.versions,
            permanentErrors: [...PREPARATION_PERMANENT_ERRORS, ...DISCOVERY_PERMANENT_ERRORS],
            next: S.startLoop,
            onError: S.composeFailed,
        }),
        [S.startLoop]: pass(
            {
                "imageId.$": "$.prepared.imageId",
                "waves.$": "$.prepared.waves",
                "templates.$": "$.prepared.templates",
                "clusterCount.$": "$.discovery.clusterCount",
                "groupCount.$": "$.discovery.groupCount",
                "skipped.$": "$.discovery.skipped",
                rollout: { index: 0, "count.$": "States.ArrayLength($.prepared.waves)" },
            },
            undefined,
            S.composeStarted,
            "Keeps only what the waves need; state is limited to 256 KiB.",
        ),
        [S.composeStarted]: pass(
            notice(NotificationEvent.rolloutStarted, "rollout started", {
                "imageId.$": "$.imageId",
                "waveCount.$": "$.rollout.count",
                "groupCount.$": "$.groupCount",
                "templates.$": "$.templates",
                "skipped.$": "$.skipped",
            }),
            "$.notice",
            S.notifyStarted,
        ),
        [S.notifyStarted]: publish(topic, S.moreWaves),
        [S.moreWaves]: {
            Type: "Choice",
            Choices: [{ Variable: "$.rollout.index", NumericLessThanPath: "$.rollout.count", Next: S.selectWave }],
            Default: S.composeSucceeded,
        },
        [S.selectWave]: pass(
            { "index.$": "$.rollout.index", "count.$": "$.rollout.count", "wave.$": "States.ArrayGetItem($.waves, $.rollout.index)" },
            "$.rollout",
            S.refreshWave,
        ),
        [S.refreshWave]: {
            Type: "Map",
            Comment: "Each iteration ends with a verdict; none fails, so every started refresh is followed to its end.",
            ItemsPath: "$.rollout.wave.groups",
            ItemSelector: { "group.$": "$$.Map.Item.Value", "imageId.$": "$.imageId", "waveIndex.$": "$.rollout.index" },
            MaxConcurrency: config.waves.maxConcurrency ?? config.waves.size,
            ItemProcessor: groupProcessor(config),
            ResultSelector: { "verdicts.$": "$[*].verdict", "groups.$": "$" },
            ResultPath: "$.waveResult",
            Catch: catchAll(S.composeFailed),
            Next: S.judgeWave,
        },
        [S.judgeWave]: pass({ "failed.$": "States.ArrayContains($.waveResult.verdicts, 'FAILED')" }, "$.judgement", S.waveFailed),
        [S.waveFailed]: {
            Type: "Choice",
            Choices: [{ Variable: "$.judgement.failed", BooleanEquals: true, Next: S.composeWaveHalted }],
            Default: S.bakeWave,
        },
        [S.bakeWave]: { Type: "Wait", Seconds: config.waves.bakeSeconds, Next: gated ? S.checkAlarms : S.nextWave },
        ...(gated ? alarmGate(config) : {}),
        [S.nextWave]: pass({ "index.$": "States.MathAdd($.rollout.index, 1)", "count.$": "$.rollout.count" }, "$.rollout", S.moreWaves),
        [S.composeWaveHalted]: composeHalted("wave-failed", "a wave failed", { "groups.$": "$.waveResult.groups" }),
        [S.notifyHalted]: publish(topic, S.halted),
        [S.halted]: { Type: "Fail", Error: "RolloutHalted", Cause: "A wave did not come back healthy; later waves were not started." },
        [S.composeSucceeded]: pass(
            notice(NotificationEvent.rolloutSucceeded, "rollout succeeded", {
                "imageId.$": "$.imageId",
                "waveCount.$": "$.rollout.count",
                "groupCount.$": "$.groupCount",
            }),
            "$.notice",
            S.notifySucceeded,
        ),
        [S.notifySucceeded]: publish(topic, S.succeeded),
        [S.succeeded]: { Type: "Succeed" },
        [S.composeFailed]: pass(notice(NotificationEvent.rolloutFailed, "rollout FAILED", { "error.$": "$.error" }), "$.notice", S.notifyFailed),
        [S.notifyFailed]: publish(topic, S.failed),
        [S.failed]: { Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" },
    };
    return {
        Comment: "lakewarden: roll a hardened ECS AMI onto tagged clusters' Auto Scaling groups, wave by wave.",
        StartAt: S.discover,
        TimeoutSeconds: config.executionTimeoutSeconds,
        States: states,
    };
}

export interface StateMachinePolicyScope {
    partition: string;
    region: string;
    accountId: string;
    /** Alias of the customer key encrypting the topic: the key id is random, so use is scoped by alias. */
    topicKeyAlias: string;
}

/** The state machine role: invoke the three functions, publish to the one topic, read the configured alarms. */
export function fleetRefreshStateMachineStatements(input: FleetRefreshConfig, scope: StateMachinePolicyScope): RolePolicyStatement[] {
    const config = fleetRefreshConfigSchema.parse(input);
    const dnsSuffix = scope.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    const statements: RolePolicyStatement[] = [
        {
            Sid: "InvokeFleetFunctions",
            Effect: "Allow",
            Action: ["lambda:InvokeFunction"],
            Resource: [config.functions.discovery, config.functions.launchTemplateVersion, config.functions.instanceRefresh],
        },
        { Sid: "PublishNotifications", Effect: "Allow", Action: ["sns:Publish"], Resource: [config.notificationTopicArn] },
        {
            Sid: "EncryptNotifications",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [`arn:${scope.partition}:kms:${scope.region}:${scope.accountId}:key/*`],
            Condition: {
                StringEquals: { "kms:ViaService": `sns.${scope.region}.${dnsSuffix}` },
                "ForAnyValue:StringEquals": { "kms:ResourceAliases": [scope.topicKeyAlias] },
            },
        },
    ];
    if (config.refresh.alarmNames.length > 0) {
        statements.push({
            Sid: "ReadRollbackAlarms",
            Effect: "Allow",
            Action: ["cloudwatch:DescribeAlarms"],
            Resource: config.refresh.alarmNames.map(name => `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.accountId}:alarm:${name}`),
        });
    }
    return statements;
}
