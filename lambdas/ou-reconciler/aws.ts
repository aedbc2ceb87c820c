import {
    BatchGrantPermissionsCommand,
    BatchRevokePermissionsCommand,
    CreateDataCellsFilterCommand,
    DeleteDataCellsFilterCommand,
    LakeFormationClient,
    paginateListDataCellsFilter,
    paginateListPermissions,
    UpdateDataCellsFilterCommand,
} from "@aws-sdk/client-lakeformation";
import {
    OrganizationsClient,
    type OrganizationsClientConfig,
    paginateListAccountsForParent,
    paginateListOrganizationalUnitsForParent,
} from "@aws-sdk/client-organizations";
import { SSMClient } from "@aws-sdk/client-ssm";
import { currentParameter } from "../shared/parameters";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { TableRef } from "./mapping";
import type { OrgReader } from "./org-tree";
import type { LakeFormationPort } from "./reconcile";

/** The only module that talks to AWS: clients with adaptive retry, paginated reads, single writes. */

// Adaptive retry backs off and rate-limits the client itself when Organizations or Lake Formation throttle.
const RETRY = { retryMode: "adaptive", maxAttempts: 8 } as const;
// Organizations list calls return at most 20 items a page.
const ORGANIZATIONS_PAGE_SIZE = 20;
const SESSION_NAME = "lakewarden-ou-reconciler";

export type ClientOverrides = Pick<OrganizationsClientConfig, "region" | "requestHandler" | "credentials">;

export interface AwsClients {
    organizations: OrganizationsClient;
    lakeFormation: LakeFormationClient;
    ssm: SSMClient;
}

/** Organizations through the management account's read-only role when given, else as delegated administrator. */
export function createClients(orgReadRoleArn: string | undefined, overrides: ClientOverrides = {}): AwsClients {
    const organizationsCredentials = orgReadRoleArn === undefined ? {} : { credentials: assumedRole(orgReadRoleArn, overrides) };
    return {
        organizations: new OrganizationsClient({ ...RETRY, ...overrides, ...organizationsCredentials }),
        lakeFormation: new LakeFormationClient({ ...RETRY, ...overrides }),
        ssm: new SSMClient({ ...RETRY, ...overrides }),
    };
}

/**
 * Credentials of the assumed role from the SDK's own provider: it calls sts:AssumeRole, caches the
 * session and assumes the role again before it expires (warm Lambdas outlive a session). The
 * provider's STS client is @aws-sdk/nested-clients/sts, built from clientConfig, and it signs with
 * masterCredentials (the Lambda's own unless overridden).
 */
function assumedRole(roleArn: string, overrides: ClientOverrides) {
    const { credentials, ...clientConfig } = overrides;
    return fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: SESSION_NAME },
        ...(credentials === undefined ? {} : { masterCredentials: credentials }),
        clientConfig: { ...RETRY, ...clientConfig },
    });
}

async function collect<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined): Promise<Item[]> {
    const all: Item[] = [];
    for await (const page of pages) all.push(...(items(page) ?? []));
    return all;
}

/** undefined when the parent OU or root does not exist. */
async function ifParentExists<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
        return await read();
    } catch (error) {
        if (error instanceof Error && error.name === "ParentNotFoundException") return undefined;
        throw error;
    }
}

export function organizationsReader(client: OrganizationsClient): OrgReader {
    const paging = { client, pageSize: ORGANIZATIONS_PAGE_SIZE };
    return {
        childOus: parentId =>
            ifParentExists(() =>
                collect(paginateListOrganizationalUnitsForParent(paging, { ParentId: parentId }), page =>
                    page.OrganizationalUnits?.flatMap(ou => (ou.Id === undefined ? [] : [ou.Id])),
                ),
            ),
        accounts: parentId =>
            ifParentExists(() =>
                collect(paginateListAccountsForParent(paging, { ParentId: parentId }), page =>
                    page.Accounts?.flatMap(account => (account.Id === undefined ? [] : [{ id: account.Id, state: account.State ?? account.Status }])),
                ),
            ),
    };
}

function tableResource(table: TableRef): { CatalogId: string; DatabaseName: string; Name: string } {
    return { CatalogId: table.catalogId, DatabaseName: table.database, Name: table.table };
}

export function lakeFormationPort(client: LakeFormationClient): LakeFormationPort {
    return {
        listFilters: table => collect(paginateListDataCellsFilter({ client }, { Table: tableResource(table) }), page => page.DataCellsFilters),
        // IncludeRelated returns the permissions on the table's data cells filters along with the table's own.
        listPermissions: table =>
            collect(
                paginateListPermissions({ client }, { CatalogId: table.catalogId, Resource: { Table: tableResource(table) }, IncludeRelated: "TRUE" }),
                page => page.PrincipalResourcePermissions,
            ),
        createFilter: async filter => {
            await client.send(new CreateDataCellsFilterCommand({ TableData: filter }));
        },
        updateFilter: async filter => {
            await client.send(new UpdateDataCellsFilterCommand({ TableData: filter }));
        },
        deleteFilter: async filter => {
            await client.send(new DeleteDataCellsFilterCommand(filter));
        },
        batchGrant: async (catalogId, entries) =>
            (await client.send(new BatchGrantPermissionsCommand({ CatalogId: catalogId, Entries: entries }))).Failures ?? [],
        batchRevoke: async (catalogId, entries) =>
            (await client.send(new BatchRevokePermissionsCommand({ CatalogId: catalogId, Entries: entries }))).Failures ?? [],
    };
}

export async function loadMappingDocument(client: SSMClient, parameterName: string): Promise<unknown> {
    const value = await currentParameter(client, parameterName, { decrypt: true });
    try {
        return JSON.parse(value);
    } catch (error) {
        throw new Error(`SSM parameter ${parameterName} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
}
