/**
 * The audit record of a run's approval: written PENDING with the task token when the workflow
 * asks, claimed exactly once by a decision (conditional update), so two approvers racing, a
 * retried POST or a decision after the timeout can never send the workflow two answers.
 * The task token stays in the table (customer key); it never travels in a message or a URL.
 */
import { ConditionalCheckFailedException, type DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { DecisionConflict } from "./errors";

type Decision = "approve" | "deny";

export interface PendingApproval {
    runId: string;
    pipeline: string;
    taskToken: string;
    reviewCount: number;
    requestedAt: string;
    /** When the workflow stops waiting (the task's timeout): no decision by then is a deny. */
    expiresAt: string;
}

export interface DecisionClaim {
    runId: string;
    decision: Decision;
    approverArn: string;
    reason: string;
    decidedAt: string;
}

export async function recordPending(ddb: DynamoDBClient, table: string, pending: PendingApproval): Promise<"RECORDED" | "ALREADY_RECORDED"> {
    try {
        await ddb.send(
            new PutItemCommand({
                TableName: table,
                Item: {
                    runId: { S: pending.runId },
                    pipeline: { S: pending.pipeline },
                    taskToken: { S: pending.taskToken },
                    reviewCount: { N: String(pending.reviewCount) },
                    requestedAt: { S: pending.requestedAt },
                    expiresAt: { S: pending.expiresAt },
                    status: { S: "PENDING" },
                },
                // A retried request task (same token) is a no-op; a different token for the same run is not.
                ConditionExpression: "attribute_not_exists(runId) OR (taskToken = :token AND #status = :pending)",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":token": { S: pending.taskToken }, ":pending": { S: "PENDING" } },
            }),
        );
        return "RECORDED";
    } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
            throw new DecisionConflict(`run ${pending.runId} already has an approval record for another request`);
        }
        throw error;
    }
}

/** Claims the pending approval for this decision; returns the task token to answer. */
export async function claimDecision(ddb: DynamoDBClient, table: string, claim: DecisionClaim): Promise<{ taskToken: string; pipeline: string }> {
    try {
        const updated = await ddb.send(
            new UpdateItemCommand({
                TableName: table,
                Key: { runId: { S: claim.runId } },
                UpdateExpression: "SET #status = :decided, decision = :decision, approverArn = :approver, reason = :reason, decidedAt = :at",
                ConditionExpression: "#status = :pending AND expiresAt > :at",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: {
                    ":decided": { S: "DECIDED" },
                    ":pending": { S: "PENDING" },
                    ":decision": { S: claim.decision },
                    ":approver": { S: claim.approverArn },
                    ":reason": { S: claim.reason },
                    ":at": { S: claim.decidedAt },
                },
                ReturnValues: "ALL_NEW",
            }),
        );
        const token = updated.Attributes?.taskToken?.S;
        const pipeline = updated.Attributes?.pipeline?.S;
        if (!token || !pipeline) {
            throw new Error(`approval record of run ${claim.runId} has no task token`);
        }
        return { taskToken: token, pipeline };
    } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
            throw error;
        }
        const current = await ddb.send(new GetItemCommand({ TableName: table, Key: { runId: { S: claim.runId } }, ConsistentRead: true }));
        const item = current.Item;
        if (!item) {
            throw new DecisionConflict(`run ${claim.runId} is not waiting for a decision`);
        }
        if (item.status?.S === "DECIDED") {
            throw new DecisionConflict(`run ${claim.runId} was already decided: ${item.decision?.S} by ${item.approverArn?.S} at ${item.decidedAt?.S}`);
        }
        throw new DecisionConflict(`the decision window of run ${claim.runId} closed at ${item.expiresAt?.S}; the run was denied`);
    }
}

/** After a claimed decision could not be delivered (the task timed out meanwhile), say so in the record. */
export async function markUndelivered(ddb: DynamoDBClient, table: string, runId: string, why: string): Promise<void> {
    await ddb.send(
        new UpdateItemCommand({
            TableName: table,
            Key: { runId: { S: runId } },
            UpdateExpression: "SET #status = :undelivered, undeliveredReason = :why",
            ConditionExpression: "#status = :decided",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":undelivered": { S: "UNDELIVERED" }, ":decided": { S: "DECIDED" }, ":why": { S: why } },
        }),
    );
}
