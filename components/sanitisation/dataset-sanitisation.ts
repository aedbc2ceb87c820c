import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Dataset } from "../../config/datasets";
import { sanitisationJobName, sanitisedTablePrefix } from "../../naming/sanitisation";
import { type AccountScope, resourceName } from "../../naming/resources";
import { sanitisationJobArguments } from "../../sanitise/job-arguments";
import { metricAboveZeroAlarm } from "../monitoring/alarm-topic";

/** The namespace core.METRICS_NAMESPACE writes RowsRead, RowsWritten and ColumnsRefused to (Dataset, Table dimensions). */
export const SANITISATION_METRICS_NAMESPACE = "lakewarden/sanitisation";

export interface DatasetSanitisationArgs {
    scope: AccountScope;
    dataset: Dataset;
    /** The lower environment's name, account, bucket, key prefix, key and catalog database. */
    lowerEnvironment: { name: string; accountId: string; bucket: string; prefix: string; keyArn: string; database: string };
    roleArn: string;
    securityConfiguration: pulumi.Input<string>;
    scripts: { job: string; core: string };
    tokenKeySecretArn: string;
    /** s3:// URI of the dataset's detection records (discovery on in this account), read at run time. */
    detectionsUri?: string;
    /** Log group prefix (Glue 5 --custom-logGroup-prefix): <prefix>/output and <prefix>/error. */
    logGroupPrefix: string;
    /** Glue cron of the scheduled run (an on-demand trigger exists as well). */
    schedule: string;
    /** Topic of the alarms on refused columns. */
    alarmTopicArn: pulumi.Input<string>;
}

/**
 * The sanitisation of one dataset: a Glue 5 PySpark job per table (arguments from the model,
 * sanitise/job-arguments.ts), one workflow that runs them all, a scheduled and an on-demand trigger,
 * and an alarm per table when a run refuses columns (detection contradicts the model, or a new column).
 */
export class DatasetSanitisation extends pulumi.ComponentResource {
    readonly jobs: aws.glue.Job[];
    readonly jobNames: string[];
    readonly workflow: aws.glue.Workflow;

    constructor(name: string, args: DatasetSanitisationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:sanitisation:DatasetSanitisation", name, {}, opts);
        const { scope, dataset, lowerEnvironment: lower } = args;
        const parent = { parent: this };
        this.jobNames = dataset.tables.map(t => sanitisationJobName(scope.environment, lower.name, dataset.database, t.name));
        this.jobs = dataset.tables.map(
            (table, index) =>
                new aws.glue.Job(
                    `${name}-${table.name}`,
                    {
                        name: this.jobNames[index],
                        description: `Sanitised copy of ${dataset.database}.${table.name} for ${lower.name} (default deny, staged then published)`,
                        roleArn: args.roleArn,
                        glueVersion: "5.0",
                        command: { name: "glueetl", pythonVersion: "3", scriptLocation: args.scripts.job },
                        workerType: "G.1X",
                        numberOfWorkers: 2,
                        timeout: 120,
                        // A failed run leaves nothing published; the next scheduled or on-demand run replaces it.
                        maxRetries: 0,
                        // One run at a time: two runs would stage and publish the same partitions.
                        executionProperty: { maxConcurrentRuns: 1 },
                        securityConfiguration: args.securityConfiguration,
                        defaultArguments: {
                            ...sanitisationJobArguments({
                                dataset,
                                table: table.name,
                                sourceDatabase: dataset.database,
                                sourceTable: table.name,
                                targetBucket: lower.bucket,
                                targetPrefix: sanitisedTablePrefix(lower.prefix, dataset.database, table.name),
                                targetDatabase: lower.database,
                                targetTable: table.name,
                                targetCatalogId: lower.accountId,
                                targetKeyArn: lower.keyArn,
                                tokenKeySecretArn: args.tokenKeySecretArn,
                                ...(args.detectionsUri ? { detectionsUri: args.detectionsUri } : {}),
                            }),
                            "--extra-py-files": args.scripts.core,
                            "--custom-logGroup-prefix": args.logGroupPrefix,
                            "--enable-metrics": "true",
                        },
                    },
                    parent,
                ),
        );
        const workflowName = resourceName(scope.environment, "sanitise", lower.name, dataset.database);
        this.workflow = new aws.glue.Workflow(
            name,
            { name: workflowName, description: `Sanitises ${dataset.database} for ${lower.name}`, maxConcurrentRuns: 1 },
            parent,
        );
        const actions = this.jobNames.map(jobName => ({ jobName }));
        new aws.glue.Trigger(
            `${name}-schedule`,
            {
                name: `${workflowName}-schedule`,
                description: `Nightly sanitisation of ${dataset.database} for ${lower.name}`,
                workflowName: this.workflow.name,
                type: "SCHEDULED",
                schedule: args.schedule,
                actions,
                startOnCreation: true,
            },
            { parent: this, dependsOn: this.jobs },
        );
        // "Each workflow has a start trigger" (Glue developer guide, "Overview of workflows"): the schedule starts the
        // workflow; the on-demand trigger stands beside it (StartTrigger) and starts the same jobs, which run one at a time.
        new aws.glue.Trigger(
            `${name}-on-demand`,
            {
                name: `${workflowName}-on-demand`,
                description: `Runs the sanitisation of ${dataset.database} for ${lower.name} now`,
                type: "ON_DEMAND",
                actions,
            },
            { parent: this, dependsOn: this.jobs },
        );
        for (const table of dataset.tables) {
            new aws.cloudwatch.MetricAlarm(
                `${name}-${table.name}-refused`,
                metricAboveZeroAlarm(
                    {
                        name: resourceName(scope.environment, "sanitise", lower.name, dataset.database, table.name, "refused"),
                        description: `The sanitisation of ${dataset.database}.${table.name} refused columns: a detection contradicts the model, or a column is not in it`,
                        topicArn: args.alarmTopicArn,
                    },
                    {
                        namespace: SANITISATION_METRICS_NAMESPACE,
                        metricName: "ColumnsRefused",
                        dimensions: { Dataset: dataset.database, Table: table.name },
                        statistic: "Maximum",
                        period: 3600,
                    },
                ),
                parent,
            );
        }
        this.registerOutputs({ jobs: this.jobNames, workflow: workflowName });
    }
}
