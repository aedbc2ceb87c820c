import * as aws from "@pulumi/aws";
import { ACCOUNTS, find, ORG_ID, type PlannedResource, resource, stack, typed } from "./helpers";
import { CONSUMER_ROLE_ARN, DEPLOY_ROLE_ARN, grant, lakeStack, ORG_CONFIG, ROLE_ARN } from "./fixtures";
import { describePolicy } from "./harness";

const lake = () => stack(...lakeStack());
const set = (name: string, props: Record<string, unknown>) => (r: PlannedResource[]) => {
    Object.assign(find(r, name).props, props);
};
const otherTypes = () =>
    stack(
        resource("aws:lakeformation/lfTag:LfTag", "tag", {
            key: "zone",
            values: ["raw"],
            principal: "IAM_ALLOWED_PRINCIPALS",
            permissions: ["ALL"],
            permissionsWithGrantOptions: ["ALL"],
            admins: ["*"],
            allowExternalDataFiltering: true,
            createTableDefaultPermissions: [{ permissions: ["ALL"], principal: "IAM_ALLOWED_PRINCIPALS" }],
            hybridAccessEnabled: true,
            allowExternalPrincipals: true,
            tableData: { rowFilter: { allRowsWildcard: {} }, columnWildcard: {} },
        }),
    );
const grantProps = ["principal", "permissions*", "permissionsWithGrantOptions*", "tableWithColumns*"];
const except = (all: string[], ...drop: string[]) => all.filter(p => !drop.includes(p));

describePolicy({
    policy: "lf-no-grant-to-iam-allowed-principals",
    target: "columns-select",
    compliant: lake,
    violations: [
        { name: "IAM_ALLOWED_PRINCIPALS", mutate: set("columns-select", { principal: "IAM_ALLOWED_PRINCIPALS" }), expect: /grants to IAM_ALLOWED_PRINCIPALS/ },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "columns-select", violates: ["principal"], allowed: except(grantProps, "principal") }],
});

describePolicy({
    policy: "lf-settings-no-default-permissions",
    target: "settings",
    compliant: () => stack(...lakeStack(), typed(aws.glue.CatalogDatabase, "company", { name: "company", createTableDefaultPermissions: [] })),
    violations: [
        {
            name: "database defaults",
            mutate: set("settings", { createDatabaseDefaultPermissions: [{ permissions: ["ALL"], principal: "IAM_ALLOWED_PRINCIPALS" }] }),
            expect: /createDatabaseDefaultPermissions is .* it must be empty/,
        },
        {
            name: "table defaults as a JSON string",
            mutate: set("settings", { createTableDefaultPermissions: JSON.stringify([{ permissions: ["ALL"], principal: "IAM_ALLOWED_PRINCIPALS" }]) }),
            expect: /createTableDefaultPermissions is .* it must be empty/,
        },
        {
            name: "a Glue database defaulting to IAM_ALLOWED_PRINCIPALS",
            mutate: set("company", {
                createTableDefaultPermissions: [{ permissions: ["ALL"], principal: { dataLakePrincipalIdentifier: "IAM_ALLOWED_PRINCIPALS" } }],
            }),
            expect: /createTableDefaultPermissions grants IAM_ALLOWED_PRINCIPALS/,
            on: "company",
        },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "settings",
            violates: ["create*"],
            allowed: ["admins*", "readOnlyAdmins", "trustedResourceOwners", "allowExternalDataFiltering", "parameters*"],
        },
        { resource: "company", violates: ["createTableDefaultPermissions"], allowed: ["name"] },
    ],
});

describePolicy({
    policy: "lf-settings-external-access",
    target: "settings",
    config: ORG_CONFIG,
    compliant: lake,
    violations: [
        { name: "external data filtering", mutate: set("settings", { allowExternalDataFiltering: true }), expect: /allowExternalDataFiltering is enabled/ },
        {
            name: "full-table external access",
            mutate: set("settings", { allowFullTableExternalDataAccess: true }),
            expect: /allowFullTableExternalDataAccess is enabled/,
        },
        {
            name: "a trusted owner outside the environment",
            mutate: set("settings", { trustedResourceOwners: [ACCOUNTS.stranger] }),
            expect: /trustedResourceOwners names 999999999999/,
        },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "settings",
            violates: ["allowExternalDataFiltering", "trustedResourceOwners"],
            allowed: ["admins*", "readOnlyAdmins", "create*", "parameters*"],
        },
    ],
    configCases: [
        {
            name: "allowExternalDataFiltering for EMR runtime roles",
            config: { allowExternalDataFiltering: true },
            mutate: set("settings", { allowExternalDataFiltering: true, externalDataFilteringAllowLists: [ACCOUNTS.producer] }),
            expect: "pass",
        },
        {
            name: "the allow list still names only environment accounts",
            config: { allowExternalDataFiltering: true },
            mutate: set("settings", { allowExternalDataFiltering: true, externalDataFilteringAllowLists: [ACCOUNTS.stranger] }),
            expect: /externalDataFilteringAllowLists names 999999999999/,
        },
    ],
});

describePolicy({
    policy: "lf-settings-admins",
    target: "settings",
    compliant: lake,
    violations: [
        { name: "an IAM user admin", mutate: set("settings", { admins: [`arn:aws:iam::${ACCOUNTS.producer}:user/alice`] }), expect: /is not an IAM role ARN/ },
        { name: "a role of another account", mutate: set("settings", { admins: [CONSUMER_ROLE_ARN] }), expect: /is a role of another account/ },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "settings",
            violates: ["admins*", "readOnlyAdmins"],
            allowed: ["create*", "trustedResourceOwners", "allowExternalDataFiltering", "parameters*"],
        },
    ],
});

describePolicy({
    policy: "lf-cross-account-grant-env-accounts",
    target: "columns-select",
    config: ORG_CONFIG,
    compliant: lake,
    violations: [
        {
            name: "an account outside the environment",
            mutate: set("columns-select", { principal: ACCOUNTS.stranger }),
            expect: /account 999999999999, which is not an account of this environment/,
        },
        {
            name: "a role of an outside account",
            mutate: set("columns-select", { principal: `arn:aws:iam::${ACCOUNTS.stranger}:role/x` }),
            expect: /account 999999999999/,
        },
        {
            name: "another organisation",
            mutate: set("columns-select", { principal: `arn:aws:organizations::${ACCOUNTS.stranger}:organization/o-otherorg123` }),
            expect: /not organisation o-lw0example1/,
        },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "columns-select", violates: ["principal"], allowed: except(grantProps, "principal") }],
    configCases: [
        {
            name: "our organisation's OU",
            config: {},
            mutate: set("columns-select", { principal: `arn:aws:organizations::${ACCOUNTS.security}:ou/${ORG_ID}/ou-ab12-cdef3456` }),
            expect: "pass",
        },
        {
            name: "trustedAccounts",
            config: { trustedAccounts: [ACCOUNTS.stranger] },
            mutate: set("columns-select", { principal: ACCOUNTS.stranger }),
            expect: "pass",
        },
    ],
});

describePolicy({
    policy: "lf-cross-account-grant-least-privilege",
    target: "columns-select",
    compliant: lake,
    violations: [
        { name: "ALL", mutate: set("columns-select", { permissions: ["ALL"] }), expect: /gives ALL in permissions/ },
        {
            name: "DROP with grant option",
            mutate: set("columns-select", { permissions: ["DROP", "SELECT"], permissionsWithGrantOptions: ["DROP"] }),
            expect: /gives DROP in permissionsWithGrantOptions/,
        },
        {
            name: "catalog-level",
            mutate: r => {
                r.push(grant("catalog", ACCOUNTS.consumer, { catalogResource: true }, ["DESCRIBE"]));
            },
            expect: /catalog-level grant/,
            on: "catalog",
        },
        {
            name: "all tables of a database",
            mutate: r => {
                r.push(grant("all-tables", ACCOUNTS.consumer, { table: { databaseName: "company", wildcard: true } }, ["SELECT"]));
            },
            expect: /all tables of the database/,
            on: "all-tables",
        },
        {
            name: "data location",
            mutate: r => {
                r.push(grant("location", CONSUMER_ROLE_ARN, { dataLocation: { arn: "arn:aws:s3:::lw-curated" } }, ["DATA_LOCATION_ACCESS"]));
            },
            expect: /data-location grant/,
            on: "location",
        },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "columns-select", violates: ["principal", "permissions*", "permissionsWithGrantOptions*"], allowed: ["tableWithColumns*"] }],
    configCases: [
        {
            name: "allowedPermissions",
            config: { allowedPermissions: ["DESCRIBE", "SELECT", "INSERT"] },
            mutate: set("columns-select", { permissions: ["INSERT", "SELECT"] }),
            expect: "pass",
        },
        { name: "grants to own roles are not cross-account", config: {}, mutate: set("local-select", { permissions: ["ALL"] }), expect: "pass" },
    ],
});

describePolicy({
    policy: "lf-grant-option-account-only",
    target: "columns-select",
    compliant: lake,
    violations: [
        {
            name: "grant option to a role",
            mutate: set("columns-select", { principal: CONSUMER_ROLE_ARN }),
            expect: /gives grant option \(SELECT\) to arn:aws:iam::222222222222:role\/lakewarden-analyst/,
        },
        {
            name: "grant option without the permission",
            mutate: set("columns-select", { permissionsWithGrantOptions: ["DESCRIBE", "SELECT"] }),
            expect: /grant option on DESCRIBE without granting/,
        },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "columns-select", violates: ["principal", "permissions*", "permissionsWithGrantOptions*"], allowed: ["tableWithColumns*"] }],
    configCases: [
        {
            name: "grantOptionRoles admits a reviewed granter role",
            config: { grantOptionRoles: ["arn:aws:iam::*:role/lakewarden-*"] },
            mutate: set("columns-select", { principal: CONSUMER_ROLE_ARN.replace("analyst", "dev-granter") }),
            expect: "pass",
        },
        {
            name: "other roles still fail",
            config: { grantOptionRoles: ["arn:aws:iam::*:role/lakewarden-*-granter"] },
            mutate: set("columns-select", { principal: CONSUMER_ROLE_ARN }),
            expect: /not an account principal/,
        },
    ],
});

const approval = (column: string) => ({ column, account: ACCOUNTS.consumer, reason: "reviewed: analytics needs it", approver: "SEC-1", expires: "2099-12-31" });
const sensitiveGrantProps = ["tableWithColumns", "tableWithColumns.databaseName", "tableWithColumns.name", "tableWithColumns.columnNames*"];
describePolicy({
    policy: "lf-sensitive-data-requires-filter",
    target: "columns-select",
    compliant: lake,
    violations: [
        {
            name: "a pii column",
            mutate: set("columns-select", { tableWithColumns: { databaseName: "company", name: "employees", columnNames: ["name", "uid"] } }),
            expect: /exposes the sensitive columns name/,
        },
        {
            name: "wildcard without excluding secrets",
            mutate: set("columns-select", { tableWithColumns: { databaseName: "company", name: "employees", wildcard: true, excludedColumnNames: ["name"] } }),
            expect: /exposes the sensitive columns salary/,
        },
        {
            name: "SELECT on the whole table",
            mutate: set("columns-select", { tableWithColumns: undefined, table: { databaseName: "company", name: "employees" } }),
            expect: /whole table company.employees exposes the sensitive columns name, salary/,
        },
        {
            name: "a filter that keeps pii",
            mutate: r => {
                find(r, "hr-eu").props.tableData = {
                    databaseName: "company",
                    name: "hr-eu",
                    tableCatalogId: ACCOUNTS.producer,
                    tableName: "employees",
                    rowFilter: { filterExpression: "department = 'hr'" },
                    columnWildcard: { excludedColumnNames: ["salary"] },
                };
            },
            expect: /through filter hr-eu exposes the sensitive columns name/,
            on: "filter-select",
        },
        {
            name: "a table that is not declared",
            mutate: set("columns-select", { tableWithColumns: { databaseName: "company", name: "payroll", columnNames: ["uid"] } }),
            expect: /company.payroll is not declared in this stack/,
        },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "columns-select",
            violates: sensitiveGrantProps,
            allowed: ["principal", "permissions*", "permissionsWithGrantOptions*", "tableWithColumns.catalogId"],
        },
        {
            resource: "employees",
            violates: ["databaseName", "name", "storageDescriptor", "storageDescriptor.columns*", "partitionKeys*"],
            allowed: ["catalogId", "tableType", "storageDescriptor.location", "storageDescriptor.columns.*.type", "partitionKeys.*.type"],
        },
        {
            resource: "hr-eu",
            violates: ["tableData", "tableData.databaseName", "tableData.name", "tableData.tableName", "tableData.columnNames*"],
            allowed: ["tableData.tableCatalogId", "tableData.rowFilter*"],
        },
    ],
    configCases: [
        {
            name: "table-level DESCRIBE on a sensitive table is metadata only",
            config: {},
            mutate: set("columns-select", {
                tableWithColumns: undefined,
                table: { databaseName: "company", name: "employees" },
                permissions: ["DESCRIBE"],
                permissionsWithGrantOptions: [],
            }),
            expect: "pass",
        },
        {
            name: "an approval for the receiving account accepts a pii column listed by name",
            config: { approvedColumns: [approval("company.employees.name")] },
            mutate: set("columns-select", { tableWithColumns: { databaseName: "company", name: "employees", columnNames: ["name", "uid"] } }),
            expect: "pass",
        },
        {
            name: "an expired approval no longer does",
            config: { approvedColumns: [{ ...approval("company.employees.name"), expires: "2020-01-31" }] },
            mutate: set("columns-select", { tableWithColumns: { databaseName: "company", name: "employees", columnNames: ["name", "uid"] } }),
            expect: /exposes the sensitive columns name without an unexpired approval/,
        },
        {
            name: "an approval for another account does not",
            config: { approvedColumns: [{ ...approval("company.employees.name"), account: ACCOUNTS.producer }] },
            mutate: set("columns-select", { tableWithColumns: { databaseName: "company", name: "employees", columnNames: ["name", "uid"] } }),
            expect: /exposes the sensitive columns name/,
        },
        {
            name: "approvals still refuse a wildcard that reaches a secret",
            config: { approvedColumns: [approval("company.employees.salary")] },
            mutate: set("columns-select", { tableWithColumns: { databaseName: "company", name: "employees", wildcard: true, excludedColumnNames: ["name"] } }),
            expect: /exposes the sensitive columns salary/,
        },
        {
            name: "approvals still refuse the whole table",
            config: { approvedColumns: [approval("company.employees.name"), approval("company.employees.salary")] },
            mutate: set("columns-select", { tableWithColumns: undefined, table: { databaseName: "company", name: "employees" } }),
            expect: /whole table company.employees exposes/,
        },
    ],
});

describePolicy({
    policy: "lf-data-cells-filter-effective",
    target: "hr-eu",
    compliant: lake,
    violations: [
        {
            name: "all rows and all columns",
            mutate: set("hr-eu", {
                tableData: {
                    databaseName: "company",
                    name: "hr-eu",
                    tableCatalogId: ACCOUNTS.producer,
                    tableName: "employees",
                    rowFilter: { allRowsWildcard: {} },
                    columnWildcard: {},
                },
            }),
            expect: /filters nothing/,
        },
        {
            name: "TRUE with no column restriction",
            mutate: set("hr-eu", {
                tableData: {
                    databaseName: "company",
                    name: "hr-eu",
                    tableCatalogId: ACCOUNTS.producer,
                    tableName: "employees",
                    rowFilter: { filterExpression: "TRUE" },
                    columnWildcard: { excludedColumnNames: [] },
                },
            }),
            expect: /filters nothing/,
        },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "hr-eu",
            violates: ["tableData", "tableData.rowFilter*", "tableData.columnNames"],
            allowed: ["tableData.databaseName", "tableData.name", "tableData.tableCatalogId", "tableData.tableName", "tableData.columnNames.*"],
        },
    ],
});

const location = () =>
    stack(
        typed(aws.lakeformation.Resource, "location", {
            arn: "arn:aws:s3:::lw-curated",
            roleArn: ROLE_ARN,
            hybridAccessEnabled: false,
            useServiceLinkedRole: false,
        }),
    );
describePolicy({
    policy: "lf-resource-registration",
    target: "location",
    compliant: location,
    violations: [
        { name: "service-linked role", mutate: set("location", { roleArn: undefined, useServiceLinkedRole: true }), expect: /service-linked role/ },
        { name: "hybrid access", mutate: set("location", { hybridAccessEnabled: true }), expect: /hybrid access mode/ },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "location", violates: ["hybridAccessEnabled", "useServiceLinkedRole"], allowed: ["arn", "roleArn"] }],
});

describePolicy({
    policy: "lf-permissions-delete-before-replace",
    target: "columns-select",
    compliant: lake,
    violations: [
        {
            name: "default replacement order",
            mutate: r => {
                find(r, "columns-select").opts.deleteBeforeReplace = undefined;
            },
            expect: /deleteBeforeReplace: true/,
        },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "columns-select", violates: [], allowed: grantProps }],
});

describePolicy({
    policy: "lf-permissions-canonical",
    target: "local-select",
    compliant: lake,
    violations: [
        { name: "unsorted", mutate: set("local-select", { permissions: ["SELECT", "DESCRIBE"] }), expect: /should be \["DESCRIBE","SELECT"\]/ },
        { name: "duplicates", mutate: set("local-select", { permissionsWithGrantOptions: ["SELECT", "SELECT"] }), expect: /permissionsWithGrantOptions/ },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "local-select", violates: ["permissions*", "permissionsWithGrantOptions"], allowed: ["principal", "table*"] }],
});

describePolicy({
    policy: "lf-no-grant-to-data-lake-admins",
    target: "local-select",
    compliant: lake,
    violations: [
        {
            name: "a grant to an LF admin",
            mutate: set("local-select", { principal: DEPLOY_ROLE_ARN }),
            expect: /a data lake admin or the account's deployment role/,
        },
        {
            name: "a grant to the deployment role without settings in the stack",
            mutate: r => {
                r.splice(r.indexOf(find(r, "settings")), 1);
                find(r, "local-select").props.principal = DEPLOY_ROLE_ARN;
            },
            expect: /deployment role/,
        },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "local-select", violates: [], allowed: ["principal", "permissions*", "permissionsWithGrantOptions", "table*"] }],
});

describePolicy({
    policy: "ram-share-internal-only",
    target: "share",
    compliant: () => stack(typed(aws.ram.ResourceShare, "share", { name: "lakewarden-company", allowExternalPrincipals: false })),
    violations: [{ name: "external principals", mutate: set("share", { allowExternalPrincipals: true }), expect: /outside the organisation/ }],
    otherType: otherTypes,
    unknowns: [{ resource: "share", violates: ["allowExternalPrincipals"], allowed: ["name"] }],
});
