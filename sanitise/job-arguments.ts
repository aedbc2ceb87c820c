// The sanitisation Glue job's DefaultArguments, generated from the dataset model. glue/sanitise/job.py reads
// them with getResolvedOptions (argparse: `--column-policy` arrives as args["column_policy"]) and hands the
// column policy to core.parse_policy; tests/sanitise/job-arguments.test.ts runs that parser on the output.
import type { Dataset } from "../config/datasets";
import { columnPolicy } from "./column-policy";

/**
 * What the job of one table needs besides the model. Plain strings: a Pulumi caller applies its Outputs first
 * (`pulumi.all([...]).apply(([bucket, ...]) => sanitisationJobArguments({ ... }))`).
 */
interface SanitisationJobInput {
    /** The model's dataset (config/datasets.ts); its `database` is the Dataset metric dimension. */
    dataset: Dataset;
    /** A table of that dataset (its columns, classifications and `sanitise` overrides make the policy). */
    table: string;
    /** Production catalog database and table the job reads (usually the dataset's database and the table). */
    sourceDatabase: string;
    sourceTable: string;
    /** Lower environment's bucket and the table location's key prefix inside it, e.g. `sanitised/company/employees`. */
    targetBucket: string;
    targetPrefix: string;
    /**
     * Where a run writes before it publishes, beside the table location and never inside it. Default:
     * `<parent of targetPrefix>/_staging/<table>` (core.default_staging_root).
     */
    stagingPrefix?: string;
    /** Lower environment's catalog database and table the job creates or updates for the sanitised output. */
    targetDatabase: string;
    targetTable: string;
    /**
     * Account id of the lower environment (another account): its Data Catalog gets the table, and every S3 call on
     * the target bucket sends it as ExpectedBucketOwner. Default: the job's own account and catalog.
     */
    targetCatalogId?: string;
    /** The target's customer key; published copies name it (default: the target bucket's default encryption). */
    targetKeyArn?: string;
    /** Secrets Manager secret holding the tokenisation key (read at run time, never passed as an argument). */
    tokenKeySecretArn: string;
    /** `s3://<discovery bucket>/detections/records/<database>.json`: read at run time, refusals recomputed by core. */
    detectionsUri?: string;
    /** Columns refused at plan time (sanitise/refusals.ts refusedColumns over the detection records known then). */
    refusedColumns?: string[];
}

/**
 * "Job arguments have a maximum size limit of 260KB. A validation check will raise an error if the argument
 * size is greater than 260KB." (AWS Glue developer guide, "Using job parameters in AWS Glue jobs"). The API
 * model gives keys and values no length bound of their own, so the whole map is checked, as UTF-8 bytes of
 * every key and value, against 260 * 1000 (the smaller reading of "KB").
 */
const GLUE_ARGUMENTS_MAX_BYTES = 260 * 1000;

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ACCOUNT_ID = /^\d{12}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const DETECTIONS_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^\s]*detections\/records\/[a-z][a-z0-9_]*\.json$/;

function keyPrefix(label: string, value: string): string {
    const trimmed = value.replace(/^\/+|\/+$/g, "");
    if (trimmed.length === 0 || trimmed.includes("//") || /[\s*?]/.test(trimmed)) {
        throw new Error(`sanitisation job: ${label} ${JSON.stringify(value)} is not an S3 key prefix`);
    }
    return trimmed;
}

/** Same convention as core.default_staging_root: `<parent>/_staging/<table>`. */
function defaultStagingRoot(targetPrefix: string): string {
    const cut = targetPrefix.lastIndexOf("/");
    return cut < 0 ? `_staging/${targetPrefix}` : `${targetPrefix.slice(0, cut)}/_staging/${targetPrefix.slice(cut + 1)}`;
}

/**
 * DefaultArguments (`--key` -> value) of the sanitisation job of one table. Throws, naming the table and the
 * argument, when an input is malformed, the staging prefix lies inside the table location, a refused column is
 * not in the table, or the arguments exceed Glue's size limit. The caller adds what is not the script's
 * (`--extra-py-files` with core.py, `--TempDir`, logging flags).
 */
export function sanitisationJobArguments(input: SanitisationJobInput): Record<string, string> {
    const where = `sanitisation job for ${input.dataset.database}.${input.table}`;
    const table = input.dataset.tables.find(t => t.name === input.table);
    if (!table) {
        throw new Error(`${where}: the dataset has no table ${input.table} (tables: ${input.dataset.tables.map(t => t.name).join(", ")})`);
    }
    if (!S3_BUCKET.test(input.targetBucket)) throw new Error(`${where}: targetBucket ${JSON.stringify(input.targetBucket)} is not a bucket name`);
    if (!SECRET_ARN.test(input.tokenKeySecretArn)) throw new Error(`${where}: tokenKeySecretArn ${input.tokenKeySecretArn} is not a Secrets Manager ARN`);
    if (input.targetCatalogId !== undefined && !ACCOUNT_ID.test(input.targetCatalogId)) {
        throw new Error(`${where}: targetCatalogId ${input.targetCatalogId} is not a 12-digit account id`);
    }
    if (input.targetKeyArn !== undefined && !KMS_KEY_ARN.test(input.targetKeyArn)) {
        throw new Error(`${where}: targetKeyArn ${input.targetKeyArn} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`);
    }
    if (input.detectionsUri !== undefined && !DETECTIONS_URI.test(input.detectionsUri)) {
        throw new Error(`${where}: detectionsUri ${input.detectionsUri} is not s3://<bucket>/.../detections/records/<database>.json`);
    }
    for (const [label, value] of Object.entries({
        sourceDatabase: input.sourceDatabase,
        sourceTable: input.sourceTable,
        targetDatabase: input.targetDatabase,
        targetTable: input.targetTable,
    })) {
        if (!/^[a-z][a-z0-9_]{0,254}$/.test(value)) throw new Error(`${where}: ${label} ${JSON.stringify(value)} is not a lower-case catalog name`);
    }
    const targetPrefix = keyPrefix("targetPrefix", input.targetPrefix);
    const stagingPrefix = keyPrefix("stagingPrefix", input.stagingPrefix ?? defaultStagingRoot(targetPrefix));
    if (stagingPrefix === targetPrefix || stagingPrefix.startsWith(`${targetPrefix}/`) || targetPrefix.startsWith(`${stagingPrefix}/`)) {
        throw new Error(`${where}: stagingPrefix ${stagingPrefix} overlaps the table location ${targetPrefix}; readers would see staged objects`);
    }
    const policy = columnPolicy(table, input.refusedColumns ?? [], where);
    const args: Record<string, string> = {
        // Incremental runs: only new source files are read; core's publish plan replaces each touched partition.
        "--job-bookmark-option": "job-bookmark-enable",
        "--enable-glue-datacatalog": "true",
        "--dataset": input.dataset.database,
        "--table": table.name,
        "--source-database": input.sourceDatabase,
        "--source-table": input.sourceTable,
        "--target-bucket": input.targetBucket,
        "--target-prefix": targetPrefix,
        "--staging-prefix": stagingPrefix,
        "--target-database": input.targetDatabase,
        "--target-table": input.targetTable,
        "--token-key-secret-arn": input.tokenKeySecretArn,
        "--column-policy": JSON.stringify(policy),
    };
    if (input.targetCatalogId !== undefined) args["--target-catalog-id"] = input.targetCatalogId;
    if (input.targetKeyArn !== undefined) args["--target-key-arn"] = input.targetKeyArn;
    if (input.detectionsUri !== undefined) args["--detections-uri"] = input.detectionsUri;
    const bytes = Object.entries(args).reduce((sum, [k, v]) => sum + Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8"), 0);
    if (bytes > GLUE_ARGUMENTS_MAX_BYTES) {
        throw new Error(`${where}: job arguments are ${bytes} bytes, over Glue's ${GLUE_ARGUMENTS_MAX_BYTES}-byte limit (split the table's policy)`);
    }
    return args;
}
