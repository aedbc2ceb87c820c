/**
 * Starts the release execution under a name derived from the request, so a retried request
 * maps to the same execution. Step Functions returns the running execution for the same name
 * and input; for a closed one it raises ExecutionAlreadyExists and we look it up.
 */
import { createHash } from "node:crypto";
import { DescribeExecutionCommand, ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import type { Caller } from "../shared/iam-caller";
import type { ReleaseBody } from "./request";

export interface ReleaseExecutionInput {
    findingId: string;
    versionId: string;
    reason: string;
    requestId: string;
    requestedBy: Caller;
}

export function releaseExecutionName(body: ReleaseBody): string {
    const digest = createHash("sha256").update(`${body.findingId}\n${body.versionId}\n${body.requestId}`).digest("hex");
    return `release-${digest.slice(0, 40)}`;
}

export type StartOutcome =
    | { status: "STARTED"; executionArn: string }
    | { status: "ALREADY_STARTED"; executionArn: string; executionStatus: string }
    | { status: "CONFLICT"; executionArn: string };

function executionArnFor(stateMachineArn: string, name: string): string {
    return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}

/**
 * The same release request: the same body, asked by the same role. A retry from a new session of that
 * role (a new session name, a new user id) is the same request; another role reusing the requestId is not.
 */
function sameRequest(existingInput: string | undefined, input: ReleaseExecutionInput): boolean {
    if (existingInput === undefined) return false;
    let existing: Partial<ReleaseExecutionInput>;
    try {
        existing = JSON.parse(existingInput) as Partial<ReleaseExecutionInput>;
    } catch {
        return false;
    }
    const role = (caller: Partial<Caller> | undefined) => (caller?.principalArn ?? "").replace(/\/[^/]+$/, "");
    return (
        existing.findingId === input.findingId &&
        existing.versionId === input.versionId &&
        existing.reason === input.reason &&
        existing.requestId === input.requestId &&
        existing.requestedBy?.accountId === input.requestedBy.accountId &&
        role(existing.requestedBy) === role(input.requestedBy)
    );
}

export async function startRelease(sfn: SFNClient, stateMachineArn: string, input: ReleaseExecutionInput, name: string): Promise<StartOutcome> {
    try {
        const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
        return { status: "STARTED", executionArn: out.executionArn ?? executionArnFor(stateMachineArn, name) };
    } catch (error) {
        // Raised for a closed execution of this name, and for a running one started with another input.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
    const executionArn = executionArnFor(stateMachineArn, name);
    const existing = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return sameRequest(existing.input, input)
        ? { status: "ALREADY_STARTED", executionArn, executionStatus: existing.status ?? "UNKNOWN" }
        : { status: "CONFLICT", executionArn };
}

export function stateMachineArnFromEnvironment(value: string | undefined): string {
    if (!value || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]{1,80}$/.test(value)) {
        throw new Error("RELEASE_STATE_MACHINE_ARN must be the release state machine ARN");
    }
    return value;
}
