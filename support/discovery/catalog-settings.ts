/** Settings of the discovery catalog Lambda (its environment, as the component sets it) for specs and benches. */
import { type CatalogSettings, catalogSettingsSchema } from "../../lambdas/discovery-catalog/settings";

export function catalogSettings(account: string, overrides: { LAKEWARDEN_ENVIRONMENT?: string; STATE_TABLE_NAME?: string } = {}): CatalogSettings {
    return catalogSettingsSchema.parse({
        LAKEWARDEN_ENVIRONMENT: "dev",
        STATE_TABLE_NAME: "discovery-state",
        OPT_IN_TAG_KEY: "lakewarden:discover",
        OPT_IN_TAG_VALUE: "true",
        DATASET_TAG_KEY: "lakewarden:dataset",
        SCHEMAS_TAG_KEY: "lakewarden:schemas",
        CRAWLER_ROLE_ARN: `arn:aws:iam::${account}:role/c`,
        JOB_ROLE_ARN: `arn:aws:iam::${account}:role/j`,
        REPORTER_ROLE_ARN: `arn:aws:iam::${account}:role/r`,
        ACCOUNT_ID: account,
        SECURITY_CONFIGURATION: "sc",
        SCRIPT_LOCATION: "s3://b/job.py",
        CORE_MODULE_LOCATION: "s3://b/core.py",
        RESULTS_URI: "s3://b/runs/",
        TEMP_URI: "s3://b/tmp/",
        DETECTION_SCHEDULE: "cron(0 2 * * ? *)",
        SAMPLE_FRACTION: "0.1",
        THRESHOLD_FRACTION: "0.1",
        WORKERS: "2",
        TIMEOUT_MINUTES: "60",
        ...overrides,
    });
}
