/**
 * The subset of the Amazon States Language (JSONPath flavour) the lakewarden workflows use,
 * typed so a builder cannot emit a state without Retry/Catch by accident, plus the task
 * helpers both remediation workflows share.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type PayloadTemplate = { [key: string]: JsonValue };

export interface Retrier {
    ErrorEquals: string[];
    IntervalSeconds?: number;
    MaxAttempts: number;
    BackoffRate?: number;
    MaxDelaySeconds?: number;
    JitterStrategy?: "FULL" | "NONE";
}

export interface Catcher {
    ErrorEquals: string[];
    ResultPath: string;
    Next: string;
}

interface Transition {
    Next?: string;
    End?: true;
}

export interface TaskState extends Transition {
    Type: "Task";
    Comment?: string;
    /** A Lambda function ARN, or a Step Functions service integration ARN. */
    Resource: string;
    Parameters: PayloadTemplate;
    ResultSelector?: PayloadTemplate;
    /** Absent means "$" (the result replaces the state). */
    ResultPath?: string | null;
    TimeoutSeconds: number;
    Retry: Retrier[];
    Catch: Catcher[];
}

export type ChoiceRule =
    | { Variable: string; StringEquals: string }
    | { Variable: string; BooleanEquals: boolean }
    | { Variable: string; IsPresent: boolean }
    | { Variable: string; NumericGreaterThan: number }
    | { Variable: string; NumericLessThanPath: string }
    | { Variable: string; StringLessThanPath: string }
    | { And: ChoiceRule[] }
    | { Or: ChoiceRule[] };

export interface ChoiceState {
    Type: "Choice";
    Comment?: string;
    Choices: (ChoiceRule & { Next: string })[];
    Default: string;
}

export interface PassState {
    Type: "Pass";
    Comment?: string;
    /** A template over the input, or (Result) a fixed value. */
    Parameters?: PayloadTemplate;
    Result?: JsonValue;
    /** Omitted: the result replaces the state (ASL's default, and what aws-local-stepfunctions implements for it). */
    ResultPath?: string;
    Next?: string;
    End?: true;
}

interface WaitState {
    Type: "Wait";
    Comment?: string;
    Seconds?: number;
    SecondsPath?: string;
    Next: string;
}

export interface MapState {
    Type: "Map";
    Comment?: string;
    ItemsPath: string;
    ItemSelector: PayloadTemplate;
    MaxConcurrency: number;
    ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }; StartAt: string; States: Record<string, State> };
    ResultSelector?: PayloadTemplate;
    ResultPath: string | null;
    Catch: Catcher[];
    Next: string;
}

interface SucceedState {
    Type: "Succeed";
    Comment?: string;
}

export interface FailState {
    Type: "Fail";
    Comment?: string;
    Error?: string;
    Cause?: string;
    ErrorPath?: string;
    CausePath?: string;
}

export type State = TaskState | PassState | WaitState | MapState | ChoiceState | SucceedState | FailState;

export interface StateMachineDefinition {
    Comment: string;
    StartAt: string;
    TimeoutSeconds: number;
    States: Record<string, State>;
}

export const DYNAMODB_UPDATE_ITEM = "arn:aws:states:::dynamodb:updateItem";

/** Where a caught error lands in the state, so the original input survives the Catch. */
export const ERROR_PATH = "$.error";

/**
 * Errors a retry cannot fix are listed first with MaxAttempts 0 (the first matching retrier
 * decides), everything else is retried with jittered exponential backoff.
 */
export function retryUnless(permanentErrors: readonly string[]): Retrier[] {
    const transient: Retrier = {
        ErrorEquals: ["States.ALL"],
        IntervalSeconds: 2,
        MaxAttempts: 5,
        BackoffRate: 2,
        MaxDelaySeconds: 60,
        JitterStrategy: "FULL",
    };
    return permanentErrors.length > 0 ? [{ ErrorEquals: [...permanentErrors], MaxAttempts: 0 }, transient] : [transient];
}

export function catchAll(next: string, resultPath: string = ERROR_PATH): Catcher[] {
    return [{ ErrorEquals: ["States.ALL"], ResultPath: resultPath, Next: next }];
}

export interface LambdaTaskArgs {
    functionArn: string;
    payload: PayloadTemplate;
    /** Where the function's return value goes (null: discarded, "$": replaces the state). */
    resultPath: string | null;
    timeoutSeconds: number;
    permanentErrors: readonly string[];
    next: string;
    onError: string;
    /** Where a caught error goes; ERROR_PATH unless the state already holds an error to keep. */
    errorPath?: string;
    comment?: string;
}

/**
 * Invokes a function by ARN as the Task resource: the payload is the function's event and the
 * task result is its return value; function errors surface under their error name.
 */
export function lambdaTask(args: LambdaTaskArgs): TaskState {
    return {
        Type: "Task",
        ...(args.comment ? { Comment: args.comment } : {}),
        Resource: args.functionArn,
        Parameters: args.payload,
        // "$" is the default; spelled out, some executors (aws-local-stepfunctions 3) mishandle it.
        ...(args.resultPath === "$" ? {} : { ResultPath: args.resultPath }),
        TimeoutSeconds: args.timeoutSeconds,
        Retry: retryUnless(args.permanentErrors),
        Catch: catchAll(args.onError, args.errorPath),
        Next: args.next,
    };
}

/** Every Task state of a definition, by name (tests use it to assert Retry/Catch coverage). */
export function taskStates(definition: StateMachineDefinition): [string, TaskState][] {
    return Object.entries(definition.States).filter((entry): entry is [string, TaskState] => entry[1].Type === "Task");
}

/** What a bounded task returns while work remains; the loop calls it again. */
const IN_PROGRESS = "IN_PROGRESS";

/**
 * Execution history events one loop iteration adds: TaskStateEntered, TaskScheduled, TaskStarted,
 * TaskSucceeded, TaskStateExited, then ChoiceStateEntered/Exited (a Step Functions standard
 * execution keeps at most 25,000 events: Step Functions quotas).
 */
export const HISTORY_EVENTS_PER_ITERATION = 7;
export const MAX_HISTORY_EVENTS = 25_000;

export interface ResumableLoopArgs {
    /** Name of the task state; the loop re-enters it while its result's `outcome` is IN_PROGRESS. */
    name: string;
    /** The bounded task; its result must land at `resultPath` and its Next is replaced. */
    task: TaskState & { ResultPath: string };
    /** Where the loop continues once the task's outcome is not IN_PROGRESS. */
    next: string;
    /**
     * A first result placed at ResultPath before the first call, so the task's payload can pass the
     * previous call's progress back (e.g. `${ResultPath}.progress`) from the first iteration on.
     */
    initialResult?: JsonValue;
}

/**
 * A task that does a bounded amount of work per invocation and is called again until done: the
 * Lambda timeout bounds each call, the execution's history bounds the number of calls (budget it
 * with HISTORY_EVENTS_PER_ITERATION). Entry point: `${name}Start` when initialResult is given, else `name`.
 */
export function resumableLoop(args: ResumableLoopArgs): Record<string, State> {
    const check = `${args.name}Loop`;
    const states: Record<string, State> = {
        [args.name]: { ...args.task, Next: check },
        [check]: {
            Type: "Choice",
            Comment: "Bounded work per call: call again while work remains.",
            Choices: [{ Variable: `${args.task.ResultPath}.outcome`, StringEquals: IN_PROGRESS, Next: args.name }],
            Default: args.next,
        },
    };
    if (args.initialResult === undefined) return states;
    return {
        [`${args.name}Start`]: { Type: "Pass", Result: args.initialResult, ResultPath: args.task.ResultPath, Next: args.name },
        ...states,
    };
}
