/**
 * What aws-local-stepfunctions does not enforce, computed from its event log: the execution
 * history Step Functions would record and the largest state payload (Step Functions quotas:
 * 25,000 history events per execution, 256 KiB per state input or output).
 */
import type { StateMachine } from "aws-local-stepfunctions";

/** The executor's event log entry (the package does not export the type). */
export type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

// Step Functions quotas (Developer Guide, "Step Functions service quotas").
export const MAX_STATE_BYTES = 256 * 1024;

/**
 * History events Step Functions records for what the local executor logs: every state has an
 * Entered and an Exited event; a Task also TaskScheduled, TaskStarted and TaskSucceeded, and each
 * failed attempt TaskScheduled, TaskStarted and TaskFailed; an inline Map MapStateStarted and
 * MapStateSucceeded, and MapIterationStarted / MapIterationSucceeded per item (inline iterations
 * are recorded in the parent execution's history); ExecutionStarted and ExecutionSucceeded/Failed.
 */
export function historyEvents(events: readonly EventLog[]): number {
    let count = 0;
    for (const event of events) {
        if (event.type === "StateEntered") count += 1 + (event.state.type === "Map" ? 1 : 0);
        else if (event.type === "StateExited") count += 1 + (event.state.type === "Task" ? 3 : event.state.type === "Map" ? 1 : 0);
        else if (event.type === "StateFailed") count += event.state.type === "Task" ? 3 : 1;
        else if (event.type !== "StateRetried" && event.type !== "StateCaught") count += 1;
    }
    return count;
}

/** Largest input or output of any state, in UTF-8 bytes as Step Functions measures it. */
export function largestStateBytes(events: readonly EventLog[]): number {
    let max = 0;
    for (const event of events) {
        if (event.type !== "StateEntered" && event.type !== "StateExited") continue;
        const value = event.type === "StateEntered" ? event.state.input : event.state.output;
        max = Math.max(max, Buffer.byteLength(JSON.stringify(value ?? null), "utf8"));
    }
    return max;
}
