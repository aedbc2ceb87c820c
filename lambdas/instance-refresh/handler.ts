import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { instrumented, telemetry } from "../shared/telemetry";
import { describeRefresh, rollbackRefresh, startRefresh } from "./actions";
import { createRefreshClient, refreshPort } from "./aws";
import type { RefreshRequest, RefreshTracking } from "./contract";
import { readRefreshRequest } from "./request";

const { logger, metrics } = telemetry("instance-refresh");
let client: AutoScalingClient | undefined;

const ACTION_METRIC: Readonly<Record<RefreshRequest["action"], string>> = {
    start: "RefreshStarted",
    describe: "RefreshPolled",
    rollback: "RollbackRequested",
};

/** `{ action: "start" | "describe" | "rollback" }` for one Auto Scaling group; returns the tracking record. */
export async function handler(event: unknown): Promise<RefreshTracking> {
    const request = readRefreshRequest(event);
    const port = refreshPort((client ??= createRefreshClient()));
    const now = new Date();
    return instrumented(metrics, "RefreshActionFailed", async () => {
        let tracking: RefreshTracking;
        if (request.action === "start") tracking = await startRefresh(port, request, now);
        else if (request.action === "describe") tracking = await describeRefresh(port, request, now);
        else tracking = await rollbackRefresh(port, request, now);
        logger.info(`instance refresh ${request.action}`, { ...tracking });
        metrics.addMetric(ACTION_METRIC[request.action], MetricUnit.Count, 1);
        if (tracking.outcome !== "InProgress") metrics.addMetric(`Refresh${tracking.outcome}`, MetricUnit.Count, 1);
        return tracking;
    });
}
