/** What the catalog step needs from its environment, checked once at cold start. */
import { z } from "zod";

export const catalogSettingsSchema = z.object({
    LAKEWARDEN_ENVIRONMENT: z.string().min(1),
    STATE_TABLE_NAME: z.string().min(1),
    OPT_IN_TAG_KEY: z.string().min(1),
    OPT_IN_TAG_VALUE: z.string(),
    DATASET_TAG_KEY: z.string().min(1),
    SCHEMAS_TAG_KEY: z.string().min(1),
    CRAWLER_ROLE_ARN: z.string().startsWith("arn:"),
    JOB_ROLE_ARN: z.string().startsWith("arn:"),
    REPORTER_ROLE_ARN: z.string().startsWith("arn:"),
    ACCOUNT_ID: z.string().regex(/^\d{12}$/),
    SECURITY_CONFIGURATION: z.string().min(1),
    SCRIPT_LOCATION: z.string().startsWith("s3://"),
    CORE_MODULE_LOCATION: z.string().startsWith("s3://"),
    RESULTS_URI: z.string().startsWith("s3://"),
    TEMP_URI: z.string().startsWith("s3://"),
    DETECTION_SCHEDULE: z.string().startsWith("cron("),
    SAMPLE_FRACTION: z.coerce.number().gt(0).max(1),
    THRESHOLD_FRACTION: z.coerce.number().gt(0).max(1),
    WORKERS: z.coerce.number().int().min(2),
    TIMEOUT_MINUTES: z.coerce.number().int().min(1),
});

export type CatalogSettings = z.infer<typeof catalogSettingsSchema>;

export function catalogSettingsFrom(env: NodeJS.ProcessEnv): CatalogSettings {
    const parsed = catalogSettingsSchema.safeParse(env);
    if (!parsed.success) throw new Error(`catalog settings: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
}
