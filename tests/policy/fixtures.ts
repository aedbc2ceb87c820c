import * as aws from "@pulumi/aws";
// Reusable compliant building blocks for policy specs.
import { ACCOUNTS, type FixtureProps, ORG_ID, type PlannedResource, PROVIDERS, type ResourceClass, typed, urn } from "./helpers";

export const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNTS.producer}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const ALIAS_ARN = `arn:aws:kms:eu-west-1:${ACCOUNTS.producer}:alias/lakewarden-data`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNTS.producer}:role/lakewarden-reader`;
export const CONSUMER_ROLE_ARN = `arn:aws:iam::${ACCOUNTS.consumer}:role/lakewarden-analyst`;
export const ORG_CONFIG = { organizationId: ORG_ID };

export interface StatementInput {
    Sid?: string;
    Effect: string;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Principal?: unknown;
    NotPrincipal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}

export function doc(...statements: StatementInput[]) {
    return { Version: "2012-10-17", Statement: statements };
}

export function rolePolicy(name: string, policy: FixtureProps<aws.iam.RolePolicyArgs>["policy"], role = "lakewarden-reader"): PlannedResource {
    return typed(aws.iam.RolePolicy, name, { role, name, policy });
}

export function role(
    name: string,
    assumeRolePolicy: FixtureProps<aws.iam.RoleArgs>["assumeRolePolicy"],
    extra: FixtureProps<aws.iam.RoleArgs> = {},
    provider = PROVIDERS.producer,
): PlannedResource {
    return typed(aws.iam.Role, name, { name, assumeRolePolicy, ...extra }, { provider });
}

export const LAMBDA_TRUST = doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } });

function bucket(name: string): PlannedResource {
    return typed(aws.s3.Bucket, name, { bucket: `lw-${name}`, forceDestroy: false });
}

/** A split S3 resource (its Args have `bucket`) whose `bucket` input depends on the Bucket's URN. */
export function bucketPart<A extends { bucket: unknown }>(
    cls: ResourceClass<A>,
    name: string,
    bucketName: string,
    props: Omit<FixtureProps<NonNullable<A>>, "bucket">,
    deps: Record<string, string[]> = {},
): PlannedResource {
    // The spread of a generic Omit<> is not assignable back to FixtureProps<A>; `bucket` is in A by the constraint.
    const inputs = { bucket: `lw-${bucketName}`, ...props } as FixtureProps<NonNullable<A>>;
    return typed(cls, name, inputs, { propertyDependencies: { bucket: [urn("aws:s3/bucket:Bucket", bucketName)], ...deps } });
}

export function tlsOnlyStatement(bucketName: string): StatementInput {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::lw-${bucketName}`, `arn:aws:s3:::lw-${bucketName}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** A bucket with every split resource the S3 policies expect; the log bucket itself does not log. */
function secureBucket(name: string, logTarget: string | null = "access-logs"): PlannedResource[] {
    const parts = [
        bucket(name),
        bucketPart(aws.s3.BucketServerSideEncryptionConfiguration, `${name}-sse`, name, {
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }],
        }),
        bucketPart(aws.s3.BucketPublicAccessBlock, `${name}-pab`, name, {
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }),
        bucketPart(aws.s3.BucketPolicy, `${name}-policy`, name, { policy: doc(tlsOnlyStatement(name)) }),
        bucketPart(aws.s3.BucketVersioning, `${name}-versioning`, name, { versioningConfiguration: { status: "Enabled" } }),
        bucketPart(aws.s3.BucketOwnershipControls, `${name}-ownership`, name, { rule: { objectOwnership: "BucketOwnerEnforced" } }),
    ];
    if (logTarget) {
        parts.push(
            bucketPart(
                aws.s3.BucketLogging,
                `${name}-logging`,
                name,
                { targetBucket: `lw-${logTarget}`, targetPrefix: `${name}/` },
                {
                    targetBucket: [urn("aws:s3/bucket:Bucket", logTarget)],
                },
            ),
        );
    }
    return parts;
}

/** A data bucket and the access-log bucket it logs to. */
export function bucketStack(): PlannedResource[] {
    return [...secureBucket("raw"), ...secureBucket("access-logs", null)];
}

export const DEPLOY_ROLE_ARN = `arn:aws:iam::${ACCOUNTS.producer}:role/lakewarden-deploy`;

/** What a Lake Formation grant is on: one of the Permissions resource selectors. */
type GrantTarget = Pick<
    FixtureProps<aws.lakeformation.PermissionsArgs>,
    "catalogResource" | "database" | "table" | "tableWithColumns" | "dataCellsFilter" | "dataLocation" | "lfTag" | "lfTagPolicy"
>;

export function grant(
    name: string,
    principal: string,
    target: GrantTarget,
    permissions: string[],
    withGrant: string[] = [],
    provider = PROVIDERS.producer,
): PlannedResource {
    return typed(
        aws.lakeformation.Permissions,
        name,
        { principal, ...target, permissions, permissionsWithGrantOptions: withGrant },
        { deleteBeforeReplace: true, provider },
    );
}

type Column = FixtureProps<aws.types.input.glue.CatalogTableStorageDescriptorColumn>;
const column = (name: string, classification: string): Column => ({ name, type: "string", parameters: { "lakewarden:classification": classification } });

/** The classified employees table's storage, with extra columns appended. */
export function employeesStorage(...extra: Column[]): FixtureProps<aws.types.input.glue.CatalogTableStorageDescriptor> {
    return {
        location: "s3://lw-curated/company/employees/",
        columns: [column("uid", "internal"), column("name", "pii"), column("department", "internal"), column("salary", "secret"), ...extra],
    };
}

/** Producer settings, a classified table, its filter, and the cross-account and local grants of the LF pattern. */
export function lakeStack(): PlannedResource[] {
    const table: FixtureProps<aws.types.input.lakeformation.PermissionsTable> = { databaseName: "company", name: "employees", catalogId: ACCOUNTS.producer };
    return [
        typed(aws.lakeformation.DataLakeSettings, "settings", {
            admins: [DEPLOY_ROLE_ARN],
            readOnlyAdmins: [],
            createDatabaseDefaultPermissions: [],
            createTableDefaultPermissions: [],
            trustedResourceOwners: [],
            allowExternalDataFiltering: false,
            parameters: { CROSS_ACCOUNT_VERSION: "4" },
        }),
        typed(aws.glue.CatalogTable, "employees", {
            ...table,
            tableType: "EXTERNAL_TABLE",
            storageDescriptor: employeesStorage(),
            partitionKeys: [column("year", "public")],
        }),
        typed(aws.lakeformation.DataCellsFilter, "hr-eu", {
            tableData: {
                databaseName: "company",
                name: "hr-eu",
                tableCatalogId: ACCOUNTS.producer,
                tableName: "employees",
                rowFilter: { filterExpression: "department = 'hr'" },
                columnNames: ["uid", "department"],
            },
        }),
        grant("db-describe", ACCOUNTS.consumer, { database: { name: "company", catalogId: ACCOUNTS.producer } }, ["DESCRIBE"], ["DESCRIBE"]),
        grant("table-describe", ACCOUNTS.consumer, { table: table }, ["DESCRIBE"], ["DESCRIBE"]),
        grant("columns-select", ACCOUNTS.consumer, { tableWithColumns: { ...table, columnNames: ["department", "uid"] } }, ["SELECT"], ["SELECT"]),
        grant(
            "filter-select",
            ACCOUNTS.consumer,
            { dataCellsFilter: { databaseName: "company", name: "hr-eu", tableCatalogId: ACCOUNTS.producer, tableName: "employees" } },
            ["SELECT"],
            ["SELECT"],
        ),
        grant("local-select", ROLE_ARN, { table: { databaseName: "company", name: "products" } }, ["DESCRIBE", "SELECT"]),
    ];
}
