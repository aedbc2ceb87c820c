/**
 * Runs the scan-stage definition in aws-local-stepfunctions with the real step code behind every
 * task: run steps and approval against a StageWorld (S3 and Macie answered through aws-sdk-client-mock
 * on the clients the steps use) and dynalite (the lock and decision tables, conditions evaluated
 * as DynamoDB does). The approver is a callback; `timeout` makes the approval task time out.
 */
import { gzipSync } from "node:zlib";
import { DeleteItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import {
    CreateClassificationJobCommand,
    DescribeClassificationJobCommand,
    GetFindingsCommand,
    ListFindingsCommand,
    Macie2Client,
} from "@aws-sdk/client-macie2";
import { GetObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { claimDecision } from "../../lambdas/scan-stage/decision-record";
import { moveBatch, type MoveRequest } from "../../lambdas/scan-stage/move";
import { runAction, type RunRequest } from "../../lambdas/scan-stage/run-handler";
import type { RunDeps } from "../../lambdas/scan-stage/run-steps";
import { parseApprovalRequest, requestApproval } from "../../lambdas/scan-stage/request-approval";
import { DECISION_TABLE_KEY, LOCK_TABLE_KEY, tableDefinition } from "../../lambdas/scan-stage/tables";
import type { StateMachineDefinition, State } from "../../workflows/asl";
import type { EventLog } from "../step-functions/history";
import { localStateMachine } from "../step-functions/local-machine";
import { ScanStates } from "../../workflows/scan-stage";
import { type LocalDynamo, startDynalite } from "../dynalite";
import type { StageWorld } from "./world";

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";

export interface LocalStage {
    dynamo: LocalDynamo;
    lockTable: string;
    decisionTable: string;
    close(): Promise<void>;
}

export async function startLocalStage(): Promise<LocalStage> {
    const dynamo = await startDynalite([tableDefinition("scan-lock", LOCK_TABLE_KEY), tableDefinition("scan-decisions", DECISION_TABLE_KEY)]);
    return { dynamo, lockTable: "scan-lock", decisionTable: "scan-decisions", close: () => dynamo.close() };
}

export type Decider = (runId: string) => "approve" | "deny" | "timeout";

export interface RunOutcome {
    status: "SUCCEEDED" | "FAILED";
    error?: string;
    /** The execution's error name (the Fail state's Error). */
    errorName?: string;
    notices: string[];
    /** The workflow's RUN_FAILED publications, as the SNS task received them. */
    failureReports: { Subject: string; Message: string; MessageAttributes: Record<string, { DataType: string; StringValue: string }> }[];
    states: string[];
    /** The executor's event log (history events and payload sizes: support/step-functions/history.ts). */
    events: EventLog[];
}

function s3For(world: StageWorld): S3Client {
    const s3 = new S3Client({ region: REGION });
    const mock = mockClient(s3);
    mock.on(ListObjectVersionsCommand).callsFake((input: { Bucket: string }) => {
        const bucket = (Object.keys(world.names) as (keyof StageWorld["names"])[]).find(b => world.names[b] === input.Bucket);
        if (!bucket) throw new Error(`no bucket ${input.Bucket}`);
        return { Versions: world.current(bucket).map(o => ({ Key: o.key, VersionId: o.versionId, IsLatest: true, Size: 1 })) };
    });
    // The discovery results of job <id> as one jsonl.gz file, in Macie's record shape.
    mock.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({ Contents: [{ Key: `${input.Prefix}results.jsonl.gz` }] }));
    mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
        const jobId = input.Key.split("/").at(-2) ?? "";
        const lines = world.results(jobId).map(r =>
            JSON.stringify({
                classificationDetails: { jobId, result: { status: { code: r.status, reason: r.reason } } },
                resourcesAffected: { s3Bucket: { name: world.names.scan }, s3Object: { key: r.key, versionId: r.versionId } },
            }),
        );
        const body = gzipSync(lines.join("\n"));
        return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
    });
    return s3;
}

function macieFor(world: StageWorld): Macie2Client {
    const macie = new Macie2Client({ region: REGION });
    const mock = mockClient(macie);
    mock.on(CreateClassificationJobCommand).callsFake((input: { clientToken: string }) => ({ jobId: world.startJob(input.clientToken) }));
    mock.on(DescribeClassificationJobCommand).callsFake(() => ({ jobStatus: world.jobStatus() }));
    mock.on(ListFindingsCommand).callsFake((input: { findingCriteria: { criterion: Record<string, { eq: string[] }> } }) => ({
        findingIds: world.findings(input.findingCriteria.criterion["classificationDetails.jobId"].eq[0]).map(f => f.findingId),
    }));
    mock.on(GetFindingsCommand).callsFake((input: { findingIds: string[] }) => {
        const jobId = input.findingIds[0].split("-f")[0];
        const all = new Map(world.findings(jobId).map(f => [f.findingId, f]));
        return {
            findings: input.findingIds.map(id => {
                const f = all.get(id);
                return {
                    id,
                    type: f?.type,
                    severity: { description: f?.severity },
                    classificationDetails: { jobId },
                    resourcesAffected: { s3Object: { key: f?.key, versionId: f?.versionId } },
                };
            }),
        };
    });
    return macie;
}

function innerStateNames(definition: { States: Record<string, State> }, suffix: string): string[] {
    return Object.entries(definition.States).flatMap(([name, state]) => [
        ...(name.endsWith(suffix) ? [name] : []),
        ...(state.Type === "Map" ? innerStateNames(state.ItemProcessor, suffix) : []),
    ]);
}

export async function runScanLocally(
    definition: StateMachineDefinition,
    world: StageWorld,
    stage: LocalStage,
    options: { runId: string; decide?: Decider; startedAt?: string; maxObjects?: number; topicUnavailable?: boolean },
): Promise<RunOutcome> {
    const notices: string[] = [];
    const failureReports: RunOutcome["failureReports"] = [];
    const states: string[] = [];
    const deps: RunDeps = {
        s3: s3For(world),
        macie: macieFor(world),
        ddb: stage.dynamo.client,
        accountId: ACCOUNT,
        region: REGION,
        buckets: { landing: world.names.landing, scan: world.names.scan },
        lockTable: stage.lockTable,
        results: { bucket: "macie-results", prefix: "" },
        maxObjects: options.maxObjects ?? 1000,
        now: () => new Date(options.startedAt ?? "2026-12-02T10:00:00Z"),
        countSkipped: () => notices.push("SkippedRuns"),
    };
    const sns = new SNSClient({ region: REGION });
    mockClient(sns)
        .on(PublishCommand)
        .callsFake((input: { Message: string }) => {
            notices.push(input.Message);
            return { MessageId: "m" };
        });
    const dynamoTask = (command: typeof DeleteItemCommand | typeof UpdateItemCommand) => async (input: Record<string, unknown>) =>
        stage.dynamo.client.send(new command(input as never)).catch((error: Error) => {
            throw Object.assign(new Error(error.message), { name: `DynamoDB.${error.name}` });
        });
    const handlers: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
        ...Object.fromEntries(
            [ScanStates.BeginRun, ScanStates.StartJob, ScanStates.PollJob, ScanStates.Judge].map(s => [
                s,
                (input: Record<string, unknown>) => runAction(input as RunRequest, deps),
            ]),
        ),
        ...Object.fromEntries(
            innerStateNames(definition, "Batch").map(s => [
                s,
                (input: Record<string, unknown>) => moveBatch(world.mover, world.names, input as unknown as MoveRequest, () => 900_000),
            ]),
        ),
        [ScanStates.ReleaseLock]: dynamoTask(DeleteItemCommand),
        [ScanStates.ReleaseLockAfterFailure]: dynamoTask(DeleteItemCommand),
        [ScanStates.DeniedByTimeout]: dynamoTask(UpdateItemCommand),
        [ScanStates.RequestApproval]: async input => {
            const request = parseApprovalRequest((input as { Payload: unknown }).Payload);
            await requestApproval(
                {
                    ddb: stage.dynamo.client,
                    sns,
                    decisionTable: stage.decisionTable,
                    topicArn: "arn:aws:sns:eu-west-1:111122223333:scan",
                    approvalApiUrl: "https://api.example/prod",
                    reviewBucket: world.names.review,
                },
                request,
            );
            const decision = options.decide?.(request.runId) ?? "timeout";
            if (decision === "timeout") {
                throw Object.assign(new Error("approval task timed out"), { name: "States.Timeout" });
            }
            // The approver's POST, as the approval API applies it (its request parsing is specified on the real API Gateway event).
            const decidedAt = new Date(Date.parse(request.enteredAt) + 1000).toISOString();
            const approverArn = `arn:aws:sts::${ACCOUNT}:assumed-role/data-steward/alice`;
            const claimed = await claimDecision(stage.dynamo.client, stage.decisionTable, {
                runId: request.runId,
                decision,
                approverArn,
                reason: "reviewed in the local run",
                decidedAt,
            });
            if (claimed.taskToken !== request.taskToken) throw new Error("the decision answered another task");
            return { decision, approverArn, decidedAt };
        },
        [ScanStates.ReportFailure]: async input => {
            if (options.topicUnavailable) throw Object.assign(new Error("Topic key disabled"), { name: "SNS.KMSDisabledException" });
            failureReports.push(input as RunOutcome["failureReports"][number]);
            notices.push(`FAILED ${String(input.Message)}`);
            return { MessageId: "f" };
        },
    };
    const recorded = Object.fromEntries(
        Object.entries(handlers).map(([state, handler]) => [
            state,
            async (input: unknown) => {
                states.push(state);
                return (await handler(input as Record<string, unknown>)) as never;
            },
        ]),
    );
    const machine = localStateMachine(definition);
    const execution = machine.run(
        {},
        {
            overrides: {
                taskResourceLocalHandlers: recorded,
                waitTimeOverrides: { [ScanStates.WaitForJob]: 0 },
                retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map(s => [s, 0])),
            },
            // The local executor fills neither $$.Task.Token nor $$.State.EnteredTime: given once per run here.
            context: {
                Task: { Token: `local-token-${options.runId}` },
                State: { EnteredTime: options.startedAt ?? "2026-12-02T10:00:00Z" },
                Execution: {
                    Name: options.runId,
                    Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:scan:${options.runId}`,
                    StartTime: options.startedAt ?? "2026-12-02T10:00:00Z",
                },
            },
        },
    );
    const events: EventLog[] = [];
    const collecting = (async () => {
        for await (const event of execution.eventLogs) events.push(event);
    })();
    try {
        await execution.result;
        await collecting;
        return { status: "SUCCEEDED", notices, failureReports, states, events };
    } catch (error) {
        await collecting.catch(() => undefined);
        return {
            status: "FAILED",
            error: (error as Error).message,
            errorName: ((error as Error).cause as Error | undefined)?.name,
            notices,
            failureReports,
            states,
            events,
        };
    }
}
