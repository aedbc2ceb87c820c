import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/**
 * The one place Lambdas get their Powertools Logger and Metrics: one namespace for every
 * function, Metrics' own warnings through the structured logger at its level.
 */

const METRICS_NAMESPACE = "lakewarden";

export interface Telemetry {
    logger: Logger;
    metrics: Metrics;
}

export function telemetry(serviceName: string): Telemetry {
    const logger = new Logger({ serviceName });
    return { logger, metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName, logger }) };
}

/** Runs one invocation's work, counts a failure under `failureMetric`, and always flushes the metrics. */
export async function instrumented<T>(metrics: Metrics, failureMetric: string, work: () => Promise<T>): Promise<T> {
    try {
        return await work();
    } catch (error) {
        metrics.addMetric(failureMetric, MetricUnit.Count, 1);
        throw error;
    } finally {
        metrics.publishStoredMetrics();
    }
}

/** One metric with one dimension, emitted at once (its dimension must not leak onto the stored metrics). */
export function countWith(metrics: Metrics, name: string, dimension: string, value: string): void {
    const metric = metrics.singleMetric();
    metric.addDimension(dimension, value);
    metric.addMetric(name, MetricUnit.Count, 1);
}
