/**
 * Triggered by EventBridge on "Glue Job State Change" SUCCEEDED of a PII job (never by a clock, so it
 * reports the run that just finished). Env: STATE_TABLE_NAME, RESULTS_BUCKET, RESULTS_PREFIX,
 * RECORDS_PREFIX, DISAGREEMENTS_PREFIX, ACCOUNT_ID.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GlueClient } from "@aws-sdk/client-glue";
import { LakeFormationClient } from "@aws-sdk/client-lakeformation";
import { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { DISAGREEMENT_METRIC } from "../discovery-common/markers";
import { requiredEnv } from "../discovery-common/env";
import { instrumented, telemetry } from "../shared/telemetry";
import { StateStore } from "../discovery-common/state";
import { readResults, report, type ReporterDeps } from "./report";
import { jobStateChangeSchema } from "./results";

const { logger, metrics } = telemetry("discovery-reporter");


let deps: ReporterDeps | undefined;

export async function handleJobEvent(event: unknown, d: ReporterDeps) {
    const parsed = jobStateChangeSchema.safeParse(event);
    if (!parsed.success) throw new Error(`not a Glue Job State Change event: ${z.prettifyError(parsed.error)}`);
    const { jobName, jobRunId, state } = parsed.data.detail;
    if (state !== "SUCCEEDED") throw new Error(`job ${jobName} run ${jobRunId} is ${state}: only successful runs are reported (the rule should not send this)`);
    const results = await readResults(d, jobName, jobRunId);
    return report(d, results);
}

export const handler = async (event: unknown) => {
    deps ??= {
        glue: new GlueClient({}),
        lakeFormation: new LakeFormationClient({}),
        s3: new S3Client({}),
        state: new StateStore(new DynamoDBClient({}), requiredEnv("STATE_TABLE_NAME")),
        resultsBucket: requiredEnv("RESULTS_BUCKET"),
        resultsPrefix: requiredEnv("RESULTS_PREFIX"),
        recordsPrefix: requiredEnv("RECORDS_PREFIX"),
        disagreementsPrefix: requiredEnv("DISAGREEMENTS_PREFIX"),
        catalogId: requiredEnv("ACCOUNT_ID"),
    };
    const ready = deps;
    return instrumented(metrics, "ReportsFailed", async () => {
        const summary = await handleJobEvent(event, ready);
        metrics.addMetric(DISAGREEMENT_METRIC, MetricUnit.Count, summary.disagreements.length);
        metrics.addMetric("ColumnsMarkedPii", MetricUnit.Count, summary.columnsMarked);
        if (summary.disagreements.length > 0) logger.warn("detections contradict the model", { disagreements: summary.disagreements });
        logger.info("reported", { database: summary.database, tablesUpdated: summary.tablesUpdated, columnsMarked: summary.columnsMarked, columnsCleared: summary.columnsCleared });
        return { ...summary, detections: summary.detections.length };
    });
};
