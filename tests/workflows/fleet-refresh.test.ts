import assert from "node:assert/strict";
import { StateMachine } from "aws-local-stepfunctions";
import { buildFleetRefreshDefinition, DESCRIBE_ALARMS, fleetRefreshStateMachineStatements, FleetState, SNS_PUBLISH } from "../../workflows/fleet-refresh";
import type { MapState, State, StateMachineDefinition } from "../../workflows/asl";
import { TOPIC_ARN, testConfig } from "../../support/fleet-refresh/harness";

// asl-validator ships no type declarations.
const aslValidator = require("asl-validator") as (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };

/** Every state of the definition, Map iterations included, keyed by name. */
function allStates(definition: StateMachineDefinition): Map<string, State> {
    const found = new Map<string, State>();
    const visit = (states: Record<string, State>) => {
        for (const [name, state] of Object.entries(states)) {
            assert.ok(!found.has(name), `state name ${name} is unique`);
            found.set(name, state);
            if (state.Type === "Map") visit(state.ItemProcessor.States);
        }
    };
    visit(definition.States);
    return found;
}

function targets(state: State): string[] {
    const next: string[] = [];
    if ("Next" in state && state.Next !== undefined) next.push(state.Next);
    if ("Catch" in state) next.push(...state.Catch.map(c => c.Next));
    if (state.Type === "Choice") next.push(...state.Choices.map(c => c.Next), state.Default);
    return next;
}

const definition = buildFleetRefreshDefinition(testConfig({ waves: { size: 5, maxConcurrency: 3, bakeSeconds: 600 } }));

describe("fleet-refresh definition", () => {
    it("is valid ASL for asl-validator and for the local executor", () => {
        for (const candidate of [definition, buildFleetRefreshDefinition(testConfig({ refresh: { ...testConfig().refresh, alarmNames: [] } }))]) {
            const { isValid, errorsText } = aslValidator(candidate);
            assert.ok(isValid, errorsText("\n"));
            assert.doesNotThrow(() => new StateMachine(candidate as never));
        }
    });

    it("gives every task a retry for transient errors and a catch-all, with permanent errors never retried", () => {
        const tasks = [...allStates(definition)].filter(([, state]) => state.Type === "Task");
        assert.ok(tasks.length >= 12);
        for (const [name, task] of tasks) {
            assert.ok(task.Type === "Task");
            assert.ok(
                task.Retry.some(r => r.ErrorEquals.includes("States.ALL") && r.MaxAttempts > 0),
                `${name} retries`,
            );
            assert.ok(
                task.Catch.some(c => c.ErrorEquals.includes("States.ALL")),
                `${name} catches`,
            );
            const permanent = task.Retry.filter(r => r.MaxAttempts === 0);
            assert.ok(
                permanent.every(r => task.Retry.indexOf(r) === 0),
                `${name}: permanent errors come first`,
            );
        }
        const start = allStates(definition).get(FleetState.startRefresh);
        assert.ok(start?.Type === "Task");
        assert.ok(start.Retry[0].ErrorEquals.includes("ForeignRefreshInProgress"));
        const discover = allStates(definition).get(FleetState.discover);
        assert.ok(discover?.Type === "Task" && discover.Retry[0].ErrorEquals.includes("ImageNotAllowed"));
    });

    it("wires every transition to an existing state and reaches every state", () => {
        const states = allStates(definition);
        for (const [name, state] of states) for (const next of targets(state)) assert.ok(states.has(next), `${name} -> ${next}`);
        const reached = new Set<string>();
        const walk = (name: string) => {
            if (reached.has(name)) return;
            reached.add(name);
            const state = states.get(name) as State;
            if (state.Type === "Map") walk(state.ItemProcessor.StartAt);
            targets(state).forEach(walk);
        };
        walk(definition.StartAt);
        assert.deepEqual(
            [...states.keys()].filter(name => !reached.has(name)),
            [],
        );
    });

    it("refreshes a wave's groups with the configured concurrency and the configured preferences", () => {
        const map = definition.States[FleetState.refreshWave] as MapState;
        assert.equal(map.Type, "Map");
        assert.equal(map.MaxConcurrency, 3);
        assert.equal(map.ItemsPath, "$.rollout.wave.groups");
        const start = map.ItemProcessor.States[FleetState.startRefresh];
        assert.ok(start.Type === "Task");
        assert.deepEqual(start.Parameters.preferences, testConfig().refresh);
        assert.equal((buildFleetRefreshDefinition(testConfig()).States[FleetState.refreshWave] as MapState).MaxConcurrency, 5, "defaults to the wave size");
    });

    it("publishes only to the configured topic, with the event as a message attribute", () => {
        const publishers = [...allStates(definition).values()].filter(s => s.Type === "Task" && s.Resource === SNS_PUBLISH);
        assert.equal(publishers.length, 6);
        for (const publisher of publishers) {
            assert.ok(publisher.Type === "Task");
            assert.equal(publisher.Parameters.TopicArn, TOPIC_ARN);
            assert.deepEqual(publisher.Parameters.MessageAttributes, { event: { DataType: "String", "StringValue.$": "$.notice.event" } });
        }
    });

    it("checks the alarms after each bake only when alarms are configured", () => {
        assert.equal((definition.States[FleetState.bakeWave] as { Next: string }).Next, FleetState.checkAlarms);
        const checkAlarms = definition.States[FleetState.checkAlarms];
        assert.ok(checkAlarms.Type === "Task");
        assert.deepEqual(checkAlarms.Parameters.AlarmNames, ["lakewarden-fleet-5xx"]);
        assert.equal(checkAlarms.Parameters.StateValue, "ALARM");
        const ungated = buildFleetRefreshDefinition(testConfig({ refresh: { ...testConfig().refresh, alarmNames: [] } }));
        assert.equal(ungated.States[FleetState.checkAlarms], undefined, "an empty AlarmNames list would describe every alarm in the account");
        assert.equal((ungated.States[FleetState.bakeWave] as { Next: string }).Next, FleetState.nextWave);
    });

    it("is deterministic: the same configuration gives the same definition, whatever the tag order", () => {
        const a = buildFleetRefreshDefinition(testConfig({ selection: { requiredClusterTags: { b: "2", a: "1" } } }));
        const b = buildFleetRefreshDefinition(testConfig({ selection: { requiredClusterTags: { a: "1", b: "2" } } }));
        assert.equal(JSON.stringify(a), JSON.stringify(b));
        const discover = a.States[FleetState.discover];
        assert.ok(discover.Type === "Task");
        assert.deepEqual(discover.Parameters.selection, {
            requiredClusterTags: [
                { key: "a", value: "1" },
                { key: "b", value: "2" },
            ],
            requireManagedDraining: true,
        });
    });

    it("gives the state machine role exactly what its tasks call: three functions, one topic, its alarms", () => {
        const scope = { partition: "aws", region: "eu-west-1", accountId: "222222222222", topicKeyAlias: "alias/lakewarden-prod-fleet" };
        const statements = fleetRefreshStateMachineStatements(testConfig(), scope);
        const allowed = (action: string) => statements.filter(s => s.Action.includes(action)).flatMap(s => s.Resource);
        for (const [name, state] of allStates(definition)) {
            if (state.Type !== "Task") continue;
            if (state.Resource === SNS_PUBLISH) assert.deepEqual(allowed("sns:Publish"), [state.Parameters.TopicArn], name);
            else if (state.Resource === DESCRIBE_ALARMS) {
                const names = state.Parameters.AlarmNames as string[];
                assert.deepEqual(
                    allowed("cloudwatch:DescribeAlarms"),
                    names.map(n => `arn:aws:cloudwatch:eu-west-1:222222222222:alarm:${n}`),
                    name,
                );
            } else assert.ok(allowed("lambda:InvokeFunction").includes(state.Resource), `${name} invokes an allowed function`);
        }
        assert.deepEqual(statements.flatMap(s => s.Action).sort(), [
            "cloudwatch:DescribeAlarms",
            "kms:Decrypt",
            "kms:GenerateDataKey",
            "lambda:InvokeFunction",
            "sns:Publish",
        ]);
        const kms = statements.find(s => s.Sid === "EncryptNotifications");
        assert.deepEqual(kms?.Condition, {
            StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" },
            "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/lakewarden-prod-fleet"] },
        });
        const ungated = fleetRefreshStateMachineStatements(testConfig({ refresh: { ...testConfig().refresh, alarmNames: [] } }), scope);
        assert.ok(!ungated.some(s => s.Action.includes("cloudwatch:DescribeAlarms")));
    });

    it("refuses configurations that would be unsafe or that Auto Scaling would reject", () => {
        const base = testConfig();
        const bad = [
            { selection: { requiredClusterTags: {} } },
            { waves: { size: 2, maxConcurrency: 3, bakeSeconds: 0 } },
            { waves: { size: 0, bakeSeconds: 0 } },
            { functions: { ...base.functions, discovery: "arn:aws:iam::222222222222:role/not-a-function" } },
            { notificationTopicArn: "arn:aws:sqs:eu-west-1:222222222222:queue" },
            { refresh: { ...base.refresh, checkpointPercentages: [50] } },
            { polling: { ...base.polling, maxIntervalSeconds: 10 } },
        ];
        for (const change of bad)
            assert.throws(() => buildFleetRefreshDefinition({ ...base, ...change }), /invalid fleet refresh configuration/, JSON.stringify(change));
    });
});
