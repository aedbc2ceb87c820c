import { strict as assert } from "node:assert";
import { StateMachine } from "aws-local-stepfunctions";
import { taskStates, type State, type StateMachineDefinition } from "../../workflows/asl";
import { buildScanStageDefinition, FAILURE_NOT_REPORTED, ScanStates } from "../../workflows/scan-stage";
import { scanArgs } from "./scan-stage-fixtures";

// asl-validator ships no type declarations.
const aslValidator = require("asl-validator") as (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };

function allStates(definition: { States: Record<string, State> }, into = new Map<string, State>()): Map<string, State> {
    for (const [name, state] of Object.entries(definition.States)) {
        into.set(name, state);
        if (state.Type === "Map") allStates(state.ItemProcessor, into);
    }
    return into;
}

describe("scan-stage definition", () => {
    for (const onDeny of ["delete", "retain"] as const) {
        it(`is valid ASL (onDeny ${onDeny}) for asl-validator and the local executor`, () => {
            const definition = buildScanStageDefinition(scanArgs({ onDeny }));
            const { isValid, errorsText } = aslValidator(definition);
            assert.ok(isValid, errorsText("\n"));
            assert.doesNotThrow(() => new StateMachine(definition as never));
            assert.equal(ScanStates.DeleteReviewed in definition.States, onDeny === "delete");
        });
    }

    it("catches every task and Map into the failure path, which releases the lock", () => {
        const definition: StateMachineDefinition = buildScanStageDefinition(scanArgs());
        for (const [name, task] of taskStates(definition)) {
            assert.ok(
                task.Catch.some(c => c.ErrorEquals.includes("States.ALL")),
                `${name} catches`,
            );
        }
        for (const [name, state] of Object.entries(definition.States)) {
            if (state.Type === "Map")
                assert.ok(
                    state.Catch.some(c => c.Next === ScanStates.ReleaseLockAfterFailure),
                    `${name} catches`,
                );
        }
        const release = definition.States[ScanStates.ReleaseLockAfterFailure];
        assert.ok(release?.Type === "Task" && release.Next === ScanStates.DescribeFailure);
    });

    it("reports a caught failure once, with the RUN_FAILED attributes, and a notice it cannot publish as FAILURE_NOT_REPORTED", () => {
        const definition = buildScanStageDefinition(scanArgs());
        const describe = definition.States[ScanStates.DescribeFailure];
        assert.ok(describe?.Type === "Pass" && describe.Next === ScanStates.ReportFailure);
        const report = definition.States[ScanStates.ReportFailure];
        assert.ok(report?.Type === "Task");
        assert.equal(report.Parameters?.["Message.$"], "States.JsonToString($.notice)");
        assert.deepEqual(report.Parameters?.MessageAttributes, {
            event: { DataType: "String", StringValue: "RUN_FAILED" },
            pipeline: { DataType: "String", StringValue: "orders" },
            runId: { DataType: "String", "StringValue.$": "$$.Execution.Name" },
        });
        assert.equal(report.Next, ScanStates.RunFailed);
        assert.deepEqual(
            report.Catch.map(c => c.Next),
            [ScanStates.RunFailedUnreported],
        );
        const unreported = definition.States[ScanStates.RunFailedUnreported];
        assert.ok(unreported?.Type === "Fail" && unreported.Error === FAILURE_NOT_REPORTED);
        // A decision neither approve nor deny is an error like any other, with an error the notice can carry.
        const route = definition.States[ScanStates.RouteDecision];
        assert.ok(route?.Type === "Choice" && route.Default === ScanStates.UnknownDecision);
        const unknown = definition.States[ScanStates.UnknownDecision];
        assert.ok(unknown?.Type === "Pass" && unknown.Next === ScanStates.ReleaseLockAfterFailure && unknown.ResultPath === "$.error");
    });

    it("treats an approval timeout as a deny and never waits longer than the run may live", () => {
        const definition = buildScanStageDefinition(scanArgs());
        const approval = allStates(definition).get(ScanStates.RequestApproval);
        assert.ok(approval?.Type === "Task");
        assert.equal(approval.TimeoutSeconds, 72 * 3600);
        assert.equal(approval.Catch[0]?.Next, ScanStates.DeniedByTimeout);
        assert.throws(() => buildScanStageDefinition(scanArgs({ approvalTimeoutSeconds: 7 * 24 * 3600 })), /shorter than the run timeout/);
    });
});
