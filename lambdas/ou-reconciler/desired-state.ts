import { groupKey } from "./filter-name";
import { type MappingDocument, type TableRef, tableKey } from "./mapping";
import { type Memberships, type OuRequest, requestKey } from "./org-tree";

/** What each table should hold: per (OU, membership rule), the accounts to filter on and who may see them. */

interface DesiredGroup {
    ouId: string;
    nested: boolean;
    /** Sorted, distinct consumer account ids. */
    consumers: string[];
    /** Sorted account ids; undefined when the organisation could not be read: leave this group untouched. */
    accounts: string[] | undefined;
    unknownReason?: string;
}

export interface DesiredTable {
    table: TableRef;
    /** undefined for a retired table: everything the reconciler owns on it goes. */
    accountColumn: string | undefined;
    /** By groupKey(ouId, nested). */
    groups: Map<string, DesiredGroup>;
}

export function membershipRequests(doc: MappingDocument): OuRequest[] {
    const requests = new Map<string, OuRequest>();
    for (const mapping of doc.mappings) {
        for (const table of mapping.tables) {
            const request = { ouId: mapping.ouId, nested: table.includeNested };
            requests.set(requestKey(request), request);
        }
    }
    return [...requests.values()];
}

export function desiredTables(doc: MappingDocument, memberships: Memberships): DesiredTable[] {
    const tables = new Map<string, DesiredTable>();
    for (const mapping of doc.mappings) {
        for (const table of mapping.tables) {
            const ref = { catalogId: table.catalogId, database: table.database, table: table.table };
            let desired = tables.get(tableKey(ref));
            if (desired === undefined) {
                desired = { table: ref, accountColumn: table.accountColumn, groups: new Map() };
                tables.set(tableKey(ref), desired);
            }
            const key = groupKey(mapping.ouId, table.includeNested);
            const membership = memberships.byRequest.get(requestKey({ ouId: mapping.ouId, nested: table.includeNested }));
            if (membership === undefined) throw new Error(`no membership resolved for ${key}`);
            const group = desired.groups.get(key) ?? {
                ouId: mapping.ouId,
                nested: table.includeNested,
                consumers: [],
                accounts: membership.kind === "known" ? [...membership.accounts].sort() : undefined,
                ...(membership.kind === "unknown" ? { unknownReason: membership.reason } : {}),
            };
            group.consumers = [...new Set([...group.consumers, ...mapping.consumers])].sort();
            desired.groups.set(key, group);
        }
    }
    for (const retired of doc.retiredTables) {
        tables.set(tableKey(retired), { table: retired, accountColumn: undefined, groups: new Map() });
    }
    return [...tables.values()];
}
