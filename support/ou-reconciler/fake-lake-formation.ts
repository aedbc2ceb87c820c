import {
    AlreadyExistsException,
    type BatchGrantPermissionsCommandInput,
    type BatchPermissionsFailureEntry,
    type BatchPermissionsRequestEntry,
    type BatchRevokePermissionsCommandInput,
    type DataCellsFilter,
    type DeleteDataCellsFilterCommandInput,
    EntityNotFoundException,
    InvalidInputException,
    type ListDataCellsFilterCommandInput,
    type ListPermissionsCommandInput,
    type Permission,
    type PrincipalResourcePermissions,
    type Resource,
} from "@aws-sdk/client-lakeformation";

/**
 * Lake Formation held in memory: tables with columns, data cells filters and permissions, with the
 * service's validation (expression length and syntax, column existence, 20-entry batches, revoking
 * what is not granted fails) and a row evaluator that says which account rows a principal can read.
 */

export interface FakeTable {
    catalogId: string;
    database: string;
    table: string;
}

interface StoredGrant {
    principal: string;
    resource: Resource;
    permissions: Set<Permission>;
    grantable: Set<Permission>;
}

const $metadata = {};
const MAX_BATCH = 20;
// Lake Formation: the expression must be shorter than 2,048 characters.
const MAX_EXPRESSION = 2047;
const IN_LIST = /^([A-Za-z_][A-Za-z0-9_.]*) IN \(('\d{12}'(?:,\s*'\d{12}')*)\)$/;
const EQUALS = /^([A-Za-z_][A-Za-z0-9_.]*) = '([^']*)'$/;

export function tableId(table: FakeTable): string {
    return `${table.catalogId}/${table.database}/${table.table}`;
}

function invalid(message: string): InvalidInputException {
    return new InvalidInputException({ message, $metadata });
}

function notFound(message: string): EntityNotFoundException {
    return new EntityNotFoundException({ message, $metadata });
}

export class FakeLakeFormation {
    readonly columns = new Map<string, string[]>();
    /** The column holding each row's account id, per table. */
    readonly accountColumns = new Map<string, string>();
    readonly filters = new Map<string, Map<string, DataCellsFilter>>();
    readonly grants = new Map<string, StoredGrant>();
    pageSize = 50;

    addTable(table: FakeTable, accountColumn: string, otherColumns: string[] = ["region", "time"]): this {
        this.columns.set(tableId(table), [accountColumn, ...otherColumns]);
        this.accountColumns.set(tableId(table), accountColumn);
        this.filters.set(tableId(table), new Map());
        return this;
    }

    grant(principal: string, resource: Resource, permissions: Permission[], grantable: Permission[] = []): this {
        const key = grantKey(principal, resource);
        const stored = this.grants.get(key) ?? { principal, resource, permissions: new Set(), grantable: new Set() };
        permissions.forEach(p => stored.permissions.add(p));
        grantable.forEach(p => stored.grantable.add(p));
        this.grants.set(key, stored);
        return this;
    }

    filtersOf(table: FakeTable): DataCellsFilter[] {
        return [...(this.filters.get(tableId(table))?.values() ?? [])];
    }

    /** A deep copy of every filter and grant, to show that something was left exactly as it was. */
    snapshot(): string {
        const filters = [...this.filters].map(([table, byName]) => [table, [...byName.values()]]);
        const grants = [...this.grants.values()].map(g => ({ ...g, permissions: [...g.permissions].sort(), grantable: [...g.grantable].sort() }));
        return JSON.stringify({ filters, grants: grants.sort((a, b) => grantKey(a.principal, a.resource).localeCompare(grantKey(b.principal, b.resource))) });
    }

    /**
     * Account ids whose rows the principal can read in the table: "all" with SELECT on the table, else the
     * union of the rows of every filter it holds SELECT on. `rows` are the account ids present in the table.
     */
    visibleAccounts(table: FakeTable, principal: string, rows: Iterable<string>): Set<string> | "all" {
        const visible = new Set<string>();
        const accountRows = [...rows];
        for (const grant of this.grants.values()) {
            if (grant.principal !== principal || !grant.permissions.has("SELECT")) continue;
            const onTable = grant.resource.Table ?? grant.resource.TableWithColumns;
            if (onTable !== undefined && sameTable(table, onTable.CatalogId, onTable.DatabaseName, onTable.Name)) return "all";
            const ref = grant.resource.DataCellsFilter;
            if (ref === undefined || !sameTable(table, ref.TableCatalogId, ref.DatabaseName, ref.TableName)) continue;
            const filter = this.filters.get(tableId(table))?.get(ref.Name ?? "");
            if (filter === undefined) continue;
            const column = this.accountColumns.get(tableId(table)) as string;
            for (const row of accountRows) if (matches(filter, column, row)) visible.add(row);
        }
        return visible;
    }

    listDataCellsFilter(input: ListDataCellsFilterCommandInput): { DataCellsFilters: DataCellsFilter[]; NextToken?: string } {
        const table = this.table(input.Table?.CatalogId, input.Table?.DatabaseName, input.Table?.Name);
        const all = [...(this.filters.get(table)?.values() ?? [])].sort((a, b) => (a.Name ?? "").localeCompare(b.Name ?? ""));
        const { page, NextToken } = this.page(input, all);
        return { DataCellsFilters: page.map(f => structuredClone(f)), ...(NextToken ? { NextToken } : {}) };
    }

    listPermissions(input: ListPermissionsCommandInput): { PrincipalResourcePermissions: PrincipalResourcePermissions[]; NextToken?: string } {
        const ref = input.Resource?.Table;
        if (ref === undefined) throw invalid("this fake lists permissions of a table only");
        if (input.Principal !== undefined && input.IncludeRelated === "TRUE") throw invalid("Principal must not be given with IncludeRelated");
        const table = this.table(ref.CatalogId ?? input.CatalogId, ref.DatabaseName, ref.Name);
        const related = [...this.grants.values()].filter(g => {
            const onTable = g.resource.Table ?? g.resource.TableWithColumns;
            if (onTable !== undefined)
                return tableId({ catalogId: onTable.CatalogId ?? "", database: onTable.DatabaseName ?? "", table: onTable.Name ?? "" }) === table;
            const filter = g.resource.DataCellsFilter;
            return input.IncludeRelated === "TRUE" && filter !== undefined && this.filterTable(filter) === table;
        });
        const entries = related.map(g => ({
            Principal: { DataLakePrincipalIdentifier: g.principal },
            Resource: structuredClone(g.resource),
            Permissions: [...g.permissions],
            PermissionsWithGrantOption: [...g.grantable],
        }));
        const { page, NextToken } = this.page(input, entries);
        return { PrincipalResourcePermissions: page, ...(NextToken ? { NextToken } : {}) };
    }

    createDataCellsFilter(data: DataCellsFilter | undefined): void {
        const table = this.validate(data);
        const name = data?.Name as string;
        const byName = this.filters.get(table) as Map<string, DataCellsFilter>;
        if (byName.has(name)) throw new AlreadyExistsException({ message: `filter ${name} exists`, $metadata });
        byName.set(name, structuredClone(data as DataCellsFilter));
    }

    updateDataCellsFilter(data: DataCellsFilter | undefined): void {
        const table = this.validate(data);
        const byName = this.filters.get(table) as Map<string, DataCellsFilter>;
        if (!byName.has(data?.Name as string)) throw notFound(`no filter ${data?.Name}`);
        byName.set(data?.Name as string, structuredClone(data as DataCellsFilter));
    }

    deleteDataCellsFilter(input: DeleteDataCellsFilterCommandInput): void {
        const table = this.table(input.TableCatalogId, input.DatabaseName, input.TableName);
        const byName = this.filters.get(table) as Map<string, DataCellsFilter>;
        if (!byName.delete(input.Name ?? "")) throw notFound(`no filter ${input.Name}`);
        for (const [key, grant] of this.grants) {
            const ref = grant.resource.DataCellsFilter;
            if (ref !== undefined && ref.Name === input.Name && this.filterTable(ref) === table) this.grants.delete(key);
        }
    }

    batchGrantPermissions(input: BatchGrantPermissionsCommandInput): { Failures: BatchPermissionsFailureEntry[] } {
        return this.batch(input.Entries, entry => {
            const principal = entry.Principal?.DataLakePrincipalIdentifier ?? "";
            this.assertResource(entry.Resource);
            const permissions = entry.Permissions ?? [];
            const grantable = entry.PermissionsWithGrantOption ?? [];
            if (permissions.length === 0) throw invalid("no permissions");
            if (!grantable.every(p => permissions.includes(p))) throw invalid("grant option on a permission not granted");
            this.grant(principal, entry.Resource as Resource, permissions, grantable);
        });
    }

    batchRevokePermissions(input: BatchRevokePermissionsCommandInput): { Failures: BatchPermissionsFailureEntry[] } {
        return this.batch(input.Entries, entry => {
            const key = grantKey(entry.Principal?.DataLakePrincipalIdentifier ?? "", entry.Resource ?? {});
            const stored = this.grants.get(key);
            const permissions = entry.Permissions ?? [];
            const grantable = entry.PermissionsWithGrantOption ?? [];
            const held = (p: Permission) => stored?.permissions.has(p) ?? false;
            if (stored === undefined || !permissions.every(held) || !grantable.every(p => stored.grantable.has(p))) {
                throw invalid("No permissions revoked");
            }
            permissions.forEach(p => {
                stored.permissions.delete(p);
                stored.grantable.delete(p);
            });
            grantable.forEach(p => stored.grantable.delete(p));
            if (stored.permissions.size === 0) this.grants.delete(key);
        });
    }

    private batch(
        entries: BatchPermissionsRequestEntry[] | undefined,
        apply: (entry: BatchPermissionsRequestEntry) => void,
    ): { Failures: BatchPermissionsFailureEntry[] } {
        if (entries === undefined || entries.length === 0 || entries.length > MAX_BATCH) throw invalid(`a batch takes 1-${MAX_BATCH} entries`);
        if (new Set(entries.map(e => e.Id)).size !== entries.length) throw invalid("entry ids must be unique");
        const failures: BatchPermissionsFailureEntry[] = [];
        for (const entry of entries) {
            try {
                apply(entry);
            } catch (error) {
                const e = error as Error;
                failures.push({ RequestEntry: entry, Error: { ErrorCode: e.name, ErrorMessage: e.message } });
            }
        }
        return { Failures: failures };
    }

    private validate(data: DataCellsFilter | undefined): string {
        if (data === undefined) throw invalid("TableData missing");
        const table = this.table(data.TableCatalogId, data.DatabaseName, data.TableName);
        if (!data.Name || data.Name.length > 255) throw invalid("filter name must be 1-255 characters");
        const expression = data.RowFilter?.FilterExpression;
        if ((expression === undefined) === (data.RowFilter?.AllRowsWildcard === undefined)) throw invalid("one of FilterExpression or AllRowsWildcard");
        if ((data.ColumnWildcard === undefined) === (data.ColumnNames === undefined)) throw invalid("one of ColumnNames or ColumnWildcard");
        if (expression !== undefined) {
            if (expression.length > MAX_EXPRESSION) throw invalid(`expression of ${expression.length} characters`);
            const column = IN_LIST.exec(expression)?.[1] ?? EQUALS.exec(expression)?.[1];
            if (column === undefined) throw invalid(`unsupported expression ${expression}`);
            if (!this.columns.get(table)?.includes(column)) throw invalid(`no column ${column} in ${table}`);
        }
        return table;
    }

    private assertResource(resource: Resource | undefined): void {
        const ref = resource?.DataCellsFilter;
        if (ref === undefined) throw invalid("this fake grants on data cells filters only");
        const table = this.filterTable(ref);
        if (!this.filters.get(table)?.has(ref.Name ?? "")) throw notFound(`no filter ${ref.Name} on ${table}`);
    }

    private filterTable(ref: { TableCatalogId?: string; DatabaseName?: string; TableName?: string }): string {
        return tableId({ catalogId: ref.TableCatalogId ?? "", database: ref.DatabaseName ?? "", table: ref.TableName ?? "" });
    }

    private table(catalogId: string | undefined, database: string | undefined, name: string | undefined): string {
        const id = tableId({ catalogId: catalogId ?? "", database: database ?? "", table: name ?? "" });
        if (!this.columns.has(id)) throw notFound(`table ${id} not found`);
        return id;
    }

    private page<T>(input: { NextToken?: string; MaxResults?: number }, items: T[]): { page: T[]; NextToken?: string } {
        const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
        const end = start + (input.MaxResults ?? this.pageSize);
        return { page: items.slice(start, end), ...(end < items.length ? { NextToken: String(end) } : {}) };
    }
}

function sameTable(table: FakeTable, catalogId?: string, database?: string, name?: string): boolean {
    return table.catalogId === catalogId && table.database === database && table.table === name;
}

function grantKey(principal: string, resource: Resource): string {
    return `${principal}|${JSON.stringify(resource, Object.keys(flatten(resource)).sort())}`;
}

function flatten(value: unknown, into: Record<string, true> = {}): Record<string, true> {
    if (typeof value === "object" && value !== null) {
        for (const [key, inner] of Object.entries(value)) {
            into[key] = true;
            flatten(inner, into);
        }
    }
    return into;
}

/** Whether the filter lets through the row whose account column holds this id (other columns are empty). */
function matches(filter: DataCellsFilter, accountColumn: string, accountId: string): boolean {
    if (filter.RowFilter?.AllRowsWildcard !== undefined) return true;
    const expression = filter.RowFilter?.FilterExpression ?? "";
    const list = IN_LIST.exec(expression);
    if (list !== null) return list[1] === accountColumn && list[2].split(",").some(literal => literal.trim() === `'${accountId}'`);
    const equals = EQUALS.exec(expression);
    return equals !== null && equals[1] === accountColumn && equals[2] === accountId;
}
