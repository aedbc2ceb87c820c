import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Counts } from "./apply";
import type { ReconcileResult } from "./reconcile";

/** Logs a reconcile's outcome and records one metric per count (namespace lakewarden). */

export const COUNT_METRICS: Record<keyof Counts, string> = {
    created: "FiltersCreated",
    updated: "FiltersUpdated",
    deleted: "FiltersDeleted",
    granted: "GrantsAdded",
    revoked: "GrantsRevoked",
    failed: "Failures",
};

export function report(result: ReconcileResult, logger: Pick<Logger, "info" | "warn" | "error">, metrics: Metrics): void {
    for (const table of result.tables) {
        table.failures.forEach(failure => logger.error("reconcile step failed", { table: table.table, ...failure }));
        table.warnings.forEach(warning => logger.warn("limit warning", { table: table.table, warning }));
        table.untouched.forEach(group => logger.warn("group left untouched", { table: table.table, ...group }));
    }
    result.unreadableOus.forEach(failure => logger.error("organisation read failed", { ...failure }));
    if (result.rejectedAccountIds.length > 0) logger.warn("accounts with invalid ids skipped", { ids: result.rejectedAccountIds });
    if (result.missingOus.length > 0) logger.warn("mapped OUs not found; their access is removed", { ous: result.missingOus });
    logger.info(result.dryRun ? "dry run planned" : "reconcile finished", {
        dryRun: result.dryRun,
        counts: result.counts,
        tables: result.tables.map(({ table, counts }) => ({ table, counts })),
    });
    // A dry run changes nothing, so it must not show up as changes on dashboards or alarms.
    if (result.dryRun) return;
    for (const [count, metric] of Object.entries(COUNT_METRICS) as [keyof Counts, string][]) {
        metrics.addMetric(metric, MetricUnit.Count, result.counts[count]);
    }
    metrics.addMetric("MissingOus", MetricUnit.Count, result.missingOus.length);
    metrics.addMetric(
        "LimitWarnings",
        MetricUnit.Count,
        result.tables.reduce((n, table) => n + table.warnings.length, 0),
    );
}
