import "./environment";
import { handler as discoveryHandler } from "../../lambdas/fleet-discovery/handler";
import { handler as refreshHandler } from "../../lambdas/instance-refresh/handler";
import { handler as launchTemplateHandler } from "../../lambdas/launch-template-version/handler";
import type { StateMachineDefinition } from "../../workflows/asl";
import type { EventLog } from "../step-functions/history";
import { localStateMachine } from "../step-functions/local-machine";
import { type FleetRefreshConfig, FleetState } from "../../workflows/fleet-refresh";
import { FLEET_ACCOUNT, REGION } from "./fake-cloud";

/**
 * Runs the fleet-refresh definition in aws-local-stepfunctions with the real Lambda handlers as task
 * overrides (their AWS calls answered by FakeFleetCloud), SNS publishes recorded, and waits shortened.
 */

const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${FLEET_ACCOUNT}:function:lakewarden-${name}`;

export const TOPIC_ARN = `arn:aws:sns:${REGION}:${FLEET_ACCOUNT}:lakewarden-fleet-refresh`;
export const EXECUTION_ID = `arn:aws:states:${REGION}:${FLEET_ACCOUNT}:execution:lakewarden-fleet-refresh:run-1`;

export function testConfig(overrides: Partial<FleetRefreshConfig> = {}): FleetRefreshConfig {
    return {
        functions: {
            discovery: functionArn("fleet-discovery"),
            launchTemplateVersion: functionArn("launch-template-version"),
            instanceRefresh: functionArn("instance-refresh"),
        },
        notificationTopicArn: TOPIC_ARN,
        selection: { requiredClusterTags: { "lakewarden:fleet": "prod" }, requireManagedDraining: true },
        waves: { size: 5, bakeSeconds: 600 },
        refresh: {
            minHealthyPercentage: 90,
            instanceWarmupSeconds: 300,
            checkpointPercentages: [50, 100],
            checkpointDelaySeconds: 600,
            bakeTimeSeconds: 900,
            alarmNames: ["lakewarden-fleet-5xx"],
            skipMatching: true,
        },
        polling: { initialIntervalSeconds: 60, maxIntervalSeconds: 300, backoffRate: 1.5, timeoutSeconds: 14_400 },
        ...overrides,
    };
}

interface Notice {
    event: string;
    subject: string;
    [field: string]: unknown;
}

/** One task invocation as the executor made it, in order. */
interface TaskCall {
    seq: number;
    atMs: number;
    state: string;
    input: Record<string, unknown>;
}

type TaskHandler = (input: Record<string, unknown>) => Promise<unknown>;

export interface RunOptions {
    /** Names of alarms in ALARM at each CheckAlarms call (1-based call number). */
    alarmsInAlarm?: (check: number) => string[];
    /** Replaces the handler of a task state, e.g. to inject a failure. */
    overrides?: Partial<Record<string, TaskHandler>>;
}

export interface RunResult {
    status: "SUCCEEDED" | "FAILED";
    error?: { name: string; message: string };
    output?: unknown;
    notices: Notice[];
    calls: TaskCall[];
    events: EventLog[];
}

const NOTIFY_STATES = [
    FleetState.notifyNothing,
    FleetState.notifyStarted,
    FleetState.notifyGroup,
    FleetState.notifyHalted,
    FleetState.notifySucceeded,
    FleetState.notifyFailed,
];

const REFRESH_STATES = [FleetState.startRefresh, FleetState.describeRefresh, FleetState.requestRollback];

export async function runLocally(definition: StateMachineDefinition, input: unknown, options: RunOptions = {}): Promise<RunResult> {
    const startedAt = Date.now();
    const notices: Notice[] = [];
    const calls: TaskCall[] = [];
    let alarmChecks = 0;

    const base: Record<string, TaskHandler> = {
        [FleetState.discover]: discoveryHandler,
        [FleetState.createVersions]: launchTemplateHandler,
        ...Object.fromEntries(REFRESH_STATES.map(state => [state, refreshHandler])),
        ...Object.fromEntries(
            NOTIFY_STATES.map(state => [
                state,
                async (publishInput: Record<string, unknown>) => {
                    const message = JSON.parse(String(publishInput.Message)) as Notice;
                    const attributes = publishInput.MessageAttributes as { event: { StringValue: string } };
                    if (attributes.event.StringValue !== message.event) throw new Error("message attribute and message disagree");
                    if (publishInput.TopicArn !== TOPIC_ARN) throw new Error(`published to ${String(publishInput.TopicArn)}`);
                    notices.push(message);
                    return { MessageId: `msg-${notices.length}` };
                },
            ]),
        ),
        [FleetState.checkAlarms]: async () => {
            const names = options.alarmsInAlarm?.(++alarmChecks) ?? [];
            return { MetricAlarms: names.map(AlarmName => ({ AlarmName, StateValue: "ALARM" })), CompositeAlarms: [] };
        },
    };
    const handlers = { ...base, ...options.overrides };
    const recorded = Object.fromEntries(
        Object.entries(handlers).map(([state, handler]) => [
            state,
            async (taskInput: unknown) => {
                calls.push({ seq: calls.length + 1, atMs: Date.now() - startedAt, state, input: taskInput as Record<string, unknown> });
                return (await (handler as TaskHandler)(taskInput as Record<string, unknown>)) as never;
            },
        ]),
    );

    const machine = localStateMachine(definition);
    const execution = machine.run(input as never, {
        overrides: {
            taskResourceLocalHandlers: recorded,
            waitTimeOverrides: { [FleetState.waitForRefresh]: 1, [FleetState.bakeWave]: 1 },
            retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map(state => [state, 0])),
        },
        context: { Execution: { Id: EXECUTION_ID, Input: input as never, StartTime: new Date(startedAt).toISOString() } },
    });
    const events: EventLog[] = [];
    const collecting = (async () => {
        for await (const event of execution.eventLogs) events.push(event);
    })();
    try {
        const output = await execution.result;
        await collecting;
        return { status: "SUCCEEDED", output, notices, calls, events };
    } catch (error) {
        await collecting.catch(() => undefined);
        // The executor throws a generic ExecutionError; the ASL error and cause are on the last event.
        const failed = events.find(event => event.type === "ExecutionFailed") as { Error: string; Cause: unknown } | undefined;
        const failure = error as Error;
        return {
            status: "FAILED",
            error: failed === undefined ? { name: failure.name, message: failure.message } : { name: failed.Error, message: String(failed.Cause) },
            notices,
            calls,
            events,
        };
    }
}
