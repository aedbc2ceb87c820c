/**
 * Scheduled (EventBridge Scheduler): brings discovered sources to "catalogued". Fails the invocation
 * (Errors alarm) when any source failed, after trying every one.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GlueClient } from "@aws-sdk/client-glue";
import { LakeFormationClient } from "@aws-sdk/client-lakeformation";
import { RDSClient } from "@aws-sdk/client-rds";
import { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { StateStore } from "../discovery-common/state";
import { instrumented, telemetry } from "../shared/telemetry";
import { type CatalogDeps, type CatalogSummary, runCatalog } from "./catalog";
import { catalogSettingsFrom } from "./settings";

const { logger, metrics } = telemetry("discovery-catalog");

let deps: CatalogDeps | undefined;

export const handler = async (): Promise<Omit<CatalogSummary, "failed"> & { failed: number }> => {
    if (!deps) {
        const settings = catalogSettingsFrom(process.env);
        deps = {
            settings,
            state: new StateStore(new DynamoDBClient({}), settings.STATE_TABLE_NAME),
            glue: new GlueClient({}),
            lakeFormation: new LakeFormationClient({}),
            tagging: new ResourceGroupsTaggingAPIClient({}),
            rds: new RDSClient({}),
            secrets: new SecretsManagerClient({}),
        };
    }
    const ready = deps;
    return instrumented(metrics, "CatalogRunsFailed", async () => {
        const summary = await runCatalog(ready);
        for (const [key, value] of Object.entries(summary)) metrics.addMetric(`Catalog_${key}`, MetricUnit.Count, value.length);
        logger.info("catalog run", { catalogued: summary.catalogued.length, ignored: summary.ignored.length, blocked: summary.blocked, failed: summary.failed });
        if (summary.failed.length > 0) {
            throw new Error(`${summary.failed.length} source(s) failed to catalog: ${summary.failed.map((f) => `${f.arn} (${f.error})`).join("; ").slice(0, 2000)}`);
        }
        return { ...summary, failed: 0 };
    });
};
