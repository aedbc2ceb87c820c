import assert from "node:assert/strict";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { zeroCounts } from "../../../lambdas/ou-reconciler/apply";
import type { ReconcileResult } from "../../../lambdas/ou-reconciler/reconcile";
import { COUNT_METRICS, report } from "../../../lambdas/ou-reconciler/report";

function result(overrides: Partial<ReconcileResult>): ReconcileResult {
    return { dryRun: false, counts: zeroCounts(), tables: [], missingOus: [], unreadableOus: [], rejectedAccountIds: [], ...overrides };
}

function recordingLogger() {
    const lines: { level: string; message: string; extra: unknown }[] = [];
    const at = (level: string) => (message: string, extra?: unknown) => lines.push({ level, message: String(message), extra });
    return { lines, logger: { info: at("info"), warn: at("warn"), error: at("error") } as never };
}

describe("ou-reconciler report", () => {
    it("records one metric per count plus missing OUs and limit warnings", () => {
        const metrics = new Metrics({ namespace: "lakewarden", serviceName: "ou-reconciler" });
        const { logger } = recordingLogger();
        const counts = { created: 1, updated: 2, deleted: 3, granted: 4, revoked: 5, failed: 6 };
        report(
            result({
                counts,
                missingOus: ["ou-ab12-gone0000"],
                tables: [{ table: "t", counts, failures: [], warnings: ["too many"], untouched: [] }],
            }),
            logger,
            metrics,
        );
        const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
        for (const [count, metric] of Object.entries(COUNT_METRICS)) assert.equal(emf[metric], counts[count as keyof typeof counts], metric);
        assert.equal(emf.MissingOus, 1);
        assert.equal(emf.LimitWarnings, 1);
    });

    it("logs every failure, warning and untouched group", () => {
        const metrics = new Metrics({ namespace: "lakewarden", serviceName: "ou-reconciler" });
        const { lines, logger } = recordingLogger();
        report(
            result({
                tables: [
                    {
                        table: "c/d/t",
                        counts: { ...zeroCounts(), failed: 1 },
                        failures: [{ operation: "create", target: "lw_ou_r_ab12_tree_1", error: "ThrottlingException: slow" }],
                        warnings: ["limit"],
                        untouched: [{ group: "ou-ab12-aaaaaaaa/tree", reason: "denied" }],
                    },
                ],
                unreadableOus: [{ operation: "read", target: "ou-ab12-aaaaaaaa/tree", error: "denied" }],
                rejectedAccountIds: ["bad"],
            }),
            logger,
            metrics,
        );
        assert.deepEqual(
            lines.map(l => `${l.level}:${l.message}`),
            [
                "error:reconcile step failed",
                "warn:limit warning",
                "warn:group left untouched",
                "error:organisation read failed",
                "warn:accounts with invalid ids skipped",
                "info:reconcile finished",
            ],
        );
    });
});
