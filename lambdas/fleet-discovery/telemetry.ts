import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/** Logging and metrics shared by the three fleet-refresh Lambdas: one namespace, a failure count per function. */

export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
}

export function fleetTelemetry(serviceName: string): Telemetry {
  const logger = new Logger({ serviceName });
  // Metrics' own warnings go through the structured logger, at its level.
  return { logger, metrics: new Metrics({ namespace: "lakewarden", serviceName, logger }) };
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
