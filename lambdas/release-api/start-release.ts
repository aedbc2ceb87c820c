/**
 * Starts the release execution under a name derived from the request, so a retried request
 * maps to the same execution. Step Functions returns the running execution for the same name
 * and input; for a closed one it raises ExecutionAlreadyExists and we look it up.
 */
import { createHash } from "node:crypto";
import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import type { Caller } from "./caller";
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

export function executionArnFor(stateMachineArn: string, name: string): string {
    return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}

export async function startRelease(sfn: SFNClient, stateMachineArn: string, input: ReleaseExecutionInput, name: string): Promise<StartOutcome> {
    const serialized = JSON.stringify(input);
    try {
        const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: serialized }));
        return { status: "STARTED", executionArn: out.executionArn ?? executionArnFor(stateMachineArn, name) };
    } catch (error) {
        if ((error as { name?: string }).name !== "ExecutionAlreadyExists") throw error;
    }
    const executionArn = executionArnFor(stateMachineArn, name);
    const existing = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const sameRequest = existing.input !== undefined && JSON.stringify(JSON.parse(existing.input)) === serialized;
    return sameRequest
        ? { status: "ALREADY_STARTED", executionArn, executionStatus: existing.status ?? "UNKNOWN" }
        : { status: "CONFLICT", executionArn };
}

export function stateMachineArnFromEnvironment(value: string | undefined): string {
    if (!value || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]{1,80}$/.test(value)) {
        throw new Error("RELEASE_STATE_MACHINE_ARN must be the release state machine ARN");
    }
    return value;
}
