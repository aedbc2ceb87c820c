/**
 * The scheduled catalog step: every discovered source that opted in gets its Glue database, crawlers
 * (JDBC connection for Aurora/RDS), PII job and workflow; retired sources lose what would run against them.
 * One source failing never stops the others; it keeps its status and is retried on the next run.
 */
import type { GlueClient } from "@aws-sdk/client-glue";
import type { LakeFormationClient } from "@aws-sdk/client-lakeformation";
import type { RDSClient } from "@aws-sdk/client-rds";
import type { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { glueNames } from "../discovery-common/source";
import type { SourceItem, StateStore } from "../discovery-common/state";
import { tagsOf } from "../discovery-common/tags";
import { applyPlan, removeRunners } from "./glue";
import { catalogPlan } from "./plan";
import { clusterConnection, SourceBlocked } from "./rds";
import type { CatalogSettings } from "./settings";

export interface CatalogDeps {
    state: StateStore;
    glue: GlueClient;
    lakeFormation: LakeFormationClient;
    tagging: ResourceGroupsTaggingAPIClient;
    rds: RDSClient;
    secrets: SecretsManagerClient;
    settings: CatalogSettings;
}

export interface CatalogSummary {
    catalogued: string[];
    ignored: string[];
    blocked: string[];
    cleaned: string[];
    failed: { arn: string; error: string }[];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
}

export async function runCatalog(deps: CatalogDeps): Promise<CatalogSummary> {
    const summary: CatalogSummary = { catalogued: [], ignored: [], blocked: [], cleaned: [], failed: [] };
    const discovered = await collect(deps.state.withStatus("discovered"));
    const tags = await tagsOf(deps.tagging, discovered.map((s) => s.arn));
    for (const source of discovered) {
        try {
            const sourceTags = tags.get(source.arn) ?? {};
            if (sourceTags[deps.settings.OPT_IN_TAG_KEY] !== deps.settings.OPT_IN_TAG_VALUE) {
                if (await deps.state.transition(source.arn, "discovered", "ignored", { reason: `no ${deps.settings.OPT_IN_TAG_KEY}=${deps.settings.OPT_IN_TAG_VALUE} tag` })) summary.ignored.push(source.arn);
                continue;
            }
            const dataset = sourceTags[deps.settings.DATASET_TAG_KEY] || undefined;
            const schemas = (sourceTags[deps.settings.SCHEMAS_TAG_KEY] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
            const cluster = source.kind === "rds" ? await clusterConnection(deps.rds, deps.secrets, source.name) : undefined;
            const plan = catalogPlan(deps.settings, source, { schemas, cluster, dataset });
            await applyPlan(deps.glue, deps.lakeFormation, plan);
            const moved = await deps.state.transition(source.arn, "discovered", "catalogued", {
                glueDatabase: plan.database.Name,
                glueJob: plan.job.Name,
                glueCrawlers: plan.crawlers.map((c) => c.Name).join(","),
                dataset,
            });
            if (moved) summary.catalogued.push(source.arn);
        } catch (error) {
            if (error instanceof SourceBlocked) {
                if (await deps.state.transition(source.arn, "discovered", "blocked", { reason: error.message })) summary.blocked.push(source.arn);
                continue;
            }
            const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            await deps.state.recordFailure(source.arn, "discovered", message);
            summary.failed.push({ arn: source.arn, error: message });
        }
    }
    for (const source of await collect(deps.state.withStatus("retired"))) {
        if (!source.glueJob) continue;
        try {
            await removeRunners(deps.glue, runnersOf(deps.settings.LAKEWARDEN_ENVIRONMENT, source));
            if (await deps.state.transition(source.arn, "retired", "retired", {}, ["glueJob", "glueCrawlers"])) summary.cleaned.push(source.arn);
        } catch (error) {
            summary.failed.push({ arn: source.arn, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        }
    }
    return summary;
}

function runnersOf(environment: string, source: SourceItem) {
    const names = glueNames(environment, source);
    return {
        triggers: [names.startTrigger, names.detectTrigger],
        workflow: names.workflow,
        job: source.glueJob!,
        crawlers: (source.glueCrawlers ?? "").split(",").filter(Boolean),
    };
}
