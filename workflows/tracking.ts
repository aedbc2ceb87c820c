/**
 * The quarantine tracking table: key schema, record states and the conditional UpdateItem
 * tasks (direct Step Functions -> DynamoDB integration) that move a record between states.
 *
 * One item per (Macie finding id, S3 object version id). Every transition is a conditional
 * write on the expected previous state(s), so a re-run resumes where the last run stopped and
 * a stale or concurrent run cannot move a record backwards.
 */
import { catchAll, DYNAMODB_UPDATE_ITEM, ERROR_PATH, retryUnless, type FailState, type PayloadTemplate, type TaskState } from "./asl";

export const TRACKING_KEY = { partition: "findingId", sort: "versionId" } as const;

/** For the table resource: both key attributes are strings. */
export const TRACKING_TABLE_KEY_SCHEMA = {
    hashKey: TRACKING_KEY.partition,
    rangeKey: TRACKING_KEY.sort,
    attributes: [
        { name: TRACKING_KEY.partition, type: "S" },
        { name: TRACKING_KEY.sort, type: "S" },
    ],
} as const;

export const TrackingState = {
    /** Finding recorded, nothing moved yet. */
    Recorded: "RECORDED",
    /** Quarantine copy exists (quarantineKey, quarantineVersionId). */
    Copied: "COPIED",
    /** Copy verified equal to the original (checksum, size). */
    Verified: "VERIFIED",
    /** Original version deleted (a delete marker hides the key if it was current); only the quarantine copy remains. */
    Quarantined: "QUARANTINED",
    /** Replication, Object Lock or a legal hold would defeat the quarantine: nothing moved, reported. */
    Blocked: "BLOCKED",
    /** The original version was already gone before it could be copied. */
    SourceMissing: "SOURCE_MISSING",
    /** Release: copy written back to the original key (restoredVersionId). */
    Restored: "RESTORED",
    /** Release: restored object verified equal to the quarantine copy. */
    RestoreVerified: "RESTORE_VERIFIED",
    /** Release: quarantine copy deleted; the record stays as the audit entry. */
    Released: "RELEASED",
} as const;
export type TrackingState = (typeof TrackingState)[keyof typeof TrackingState];

/** A DynamoDB attribute value in a Parameters template: literal or taken from a JSONPath. */
export type AttributeTemplate = { S: string } | { "S.$": string } | { N: string } | { "N.$": string } | { BOOL: boolean } | { "BOOL.$": string };

type TrackingCondition =
    | { exists: string }
    | { notExists: string }
    | { equals: [field: string, value: AttributeTemplate] }
    | { stateIn: readonly TrackingState[] }
    | { and: TrackingCondition[] }
    | { or: TrackingCondition[] };

/**
 * A transition's condition: the record is in one of `from`, and, when `pinned` is given, that
 * field is unset or already holds this value (a re-run may repeat a transition, never re-point it).
 */
function transitionFrom(from: readonly TrackingState[], pinned?: [field: string, value: AttributeTemplate]): TrackingCondition {
    const states: TrackingCondition = { stateIn: from };
    if (!pinned) return states;
    const [field, value] = pinned;
    return { and: [states, { or: [{ notExists: field }, { equals: [field, value] }] }] };
}

export interface TrackingUpdate {
    set?: Record<string, AttributeTemplate>;
    /** Written only when the attribute is absent (first run wins; re-runs keep it). */
    setIfAbsent?: Record<string, AttributeTemplate>;
    /** Numeric attributes incremented by the value (created at 0). */
    increment?: Record<string, AttributeTemplate>;
    condition?: TrackingCondition;
}

export interface CompiledUpdate {
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, AttributeTemplate>;
}

/**
 * Compiles a typed update to DynamoDB expressions. Every attribute goes through a `#name`
 * placeholder (state, size, key... are reserved words) and every value through `:vN`.
 */
export function compileUpdate(update: TrackingUpdate): CompiledUpdate {
    const names: Record<string, string> = {};
    const values: Record<string, AttributeTemplate> = {};
    const name = (field: string): string => {
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(field)) {
            throw new Error(`tracking attribute "${field}" must be alphanumeric`);
        }
        names[`#${field}`] = field;
        return `#${field}`;
    };
    const value = (template: AttributeTemplate): string => {
        const placeholder = `:v${Object.keys(values).length}`;
        values[placeholder] = template;
        return placeholder;
    };
    const assignments = [
        ...Object.entries(update.set ?? {}).map(([field, v]) => `${name(field)} = ${value(v)}`),
        ...Object.entries(update.setIfAbsent ?? {}).map(([field, v]) => `${name(field)} = if_not_exists(${name(field)}, ${value(v)})`),
        ...Object.entries(update.increment ?? {}).map(([field, v]) => `${name(field)} = if_not_exists(${name(field)}, ${value({ N: "0" })}) + ${value(v)}`),
    ];
    if (assignments.length === 0) {
        throw new Error("a tracking update must assign at least one attribute");
    }
    const condition = (c: TrackingCondition): string => {
        if ("exists" in c) return `attribute_exists(${name(c.exists)})`;
        if ("notExists" in c) return `attribute_not_exists(${name(c.notExists)})`;
        if ("equals" in c) return `${name(c.equals[0])} = ${value(c.equals[1])}`;
        if ("stateIn" in c) return `${name("state")} IN (${c.stateIn.map(s => value({ S: s })).join(", ")})`;
        if ("and" in c) return c.and.map(part => `(${condition(part)})`).join(" AND ");
        return c.or.map(part => `(${condition(part)})`).join(" OR ");
    };
    const compiled: CompiledUpdate = {
        UpdateExpression: `SET ${assignments.join(", ")}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
    };
    if (update.condition) {
        compiled.ConditionExpression = condition(update.condition);
    }
    return compiled;
}

/** Where the workflow keeps the record returned by the last transition. */
const TRACKING_PATH = "$.tracking";

/** JSONPath of a string attribute of the last returned record. */
export function trackedString(field: string): string {
    return `${TRACKING_PATH}.item.${field}.S`;
}

const CONDITIONAL_CHECK_FAILED = "DynamoDB.ConditionalCheckFailedException";

/** DynamoDB errors that retrying cannot fix. */
const PERMANENT_DYNAMODB_ERRORS = [CONDITIONAL_CHECK_FAILED, "DynamoDB.ResourceNotFoundException", "DynamoDB.ValidationException"] as const;

export interface TrackingTaskArgs {
    tableName: string;
    /** JSONPaths of the finding id and object version id in the state. */
    keyPaths: { findingId: string; versionId: string };
    update: TrackingUpdate;
    next: string;
    onError: string;
    comment?: string;
    /** Keep the updated record at TRACKING_PATH (default) or discard the response. */
    keepRecord?: boolean;
    /** Where a caught error goes (default ERROR_PATH). */
    errorPath?: string;
}

export function trackingTask(args: TrackingTaskArgs): TaskState {
    const keepRecord = args.keepRecord ?? true;
    const parameters: PayloadTemplate = {
        TableName: args.tableName,
        Key: {
            [TRACKING_KEY.partition]: { "S.$": args.keyPaths.findingId },
            [TRACKING_KEY.sort]: { "S.$": args.keyPaths.versionId },
        },
        ...compileUpdate(args.update),
        ReturnValues: keepRecord ? "ALL_NEW" : "NONE",
    };
    return {
        Type: "Task",
        ...(args.comment ? { Comment: args.comment } : {}),
        Resource: DYNAMODB_UPDATE_ITEM,
        Parameters: parameters,
        ...(keepRecord
            ? {
                  ResultSelector: {
                      "state.$": "$.Attributes.state.S",
                      "notified.$": "$.Attributes.notified.BOOL",
                      "releaseNotified.$": "$.Attributes.releaseNotified.BOOL",
                      "item.$": "$.Attributes",
                  },
              }
            : {}),
        ResultPath: keepRecord ? TRACKING_PATH : null,
        TimeoutSeconds: 30,
        Retry: retryUnless(PERMANENT_DYNAMODB_ERRORS),
        Catch: catchAll(args.onError, args.errorPath),
        Next: args.next,
    };
}

/** Choice rule: the record returned by the last transition is in this state. */
export function whenState(state: TrackingState, next: string) {
    return { Variable: `${TRACKING_PATH}.state`, StringEquals: state, Next: next };
}

/** Choice rule: in this state and the given notification flag is already set. */
export function whenStateAndNotified(state: TrackingState, flag: "notified" | "releaseNotified", next: string) {
    return {
        And: [
            { Variable: `${TRACKING_PATH}.state`, StringEquals: state },
            { Variable: `${TRACKING_PATH}.${flag}`, BooleanEquals: true },
        ],
        Next: next,
    };
}

export interface TransitionArgs extends Omit<TrackingTaskArgs, "update" | "keepRecord" | "errorPath"> {
    to: TrackingState;
    /** States the record may be in; including `to` makes a repeated transition harmless. */
    from: readonly TrackingState[];
    set?: Record<string, AttributeTemplate>;
    setIfAbsent?: Record<string, AttributeTemplate>;
    pinned?: [field: string, value: AttributeTemplate];
}

/** Moves the record to `to` (conditional on `from`), writing the step's results with it. */
export function transitionTask(args: TransitionArgs): TaskState {
    const { to, from, set, setIfAbsent, pinned, ...task } = args;
    return trackingTask({
        ...task,
        update: {
            set: { state: { S: to }, ...set },
            ...(setIfAbsent ? { setIfAbsent } : {}),
            condition: transitionFrom(from, pinned),
        },
    });
}

/** Timestamp of the execution performing a transition (the context object has it everywhere). */
export const EXECUTION_TIME: AttributeTemplate = { "S.$": "$$.Execution.StartTime" };
export const EXECUTION_ID: AttributeTemplate = { "S.$": "$$.Execution.Id" };

/**
 * Records the caught error on the item without changing its state, so the record says why the
 * last run stopped and the next run resumes from the same state.
 */
export function recordFailureTask(args: Omit<TrackingTaskArgs, "update" | "keepRecord" | "errorPath">): TaskState {
    return trackingTask({
        ...args,
        keepRecord: false,
        // The step's error stays at ERROR_PATH for the report and the Fail state.
        errorPath: "$.recordFailureError",
        update: {
            set: {
                lastError: { "S.$": `${ERROR_PATH}.Error` },
                lastErrorCause: { "S.$": `${ERROR_PATH}.Cause` },
                lastErrorAt: EXECUTION_TIME,
                lastErrorExecutionId: EXECUTION_ID,
            },
            increment: { failureCount: { N: "1" } },
            condition: { exists: TRACKING_KEY.partition },
        },
    });
}

/** Sets a notification flag once the notice went out, so a re-run does not send it again. */
export function markNotifiedTask(args: Omit<TrackingTaskArgs, "update" | "keepRecord" | "errorPath"> & { flag: "notified" | "releaseNotified" }): TaskState {
    return trackingTask({
        tableName: args.tableName,
        keyPaths: args.keyPaths,
        update: {
            set: { [args.flag]: { BOOL: true }, [`${args.flag}At`]: EXECUTION_TIME },
            condition: { exists: TRACKING_KEY.partition },
        },
        keepRecord: false,
        next: args.next,
        onError: args.onError,
    });
}

/** The Choice default: a record state the workflow does not know stops it without acting. */
export const UNEXPECTED_TRACKING_STATE: FailState = {
    Type: "Fail",
    Error: "UnexpectedTrackingState",
    Cause: "The tracking record is in a state this workflow does not know.",
};

/** The notification subject (see lambdas/notify-webhook) read from the tracking record. */
export function subjectFromRecord(): PayloadTemplate {
    const fields = ["accountId", "region", "partition", "bucket", "findingType", "severity", "publicStatus", "bucketOwner"];
    return {
        "findingId.$": trackedString(TRACKING_KEY.partition),
        "versionId.$": trackedString(TRACKING_KEY.sort),
        "key.$": trackedString("objectKey"),
        ...Object.fromEntries(fields.map(field => [`${field}.$`, trackedString(field)])),
    };
}
