import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../../pulumi/resource-options";
import type { FilterSpec, GrantResource, GrantSpec } from "../../plans/grant-plan";

export interface LakeFormationGrantsArgs {
    grants: GrantSpec[];
    /** Data cells filters this account owns; grants on them take the filter's outputs so they follow it. */
    filters?: FilterSpec[];
}

/**
 * Lake Formation Permissions for a list of grant specs. Each grant is one principal x one resource,
 * permissions sorted, and replaced delete-first: a grant has no update, and a create-first
 * replacement would be undone by the revoke of the old one.
 */
export class LakeFormationGrants extends pulumi.ComponentResource {
    readonly permissions: aws.lakeformation.Permissions[];
    readonly filters: Map<string, aws.lakeformation.DataCellsFilter>;

    constructor(name: string, args: LakeFormationGrantsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:lakeformation:Grants", name, {}, opts);
        const dependsOn = childDependsOn(opts);
        this.filters = new Map(
            (args.filters ?? []).map(filter => [
                filter.name,
                new aws.lakeformation.DataCellsFilter(`${name}-${filter.name}`, { tableData: filterTableData(filter) }, { parent: this, dependsOn }),
            ]),
        );
        this.permissions = args.grants.map(
            grant =>
                new aws.lakeformation.Permissions(
                    `${name}-${grant.key}`,
                    {
                        principal: grant.principal,
                        permissions: [...grant.permissions].sort(),
                        permissionsWithGrantOptions: grant.grantable ? [...grant.permissions].sort() : [],
                        ...this.resourceArgs(grant.resource),
                    },
                    { parent: this, deleteBeforeReplace: true, dependsOn },
                ),
        );
        this.registerOutputs({});
    }

    private resourceArgs(resource: GrantResource): Partial<aws.lakeformation.PermissionsArgs> {
        switch (resource.kind) {
            case "database":
                return { database: { catalogId: resource.catalogId, name: resource.name } };
            case "table":
                return { table: { catalogId: resource.catalogId, databaseName: resource.databaseName, name: resource.name } };
            case "columns":
                return {
                    tableWithColumns: {
                        catalogId: resource.catalogId,
                        databaseName: resource.databaseName,
                        name: resource.name,
                        columnNames: resource.columnNames,
                    },
                };
            case "filter": {
                const owned = this.filters.get(resource.name);
                const tableData = owned?.tableData;
                return {
                    dataCellsFilter: {
                        tableCatalogId: tableData ? tableData.apply(t => t?.tableCatalogId ?? resource.tableCatalogId) : resource.tableCatalogId,
                        databaseName: tableData ? tableData.apply(t => t?.databaseName ?? resource.databaseName) : resource.databaseName,
                        tableName: tableData ? tableData.apply(t => t?.tableName ?? resource.tableName) : resource.tableName,
                        name: tableData ? tableData.apply(t => t?.name ?? resource.name) : resource.name,
                    },
                };
            }
        }
    }
}

function filterTableData(filter: FilterSpec): aws.types.input.lakeformation.DataCellsFilterTableData {
    return {
        name: filter.name,
        databaseName: filter.databaseName,
        tableName: filter.tableName,
        tableCatalogId: filter.tableCatalogId,
        rowFilter: { filterExpression: filter.rowFilter },
        ...(filter.columnNames ? { columnNames: [...filter.columnNames].sort() } : { columnWildcard: {} }),
    };
}
