import assert from "node:assert/strict";
import { taskStates, type State, type StateMachineDefinition } from "../../../workflows/asl";
import { buildQuarantineDefinition, QuarantineStates } from "../../../workflows/quarantine";
import { buildReleaseDefinition, ReleaseStates } from "../../../workflows/release";
import { compileUpdate } from "../../../workflows/tracking";
import { FUNCTIONS, TABLE } from "../../../support/remediation/world";

// asl-validator ships no type declarations.
const aslValidator = require("asl-validator") as (
    definition: unknown,
    options: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

const quarantine = buildQuarantineDefinition({
    trackingTableName: TABLE,
    decisionFunctionArn: FUNCTIONS.decision,
    quarantineFunctionArn: FUNCTIONS.quarantine,
    notifyFunctionArn: FUNCTIONS.notify,
});
const release = buildReleaseDefinition({ trackingTableName: TABLE, releaseFunctionArn: FUNCTIONS.release, notifyFunctionArn: FUNCTIONS.notify });

function successors(state: State): string[] {
    const next: string[] = [];
    if ("Next" in state && state.Next) next.push(state.Next);
    if (state.Type === "Task") next.push(...state.Catch.map(c => c.Next));
    if (state.Type === "Choice") next.push(...state.Choices.map(c => c.Next), state.Default);
    return next;
}

function predecessors(definition: StateMachineDefinition, target: string): string[] {
    return Object.entries(definition.States)
        .filter(([, state]) => successors(state).includes(target))
        .map(([name]) => name);
}

describe("remediation workflow definitions", () => {
    for (const [name, definition] of [
        ["quarantine", quarantine],
        ["release", release],
    ] as const) {
        describe(name, () => {
            it("is valid ASL for asl-validator (paths and ARNs checked)", () => {
                const { isValid, errorsText } = aslValidator(definition, { checkPaths: true, checkArn: true });
                assert.ok(isValid, errorsText("\n"));
            });

            it("gives every Task a Retry and a catch-all Catch", () => {
                for (const [stateName, task] of taskStates(definition)) {
                    assert.ok(task.Retry.length > 0, `${stateName} has Retry`);
                    assert.ok(task.Retry.at(-1)?.ErrorEquals.includes("States.ALL"), `${stateName} retries transient errors`);
                    assert.ok(
                        task.Catch.some(c => c.ErrorEquals.includes("States.ALL")),
                        `${stateName} catches all`,
                    );
                }
            });

            it("references only existing states, and every state is reachable", () => {
                const reachable = new Set([definition.StartAt]);
                const queue = [definition.StartAt];
                while (queue.length > 0) {
                    for (const next of successors(definition.States[queue.pop() as string])) {
                        assert.ok(definition.States[next], `state ${next} exists`);
                        if (!reachable.has(next)) {
                            reachable.add(next);
                            queue.push(next);
                        }
                    }
                }
                assert.deepEqual([...reachable].sort(), Object.keys(definition.States).sort());
            });
        });
    }

    it("reaches the delete of an original only through a verified record", () => {
        assert.deepEqual(predecessors(quarantine, QuarantineStates.DeleteOriginalVersion).sort(), [QuarantineStates.MarkVerified, QuarantineStates.Resume]);
        const resume = quarantine.States[QuarantineStates.Resume];
        assert.equal(resume.Type, "Choice");
        const toDelete = resume.Type === "Choice" ? resume.Choices.filter(c => c.Next === QuarantineStates.DeleteOriginalVersion) : [];
        assert.deepEqual(toDelete, [{ Variable: "$.tracking.state", StringEquals: "VERIFIED", Next: QuarantineStates.DeleteOriginalVersion }]);
        // MarkVerified is a conditional write from COPIED/VERIFIED; its failure is caught, never falls through.
        const markVerified = quarantine.States[QuarantineStates.MarkVerified];
        assert.ok(markVerified.Type === "Task" && markVerified.Parameters.ConditionExpression);
    });

    it("reaches the delete of a quarantine copy only through a verified restore", () => {
        assert.deepEqual(predecessors(release, ReleaseStates.DeleteQuarantineCopy).sort(), [ReleaseStates.MarkRestoreVerified, ReleaseStates.Resume]);
    });

    it("puts the configured rules and prefix into the decision task", () => {
        const definition = buildQuarantineDefinition({
            trackingTableName: TABLE,
            decisionFunctionArn: FUNCTIONS.decision,
            quarantineFunctionArn: FUNCTIONS.quarantine,
            notifyFunctionArn: FUNCTIONS.notify,
            quarantinePrefix: "held/",
            rules: { severityThreshold: "Medium", bucketOwnerAllowlist: ["data-science"] },
        });
        const decide = definition.States[QuarantineStates.Decide];
        assert.ok(decide.Type === "Task");
        assert.equal(decide.Parameters.quarantinePrefix, "held/");
        assert.deepEqual(decide.Parameters.rules, {
            severityThreshold: "Medium",
            quarantinePublic: true,
            findingTypes: [
                "SensitiveData:S3Object/Credentials",
                "SensitiveData:S3Object/CustomIdentifier",
                "SensitiveData:S3Object/Financial",
                "SensitiveData:S3Object/Multiple",
                "SensitiveData:S3Object/Personal",
            ],
            bucketOwnerAllowlist: ["data-science"],
            enrolmentTag: { key: "RequireMacieScan", value: "True" },
        });
    });

    it("rejects a bad prefix or bad rules when the definition is built", () => {
        const args = { trackingTableName: TABLE, decisionFunctionArn: "a", quarantineFunctionArn: "b", notifyFunctionArn: "c" };
        assert.throws(() => buildQuarantineDefinition({ ...args, quarantinePrefix: "quarantine" }), /one path segment/);
        assert.throws(() => buildQuarantineDefinition({ ...args, rules: { severityThreshold: "Critical" as never } }));
    });

    it("compiles tracking updates with placeholders for every attribute and value", () => {
        assert.deepEqual(
            compileUpdate({
                set: { state: { S: "COPIED" } },
                setIfAbsent: { recordedAt: { "S.$": "$$.Execution.StartTime" } },
                increment: { failureCount: { N: "1" } },
                condition: { and: [{ exists: "findingId" }, { stateIn: ["RECORDED", "COPIED"] }] },
            }),
            {
                UpdateExpression: "SET #state = :v0, #recordedAt = if_not_exists(#recordedAt, :v1), #failureCount = if_not_exists(#failureCount, :v2) + :v3",
                ConditionExpression: "(attribute_exists(#findingId)) AND (#state IN (:v4, :v5))",
                ExpressionAttributeNames: { "#state": "state", "#recordedAt": "recordedAt", "#failureCount": "failureCount", "#findingId": "findingId" },
                ExpressionAttributeValues: {
                    ":v0": { S: "COPIED" },
                    ":v1": { "S.$": "$$.Execution.StartTime" },
                    ":v2": { N: "0" },
                    ":v3": { N: "1" },
                    ":v4": { S: "RECORDED" },
                    ":v5": { S: "COPIED" },
                },
            },
        );
        assert.throws(() => compileUpdate({}), /at least one attribute/);
        assert.throws(() => compileUpdate({ set: { "bad name": { S: "x" } } }), /alphanumeric/);
    });
});
