/** The Glue resources one source needs, as request inputs (pure: no AWS calls). */
import type { GrantPermissionsRequest } from "@aws-sdk/client-lakeformation";
import type { ConnectionInput, CreateCrawlerRequest, CreateJobRequest, CreateTriggerRequest, DatabaseInput } from "@aws-sdk/client-glue";
import { glueNames, type SourceRef } from "../discovery-common/source";
import type { ClusterConnection } from "./rds";
import type { CatalogSettings } from "./settings";

/**
 * Managed entity types the job asks for (Glue "Managed sensitive data types"; the same names DataBrew's
 * EntityDetectorConfiguration lists): personal identifiers, contact and financial data.
 */
export const ENTITY_TYPES = [
    "BANK_ACCOUNT",
    "CREDIT_CARD",
    "EMAIL",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "PERSON_NAME",
    "PHONE_NUMBER",
    "USA_DRIVING_LICENSE",
    "USA_ITIN",
    "USA_PASSPORT_NUMBER",
    "USA_SSN",
];

export interface CatalogPlan {
    database: DatabaseInput;
    connection?: ConnectionInput;
    crawlers: CreateCrawlerRequest[];
    job: CreateJobRequest;
    workflow: { Name: string; Description: string };
    /** Scheduled start of the crawlers, then the PII job once every crawler succeeded. */
    triggers: CreateTriggerRequest[];
    /**
     * Lake Formation grants on the new database (its creator, the catalog step, holds them implicitly):
     * crawlers write tables, the job reads them, the reporter alters and tags them. GrantPermissions of
     * permissions already held succeeds, so reruns converge.
     */
    grants: GrantPermissionsRequest[];
}

export function catalogPlan(settings: CatalogSettings, source: SourceRef, options: { schemas?: string[]; cluster?: ClusterConnection; dataset?: string }): CatalogPlan {
    const names = glueNames(settings.LAKEWARDEN_ENVIRONMENT, source);
    const description = `lakewarden discovery: ${source.kind} ${source.name} (${source.arn})`;
    const database: DatabaseInput = {
        Name: names.database,
        Description: description,
        Parameters: { "lakewarden:source-arn": source.arn, ...(options.dataset ? { "lakewarden:dataset": options.dataset } : {}) },
    };
    const common = {
        Role: settings.CRAWLER_ROLE_ARN,
        DatabaseName: names.database,
        Description: description,
        CrawlerSecurityConfiguration: settings.SECURITY_CONFIGURATION,
        // Removed columns or tables are marked deprecated, never deleted from the catalog.
        SchemaChangePolicy: { UpdateBehavior: "UPDATE_IN_DATABASE", DeleteBehavior: "DEPRECATE_IN_DATABASE" },
        RecrawlPolicy: { RecrawlBehavior: "CRAWL_EVERYTHING" },
    } as const;
    let crawlers: CreateCrawlerRequest[];
    let connection: ConnectionInput | undefined;
    if (source.kind === "s3") {
        crawlers = [{ ...common, Name: names.crawler("bucket"), Targets: { S3Targets: [{ Path: `s3://${source.name}/` }] } }];
    } else if (source.kind === "dynamodb") {
        crawlers = [{ ...common, Name: names.crawler("table"), Targets: { DynamoDBTargets: [{ Path: source.name, scanAll: false, scanRate: 0.5 }] } }];
    } else {
        const cluster = options.cluster;
        if (!cluster) throw new Error(`${source.arn}: an RDS source needs its cluster connection`);
        connection = {
            Name: names.connection,
            Description: description,
            ConnectionType: "JDBC",
            ConnectionProperties: {
                JDBC_CONNECTION_URL: cluster.jdbcUrl,
                SECRET_ID: cluster.secretArn,
                // SSL with hostname matching on the client (Glue ConnectionInput: the default is false).
                JDBC_ENFORCE_SSL: "true",
            },
            PhysicalConnectionRequirements: { SubnetId: cluster.subnetId, AvailabilityZone: cluster.availabilityZone, SecurityGroupIdList: cluster.securityGroupIds },
        };
        crawlers = (options.schemas?.length ? options.schemas : ["public"]).map((schema) => ({
            ...common,
            Name: names.crawler(schema),
            Targets: { JdbcTargets: [{ ConnectionName: names.connection, Path: `${cluster.database}/${schema}/%` }] },
        }));
    }
    const job: CreateJobRequest = {
        Name: names.job,
        Description: `PII detection (Glue sensitive data detection) of ${source.kind} ${source.name}`,
        Role: settings.JOB_ROLE_ARN,
        GlueVersion: "5.0",
        WorkerType: "G.1X",
        NumberOfWorkers: settings.WORKERS,
        Timeout: settings.TIMEOUT_MINUTES,
        MaxRetries: 0,
        ExecutionProperty: { MaxConcurrentRuns: 1 },
        SecurityConfiguration: settings.SECURITY_CONFIGURATION,
        Command: { Name: "glueetl", ScriptLocation: settings.SCRIPT_LOCATION, PythonVersion: "3" },
        DefaultArguments: {
            "--job-language": "python",
            "--extra-py-files": settings.CORE_MODULE_LOCATION,
            "--TempDir": settings.TEMP_URI,
            "--job-bookmark-option": "job-bookmark-disable",
            "--source_arn": source.arn,
            "--source_database": names.database,
            "--results_uri": settings.RESULTS_URI,
            "--entity_types": ENTITY_TYPES.join(","),
            "--sample_fraction": String(settings.SAMPLE_FRACTION),
            "--threshold_fraction": String(settings.THRESHOLD_FRACTION),
        },
        ...(connection ? { Connections: { Connections: [names.connection] } } : {}),
    };
    const triggers: CreateTriggerRequest[] = [
        {
            Name: names.startTrigger,
            WorkflowName: names.workflow,
            Type: "SCHEDULED",
            Schedule: settings.DETECTION_SCHEDULE,
            Actions: crawlers.map((c) => ({ CrawlerName: c.Name })),
            StartOnCreation: true,
        },
        {
            Name: names.detectTrigger,
            WorkflowName: names.workflow,
            Type: "CONDITIONAL",
            Predicate: { Logical: "AND", Conditions: crawlers.map((c) => ({ LogicalOperator: "EQUALS", CrawlerName: c.Name, CrawlState: "SUCCEEDED" })) },
            Actions: [{ JobName: names.job }],
            StartOnCreation: true,
        },
    ];
    const catalogId = settings.ACCOUNT_ID;
    const onDatabase = { Database: { CatalogId: catalogId, Name: names.database } };
    const onTables = { Table: { CatalogId: catalogId, DatabaseName: names.database, TableWildcard: {} } };
    const grant = (role: string, resource: GrantPermissionsRequest["Resource"], permissions: GrantPermissionsRequest["Permissions"]): GrantPermissionsRequest => ({
        CatalogId: catalogId,
        Principal: { DataLakePrincipalIdentifier: role },
        Resource: resource,
        Permissions: permissions,
    });
    const grants = [
        grant(settings.CRAWLER_ROLE_ARN, onDatabase, ["CREATE_TABLE", "DESCRIBE"]),
        grant(settings.CRAWLER_ROLE_ARN, onTables, ["ALTER", "DESCRIBE", "INSERT", "SELECT"]),
        grant(settings.JOB_ROLE_ARN, onDatabase, ["DESCRIBE"]),
        grant(settings.JOB_ROLE_ARN, onTables, ["DESCRIBE", "SELECT"]),
        grant(settings.REPORTER_ROLE_ARN, onDatabase, ["DESCRIBE"]),
        grant(settings.REPORTER_ROLE_ARN, onTables, ["ALTER", "DESCRIBE"]),
    ];
    return { grants, database, connection, crawlers, job, workflow: { Name: names.workflow, Description: description }, triggers };
}
