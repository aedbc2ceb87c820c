/**
 * What the PII job writes per run: Glue's classifyColumns() result per table, a map of column name to
 * the entity types detected ("The classifyColumns() API returns a map where keys are column names and
 * values are list of detected entity types", AWS Glue Developer Guide, "Using Sensitive Data Detection
 * outside AWS Glue Studio"), plus which source and database it covers.
 */
import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";

export const jobResultsSchema = z.strictObject({
    sourceArn: z.string().min(1),
    database: z.string().min(1),
    detectedAt: z.iso.datetime(),
    tables: z.record(z.string(), z.record(z.string(), z.array(z.string().min(1)))),
});

export type JobResults = z.infer<typeof jobResultsSchema>;

/** `<results uri><job name>/<job run id>.json`: the job writes it, the reporter reads it on the run's success. */
export function resultsKey(prefix: string, jobName: string, jobRunId: string): string {
    return `${prefix}${jobName}/${jobRunId}.json`;
}

/** Powertools' EventBridge envelope with a Glue job state change as detail. */
export const jobStateChangeSchema = EventBridgeSchema.extend({
    source: z.literal("aws.glue"),
    "detail-type": z.literal("Glue Job State Change"),
    detail: z.object({ jobName: z.string().min(1), jobRunId: z.string().min(1), state: z.string().min(1) }),
});
