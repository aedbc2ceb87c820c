import * as aws from "@pulumi/aws";
// Reusable compliant building blocks for policy specs.
import { ACCOUNTS, ORG_ID, type PlannedResource, PROVIDERS, resource, urn, typed, type FixtureProps } from "./helpers";

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

/** A split S3 resource whose `bucket` input depends on the Bucket's URN. */
export function bucketPart(
    type: string,
    name: string,
    bucketName: string,
    props: Record<string, unknown>,
    deps: Record<string, string[]> = {},
): PlannedResource {
    return resource(
        type,
        name,
        { bucket: `lw-${bucketName}`, ...props },
        { propertyDependencies: { bucket: [urn("aws:s3/bucket:Bucket", bucketName)], ...deps } },
    );
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
        bucketPart("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${name}-sse`, name, {
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }],
        }),
        bucketPart("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${name}-pab`, name, {
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }),
        bucketPart("aws:s3/bucketPolicy:BucketPolicy", `${name}-policy`, name, { policy: doc(tlsOnlyStatement(name)) }),
        bucketPart("aws:s3/bucketVersioning:BucketVersioning", `${name}-versioning`, name, { versioningConfiguration: { status: "Enabled" } }),
        bucketPart("aws:s3/bucketOwnershipControls:BucketOwnershipControls", `${name}-ownership`, name, { rule: { objectOwnership: "BucketOwnerEnforced" } }),
    ];
    if (logTarget) {
        parts.push(
            bucketPart(
                "aws:s3/bucketLogging:BucketLogging",
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

export function grant(
    name: string,
    principal: string,
    target: Record<string, unknown>,
    permissions: string[],
    withGrant: string[] = [],
    provider = PROVIDERS.producer,
): PlannedResource {
    return resource(
        "aws:lakeformation/permissions:Permissions",
        name,
        { principal, ...target, permissions, permissionsWithGrantOptions: withGrant },
        { deleteBeforeReplace: true, provider },
    );
}

const column = (name: string, classification: string) => ({ name, type: "string", parameters: { "lakewarden:classification": classification } });

/** Producer settings, a classified table, its filter, and the cross-account and local grants of the LF pattern. */
export function lakeStack(): PlannedResource[] {
    const table = { databaseName: "company", name: "employees", catalogId: ACCOUNTS.producer };
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
            storageDescriptor: {
                location: "s3://lw-curated/company/employees/",
                columns: [column("uid", "internal"), column("name", "pii"), column("department", "internal"), column("salary", "secret")],
            },
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
