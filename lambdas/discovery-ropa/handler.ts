/**
 * Scheduled: writes the art. 30 record of every known source to the report table (one item per source
 * and report date, so the history stays) and exports it as CSV and JSON to the reports bucket.
 * Env: STATE_TABLE_NAME, REPORT_TABLE_NAME, REPORTS_BUCKET, REPORTS_PREFIX, RECORD_TAGS (JSON), READERS (JSON).
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { S3Client } from "@aws-sdk/client-s3";
import { requiredEnv } from "../discovery-common/env";
import { instrumented, telemetry } from "../shared/telemetry";
import { StateStore } from "../discovery-common/state";
import { type RopaDeps, runRopa } from "./ropa";
import { RECORD_ATTRIBUTES, readersSchema } from "./record";
import { z } from "zod";

const { logger, metrics } = telemetry("discovery-ropa");


let deps: RopaDeps | undefined;

export const handler = async () => {
    if (!deps) {
        const dynamodb = new DynamoDBClient({});
        deps = {
            state: new StateStore(dynamodb, requiredEnv("STATE_TABLE_NAME")),
            dynamodb,
            tagging: new ResourceGroupsTaggingAPIClient({}),
            s3: new S3Client({}),
            reportTable: requiredEnv("REPORT_TABLE_NAME"),
            reportsBucket: requiredEnv("REPORTS_BUCKET"),
            reportsPrefix: requiredEnv("REPORTS_PREFIX"),
            recordTags: z.record(z.enum(RECORD_ATTRIBUTES), z.string()).parse(JSON.parse(requiredEnv("RECORD_TAGS"))) as RopaDeps["recordTags"],
            readers: readersSchema.parse(JSON.parse(requiredEnv("READERS"))),
            now: () => new Date(),
        };
    }
    const ready = deps;
    return instrumented(metrics, "RecordRunsFailed", async () => {
        const report = await runRopa(ready);
        metrics.addMetric("SourcesLackingRecordTags", MetricUnit.Count, report.lacking.length);
        logger.info("record of processing written", { sources: report.entries.length, lacking: report.lacking });
        return { sources: report.entries.length, lacking: report.lacking.length };
    });
};
