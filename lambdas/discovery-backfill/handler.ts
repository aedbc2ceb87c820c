/** Scheduled backfill of the state table. Env: STATE_TABLE_NAME, OPT_IN_TAG_KEY, OPT_IN_TAG_VALUE, ACCOUNT_ID. */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { RDSClient } from "@aws-sdk/client-rds";
import { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { S3Client } from "@aws-sdk/client-s3";
import { requiredEnv } from "../discovery-common/env";
import { instrumented, telemetry } from "../shared/telemetry";
import { StateStore } from "../discovery-common/state";
import { type BackfillDeps, type BackfillSummary, runBackfill } from "./backfill";

const { logger, metrics } = telemetry("discovery-backfill");
let deps: BackfillDeps | undefined;


export const handler = async (): Promise<BackfillSummary> => {
    deps ??= {
        state: new StateStore(new DynamoDBClient({}), requiredEnv("STATE_TABLE_NAME")),
        tagging: new ResourceGroupsTaggingAPIClient({}),
        s3: new S3Client({}),
        dynamodb: new DynamoDBClient({}),
        rds: new RDSClient({}),
        home: { accountId: requiredEnv("ACCOUNT_ID"), region: requiredEnv("AWS_REGION") },
        optIn: { key: requiredEnv("OPT_IN_TAG_KEY"), value: requiredEnv("OPT_IN_TAG_VALUE", true) },
        now: () => new Date(),
    };
    const ready = deps;
    return instrumented(metrics, "BackfillRunsFailed", async () => {
        const summary = await runBackfill(ready);
        logger.info("backfill run", { ...summary });
        for (const [key, value] of Object.entries(summary)) metrics.addMetric(`Backfill_${key}`, MetricUnit.Count, value);
        return summary;
    });
};
