/**
 * Runs a workflow definition in aws-local-stepfunctions with every Task overridden: function
 * ARNs call the real Lambda handlers in-process (payload and result JSON round-tripped, as
 * Lambda does), the DynamoDB integration calls the dynalite table with Step Functions error names.
 * A fault injector can fail a task before or after its effect, or crash the execution.
 */
import { ExecutionError, type StateMachine } from "aws-local-stepfunctions";
import { DYNAMODB_UPDATE_ITEM, taskStates, type StateMachineDefinition } from "../../workflows/asl";
import type { UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { localStateMachine } from "../step-functions/local-machine";
import type { LocalTable } from "./local-table";

export type Handler = (payload: unknown) => Promise<unknown>;

export interface LocalAws {
    functions: Record<string, Handler>;
    dynamodb: LocalTable;
}

/** transient: a retryable error; outage: the task fails every attempt in this execution; crash: the run stops. */
export type Fault = "transient-before" | "transient-after" | "outage" | "crash-before" | "crash-after";

export interface FaultInjector {
    next(stateName: string, executionId: string): Fault | undefined;
}

/** Faults a run once, at the named task. */
export function faultOnceAt(stateName: string, fault: Fault): FaultInjector {
    let fired = false;
    return {
        next(name) {
            if (name !== stateName || fired) return undefined;
            fired = true;
            return fault;
        },
    };
}

export type ExecutionOutcome =
    { status: "SUCCEEDED"; output: unknown } | { status: "FAILED"; error: string; cause: string } | { status: "CRASHED"; state: string };

/** Not retryable, not catchable: the local executor stops the run as if the worker died. */
class Crash extends Error {
    override name = "Crash";
    readonly isRetryable = false;
    readonly isCatchable = false;
}

const roundTrip = <T>(value: T): T => (value === undefined ? (null as T) : JSON.parse(JSON.stringify(value)));

function transientError(resource: string): Error {
    const error = new Error("injected transient fault");
    error.name = resource === DYNAMODB_UPDATE_ITEM ? "DynamoDB.ProvisionedThroughputExceededException" : "Lambda.TooManyRequestsException";
    return error;
}

export class LocalWorkflow {
    private readonly machine: StateMachine;
    private executions = 0;

    constructor(
        readonly definition: StateMachineDefinition,
        private readonly aws: LocalAws,
    ) {
        this.machine = localStateMachine(definition, { checkArn: true, checkPaths: true });
    }

    private async invoke(resource: string, input: unknown): Promise<unknown> {
        if (resource === DYNAMODB_UPDATE_ITEM) {
            try {
                return await this.aws.dynamodb.updateItem(input as UpdateItemCommandInput);
            } catch (error) {
                // Step Functions prefixes the service's error name ("DynamoDB.ConditionalCheckFailedException").
                if ((error as { $metadata?: unknown }).$metadata) {
                    const named = new Error((error as Error).message);
                    named.name = `DynamoDB.${(error as Error).name}`;
                    throw named;
                }
                throw error;
            }
        }
        const handler = this.aws.functions[resource];
        if (!handler) throw new Error(`no local handler for ${resource}`);
        return roundTrip(await handler(roundTrip(input)));
    }

    async run(input: unknown, faults?: FaultInjector): Promise<ExecutionOutcome> {
        const executionId = `arn:aws:states:eu-west-1:111111111111:execution:local:run-${++this.executions}`;
        const outages = new Set<string>();
        let crashedAt: string | undefined;
        const handlers: Record<string, (input: never) => Promise<never>> = {};
        const retryIntervals: Record<string, number> = {};
        for (const [name, state] of taskStates(this.definition)) {
            retryIntervals[name] = 0;
            handlers[name] = (async (taskInput: unknown) => {
                const fault = faults?.next(name, executionId);
                if (fault === "outage") outages.add(name);
                if (outages.has(name) || fault === "transient-before") throw transientError(state.Resource);
                if (fault === "crash-before") {
                    crashedAt = name;
                    throw new Crash(name);
                }
                const result = await this.invoke(state.Resource, taskInput);
                if (fault === "transient-after") throw transientError(state.Resource);
                if (fault === "crash-after") {
                    crashedAt = name;
                    throw new Crash(name);
                }
                return result;
            }) as never;
        }
        const execution = this.machine.run(input as never, {
            overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: retryIntervals },
            context: { Execution: { Id: executionId, Name: `run-${this.executions}` } },
        });
        try {
            return { status: "SUCCEEDED", output: await execution.result };
        } catch (error) {
            if (crashedAt !== undefined) return { status: "CRASHED", state: crashedAt };
            if (error instanceof ExecutionError) {
                const cause = error.cause as Error;
                return { status: "FAILED", error: cause.name, cause: cause.message };
            }
            throw error;
        }
    }
}
