/**
 * One run at a time per pipeline: a conditional put on the pipeline's lock item. The lock
 * expires with the run's own timeout, because Step Functions cannot catch an execution timeout
 * and a crashed run must not hold the pipeline forever; a retried begin of the same run is a no-op.
 */
import { ConditionalCheckFailedException, type DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";

export interface LockRequest {
    pipeline: string;
    runId: string;
    /** Execution start (ISO 8601). */
    startedAt: string;
    lockSeconds: number;
}

export async function acquireRunLock(ddb: DynamoDBClient, table: string, request: LockRequest, now: Date): Promise<boolean> {
    const expiresAt = Math.floor(Date.parse(request.startedAt) / 1000) + request.lockSeconds;
    try {
        await ddb.send(
            new PutItemCommand({
                TableName: table,
                Item: {
                    pipeline: { S: request.pipeline },
                    runId: { S: request.runId },
                    startedAt: { S: request.startedAt },
                    expiresAt: { N: String(expiresAt) },
                },
                ConditionExpression: "attribute_not_exists(pipeline) OR runId = :me OR expiresAt < :now",
                ExpressionAttributeValues: { ":me": { S: request.runId }, ":now": { N: String(Math.floor(now.getTime() / 1000)) } },
            }),
        );
        return true;
    } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
            return false;
        }
        throw error;
    }
}
