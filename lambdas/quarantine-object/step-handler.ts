/** The Lambda wrapper both object Lambdas share: parse, run with member-role deps, log, count. */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { z } from "zod";
import { parsePayload } from "./input";
import { S3_COPY_LIMITS, type CopyLimits } from "../shared/s3-transfer/copy-plan";
import { depsFromEnvironment, type StepDeps } from "./steps";

export function stepHandler<R extends { action: string; findingId: string }, O>(
    serviceName: string,
    /** Environment variable naming the member role this Lambda assumes. */
    roleNameVariable: string,
    schema: z.ZodType<R>,
    run: (request: R, deps: StepDeps) => Promise<O>,
    /** S3's limits in production; scaled down where tests and the bench simulate objects over 5 GiB. */
    limits: CopyLimits = S3_COPY_LIMITS,
): (payload: unknown) => Promise<O> {
    const logger = new Logger({ serviceName });
    const metrics = new Metrics({ namespace: "lakewarden", serviceName });
    let deps: StepDeps | undefined;
    return async (payload: unknown) => {
        const request = parsePayload(schema, payload);
        deps ??= depsFromEnvironment(roleNameVariable, limits);
        const count = (name: string): void => {
            const metric = metrics.singleMetric();
            metric.addDimension("action", request.action);
            metric.addMetric(name, MetricUnit.Count, 1);
        };
        try {
            const result = await run(request, deps);
            logger.info("step done", { findingId: request.findingId, action: request.action, result: result as object });
            count("StepsSucceeded");
            return result;
        } catch (error) {
            logger.error("step failed", { findingId: request.findingId, action: request.action, error: error as Error });
            count("StepsFailed");
            throw error;
        }
    };
}
