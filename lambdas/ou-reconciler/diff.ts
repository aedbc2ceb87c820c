import type { DataCellsFilter, Permission, PrincipalResourcePermissions } from "@aws-sdk/client-lakeformation";
import { assignChunks } from "./chunk-assignment";
import type { DesiredTable } from "./desired-state";
import { chunkCapacity, parseExpression, renderExpression } from "./expression";
import { filterName, groupKey, parseFilterName } from "./filter-name";
import { ACCOUNT_ID, type TableRef } from "./mapping";

/** The changes that bring one table from what Lake Formation holds to what the mapping asks for. */

export interface ActualTable {
    filters: DataCellsFilter[];
    /** Permissions on the table and on its data cells filters. */
    permissions: PrincipalResourcePermissions[];
}

interface FilterWrite {
    name: string;
    expression: string;
    accounts: string[];
}

interface FilterUpdate extends FilterWrite {
    /** The accounts the filter held, or undefined when its old content was not in the canonical form. */
    previousAccounts: string[] | undefined;
}

export interface GrantChange {
    filterName: string;
    principal: string;
    permissions: Permission[];
    grantable: Permission[];
}

export interface TablePlan {
    table: TableRef;
    creates: FilterWrite[];
    updates: FilterUpdate[];
    deletes: string[];
    grants: GrantChange[];
    revokes: GrantChange[];
    /** Groups left exactly as they are because their OU could not be read, with the reason. */
    untouched: { group: string; reason: string }[];
    warnings: string[];
}

const GRANTED: Permission[] = ["SELECT"];
// Lake Formation: at most 100 data-filter SELECT permissions per principal per table.
const MAX_FILTERS_PER_PRINCIPAL = 100;

interface Held {
    permissions: Set<Permission>;
    grantable: Set<Permission>;
}

export function planTable(desired: DesiredTable, actual: ActualTable): TablePlan {
    const plan: TablePlan = { table: desired.table, creates: [], updates: [], deletes: [], grants: [], revokes: [], untouched: [], warnings: [] };
    const frozen = new Set<string>();
    for (const [key, group] of desired.groups) {
        if (group.accounts === undefined) {
            frozen.add(key);
            plan.untouched.push({ group: key, reason: group.unknownReason ?? "organisation not readable" });
        }
    }
    const owned = ownedFilters(actual.filters, frozen);
    const audience = new Map<string, string[]>();
    for (const key of [...new Set([...desired.groups.keys(), ...owned.keys()])].sort()) {
        if (frozen.has(key)) continue;
        const group = desired.groups.get(key);
        const current = owned.get(key) ?? new Map<number, DataCellsFilter>();
        const column = desired.accountColumn;
        const held = new Map([...current].map(([chunk, filter]) => [chunk, readAccounts(column, filter)]));
        const assignment = new Map<number, string[]>();
        if (group?.accounts !== undefined && group.accounts.length > 0 && column !== undefined) {
            for (const [chunk, accounts] of assignChunks(group.accounts, held, chunkCapacity(column))) {
                assignment.set(chunk, accounts);
                const name = filterName({ ouId: group.ouId, nested: group.nested, chunk });
                const expression = renderExpression(column, accounts);
                const existing = current.get(chunk);
                if (existing === undefined) plan.creates.push({ name, expression, accounts });
                else if (!hasContent(existing, expression)) plan.updates.push({ name, expression, accounts, previousAccounts: held.get(chunk) });
                audience.set(name, group.consumers);
            }
        }
        for (const [chunk, filter] of current) {
            if (!assignment.has(chunk)) plan.deletes.push(filter.Name as string);
        }
    }
    diffGrants(plan, audience, ownedGrants(actual.permissions, frozen));
    warnAboutLimits(plan, audience);
    return plan;
}

/** Owned filters by group key and chunk; filters of frozen groups are left out so nothing touches them. */
function ownedFilters(filters: readonly DataCellsFilter[], frozen: ReadonlySet<string>): Map<string, Map<number, DataCellsFilter>> {
    const owned = new Map<string, Map<number, DataCellsFilter>>();
    for (const filter of filters) {
        const identity = parseFilterName(filter.Name ?? "");
        if (identity === undefined) continue;
        const key = groupKey(identity.ouId, identity.nested);
        if (frozen.has(key)) continue;
        const chunks = owned.get(key) ?? new Map<number, DataCellsFilter>();
        chunks.set(identity.chunk, filter);
        owned.set(key, chunks);
    }
    return owned;
}

function readAccounts(column: string | undefined, filter: DataCellsFilter): string[] | undefined {
    const expression = filter.RowFilter?.FilterExpression;
    if (column === undefined || expression === undefined || !allColumns(filter)) return undefined;
    return parseExpression(column, expression);
}

function allColumns(filter: DataCellsFilter): boolean {
    return filter.ColumnWildcard !== undefined && (filter.ColumnWildcard.ExcludedColumnNames ?? []).length === 0 && (filter.ColumnNames ?? []).length === 0;
}

function hasContent(filter: DataCellsFilter, expression: string): boolean {
    return filter.RowFilter?.FilterExpression === expression && filter.RowFilter.AllRowsWildcard === undefined && allColumns(filter);
}

/** Grants to accounts on owned filters; grants to roles, users or groups are someone else's. */
function ownedGrants(permissions: readonly PrincipalResourcePermissions[], frozen: ReadonlySet<string>): Map<string, Map<string, Held>> {
    const grants = new Map<string, Map<string, Held>>();
    for (const entry of permissions) {
        const name = entry.Resource?.DataCellsFilter?.Name;
        const principal = entry.Principal?.DataLakePrincipalIdentifier;
        const identity = parseFilterName(name ?? "");
        if (identity === undefined || principal === undefined || !ACCOUNT_ID.test(principal)) continue;
        if (frozen.has(groupKey(identity.ouId, identity.nested))) continue;
        const byPrincipal = grants.get(name as string) ?? new Map<string, Held>();
        const held = byPrincipal.get(principal) ?? { permissions: new Set(), grantable: new Set() };
        entry.Permissions?.forEach(permission => held.permissions.add(permission));
        entry.PermissionsWithGrantOption?.forEach(permission => held.grantable.add(permission));
        byPrincipal.set(principal, held);
        grants.set(name as string, byPrincipal);
    }
    return grants;
}

function diffGrants(plan: TablePlan, audience: ReadonlyMap<string, string[]>, held: ReadonlyMap<string, ReadonlyMap<string, Held>>): void {
    for (const [name, consumers] of [...audience].sort(([a], [b]) => a.localeCompare(b))) {
        for (const principal of consumers) {
            const current = held.get(name)?.get(principal);
            const complete = current !== undefined && GRANTED.every(p => current.permissions.has(p) && current.grantable.has(p));
            if (!complete) plan.grants.push({ filterName: name, principal, permissions: [...GRANTED], grantable: [...GRANTED] });
            const extra = current === undefined ? [] : [...current.permissions].filter(p => !GRANTED.includes(p));
            const extraGrantable = current === undefined ? [] : [...current.grantable].filter(p => !GRANTED.includes(p));
            if (extra.length > 0 || extraGrantable.length > 0) {
                plan.revokes.push({ filterName: name, principal, permissions: extra, grantable: extraGrantable });
            }
        }
    }
    for (const [name, byPrincipal] of held) {
        for (const [principal, current] of byPrincipal) {
            if (audience.get(name)?.includes(principal)) continue;
            plan.revokes.push({ filterName: name, principal, permissions: [...current.permissions], grantable: [...current.grantable] });
        }
    }
}

function warnAboutLimits(plan: TablePlan, audience: ReadonlyMap<string, string[]>): void {
    const perPrincipal = new Map<string, number>();
    for (const consumers of audience.values()) {
        consumers.forEach(principal => perPrincipal.set(principal, (perPrincipal.get(principal) ?? 0) + 1));
    }
    for (const [principal, count] of perPrincipal) {
        if (count > MAX_FILTERS_PER_PRINCIPAL) {
            plan.warnings.push(`${principal} would hold SELECT on ${count} filters of one table; Lake Formation allows ${MAX_FILTERS_PER_PRINCIPAL}`);
        }
    }
}
