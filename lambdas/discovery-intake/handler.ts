/**
 * SQS batch of CloudTrail events (EventBridge → encrypted queue): each message updates the state table;
 * a message that fails is reported back (ReportBatchItemFailures) and only it is redelivered, then lands
 * in the dead-letter queue. Env: STATE_TABLE_NAME.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { requiredEnv } from "../discovery-common/env";
import { instrumented, telemetry } from "../shared/telemetry";
import { StateStore } from "../discovery-common/state";
import { applyEvent } from "./intake";

const { logger, metrics } = telemetry("discovery-intake");

export function intakeHandler(state: StateStore) {
    const processor = new BatchProcessor(EventType.SQS);
    const recordHandler = async (record: SQSRecord) => {
        const result = await applyEvent(record.body, state);
        logger.info("event applied", { messageId: record.messageId, ...result });
        metrics.addMetric(`Sources_${result.outcome}`, MetricUnit.Count, 1);
        return result;
    };
    return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
        return instrumented(metrics, "IntakeBatchesFailed", () => processPartialResponse(event, recordHandler, processor, { context }));
    };
}

let bound: ReturnType<typeof intakeHandler> | undefined;

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    bound ??= intakeHandler(new StateStore(new DynamoDBClient({}), requiredEnv("STATE_TABLE_NAME")));
    return bound(event, context);
};
