/**
 * SQS batch of CloudTrail events (EventBridge → encrypted queue): each message updates the state table;
 * a message that fails is reported back (ReportBatchItemFailures) and only it is redelivered, then lands
 * in the dead-letter queue. Env: STATE_TABLE_NAME.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { StateStore } from "../discovery-common/state";
import { applyEvent } from "./intake";

const logger = new Logger({ serviceName: "discovery-intake" });
const metrics = new Metrics({ namespace: "lakewarden", serviceName: "discovery-intake" });

export function intakeHandler(state: StateStore) {
    const processor = new BatchProcessor(EventType.SQS);
    const recordHandler = async (record: SQSRecord) => {
        const result = await applyEvent(record.body, state);
        logger.info("event applied", { messageId: record.messageId, ...result });
        metrics.addMetric(`Sources_${result.outcome}`, MetricUnit.Count, 1);
        return result;
    };
    return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
        try {
            return await processPartialResponse(event, recordHandler, processor, { context });
        } finally {
            metrics.publishStoredMetrics();
        }
    };
}

let bound: ReturnType<typeof intakeHandler> | undefined;

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const tableName = process.env.STATE_TABLE_NAME;
    if (!tableName) throw new Error("STATE_TABLE_NAME is not set");
    bound ??= intakeHandler(new StateStore(new DynamoDBClient({}), tableName));
    return bound(event, context);
};
