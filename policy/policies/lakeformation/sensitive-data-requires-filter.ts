import type { Resource } from "../../lib/define";
import { stackPolicy } from "../../lib/define";
import {
    FILTER_TYPE,
    grantPrincipal,
    isExternal,
    PERMISSIONS_TYPE,
    permissionList,
    sensitiveColumns,
    TABLE_TYPE,
    type TableColumns,
    tableColumns,
} from "../../lib/lakeformation";
import { isExpired } from "../../lib/exemptions";
import { isUnknown } from "../../lib/unknown";
import { asList, dig, isTrue } from "../../lib/values";

type Say = (message: string) => void;

interface Selection {
    names: unknown;
    wildcard: boolean;
    excluded: unknown;
}

/** A reviewed decision to let one named sensitive column reach one account (README "Access report"). */
export interface ColumnApproval {
    /** `<database>.<table>.<column>`. */
    column: string;
    /** The receiving account id; covers its roles too. */
    account: string;
    reason: string;
    /** Ticket or person who approved, e.g. `SEC-1234`. */
    approver: string;
    /** Last day (UTC, YYYY-MM-DD) on which the approval applies. */
    expires: string;
}

const approvedColumnsSchema = {
    type: "array" as const,
    description: "Named pii/secret columns approved to cross into an account: column (db.table.column), account id, reason, approver, expires.",
    items: {
        type: "object" as const,
        properties: {
            column: { type: "string" as const, pattern: "^[^.]+\\.[^.]+\\.[^.]+$" },
            account: { type: "string" as const, pattern: "^\\d{12}$" },
            reason: { type: "string" as const, minLength: 10 },
            approver: { type: "string" as const, minLength: 3 },
            expires: { type: "string" as const, pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
        },
        required: ["column", "account", "reason", "approver", "expires"],
        additionalProperties: false,
    },
    default: [],
};

/** Accepts a named sensitive column only with an unexpired approval for the receiving account. */
type Approved = (column: string) => ColumnApproval | undefined;

/**
 * Reports sensitive columns a column selection (names, or wildcard minus exclusions) lets through.
 * A sensitive column listed by name passes only with an approval for the receiving account; one
 * reached by a wildcard or a whole-table grant never does (a column added later would follow).
 */
function checkColumns(selection: Selection, table: TableColumns, what: string, say: Say, approved: Approved): void {
    if (table.unknown) {
        say(`${what}: the columns of ${table.database}.${table.name} or their classification are not known at preview, so sensitive columns cannot be checked`);
        return;
    }
    const names = asList(selection.names);
    const excluded = asList(selection.excluded);
    if (isUnknown(selection.names) || isUnknown(selection.excluded) || names.some(isUnknown) || excluded.some(isUnknown)) {
        say(`${what}: the column selection is not known at preview`);
        return;
    }
    const sensitive = sensitiveColumns(table);
    const leaked = selection.wildcard
        ? sensitive.filter(c => !excluded.includes(c))
        : sensitive.filter(c => names.includes(c) && !approved(`${table.database}.${table.name}.${c}`));
    if (leaked.length > 0) {
        say(`${what} exposes the sensitive columns ${leaked.join(", ")}${selection.wildcard ? "" : " without an unexpired approval in approvedColumns"}`);
    }
}

function filterSelection(filter: Resource): Selection {
    const data = filter.props.tableData;
    const wildcard = dig(data, "columnWildcard");
    return {
        names: isUnknown(data) ? data : dig(data, "columnNames"),
        wildcard: wildcard !== undefined && wildcard !== null,
        excluded: isUnknown(wildcard) ? wildcard : dig(wildcard, "excludedColumnNames"),
    };
}

/** The first value added under each tuple of keys, each key matched as a Map key (=== for the strings and values of props). */
class KeyIndex<T> {
    private readonly root = new Map<unknown, unknown>();

    add(keys: readonly unknown[], value: T): void {
        let level = this.root;
        for (const key of keys.slice(0, -1)) {
            let next = level.get(key) as Map<unknown, unknown> | undefined;
            if (!next) {
                next = new Map();
                level.set(key, next);
            }
            level = next;
        }
        const last = keys[keys.length - 1];
        if (!level.has(last)) {
            level.set(last, value);
        }
    }

    get(keys: readonly unknown[]): T | undefined {
        let level: unknown = this.root;
        for (const key of keys) {
            level = (level as Map<unknown, unknown> | undefined)?.get(key);
        }
        return level as T | undefined;
    }
}

function describeTable(database: unknown, name: unknown): string {
    return `${String(database)}.${String(name)}`;
}

export const lfSensitiveDataRequiresFilter = stackPolicy<{ approvedColumns: ColumnApproval[] }>({
    name: "lf-sensitive-data-requires-filter",
    concern: "lakeformation",
    description:
        "Tables with pii/secret columns (column parameter lakewarden:classification) are shared across accounts only through a data " +
        "cells filter or a column-restricted grant that leaves every pii/secret column out (or names each one it shares " +
        "with an approval in approvedColumns: reason, approver, expiry; never through a wildcard or a whole-table grant).",
    severity: "critical",
    remediationSteps:
        "Share sensitive tables with tableWithColumns.columnNames listing only public/internal columns (or wildcard + " +
        "excludedColumnNames covering the pii/secret ones), or with a DataCellsFilter whose columns exclude them. Table-level " +
        "DESCRIBE (metadata only) stays allowed.",
    anchors: {},
    resourceTypes: [PERMISSIONS_TYPE],
    config: { approvedColumns: approvedColumnsSchema },
    validateStack(resources, config, report) {
        const now = new Date();
        const tables = resources
            .filter(r => r.type === TABLE_TYPE)
            .map(tableColumns)
            .filter((t): t is TableColumns => t !== undefined);
        // The first table (and filter) of each name, looked up by name: one pass over the stack, not one per grant.
        const tableByName = new KeyIndex<TableColumns>();
        for (const t of tables) {
            tableByName.add([t.database, t.name], t);
        }
        const findTable = (database: unknown, name: unknown) => tableByName.get([database, name]);
        const filterByName = new KeyIndex<Resource>();
        for (const f of resources.filter(r => r.type === FILTER_TYPE)) {
            filterByName.add([dig(f.props, "tableData.name"), dig(f.props, "tableData.tableName"), dig(f.props, "tableData.databaseName")], f);
        }
        for (const grant of resources.filter(r => r.type === PERMISSIONS_TYPE)) {
            const principal = grantPrincipal(grant.props.principal);
            if (principal.kind !== "unknown" && !isExternal(principal, grant)) {
                continue;
            }
            // DESCRIBE reveals metadata only; the table-level DESCRIBE beside column SELECT grants is the LF pattern.
            const permissions = permissionList(grant.props.permissions);
            if (permissions.known && permissions.values.every(p => p === "DESCRIBE")) {
                continue;
            }
            const say: Say = m => report(m, grant.urn);
            const account = principal.account;
            const named: Approved = column =>
                config.approvedColumns.find(
                    a => a.column === column && a.account === account && !isExpired({ urn: a.column, reason: a.reason, expires: a.expires }, now),
                );
            const who = principal.kind === "unknown" ? "a grant whose principal is not known at preview" : `cross-account grant to ${principal.value}`;
            const located = (database: unknown, name: unknown): TableColumns | undefined => {
                if (isUnknown(database) || isUnknown(name)) {
                    say(`${who}: the table is not known at preview, so its classification cannot be checked`);
                    return undefined;
                }
                const table = findTable(database, name);
                if (!table) {
                    say(`${who}: table ${describeTable(database, name)} is not declared in this stack, so its classification cannot be checked`);
                }
                return table;
            };
            const p = grant.props;
            if (p.table !== undefined) {
                const database = dig(p.table, "databaseName");
                if (isTrue(dig(p.table, "wildcard"))) {
                    const sensitive = tables.filter(t => t.database === database && (t.unknown || sensitiveColumns(t).length > 0));
                    if (sensitive.length > 0) {
                        say(`${who} covers all tables of ${String(database)}, including sensitive ${sensitive.map(t => t.name).join(", ")}`);
                    }
                    continue;
                }
                const table = located(database, dig(p.table, "name"));
                if (table) {
                    checkColumns({ names: [], wildcard: true, excluded: [] }, table, `${who} on the whole table ${table.database}.${table.name}`, say, named);
                }
            } else if (p.tableWithColumns !== undefined) {
                const twc = p.tableWithColumns;
                const table = located(dig(twc, "databaseName"), dig(twc, "name"));
                if (table) {
                    const selection = { names: dig(twc, "columnNames"), wildcard: isTrue(dig(twc, "wildcard")), excluded: dig(twc, "excludedColumnNames") };
                    checkColumns(selection, table, `${who} on ${table.database}.${table.name}`, say, named);
                }
            } else if (p.dataCellsFilter !== undefined) {
                const ref = p.dataCellsFilter;
                const table = located(dig(ref, "databaseName"), dig(ref, "tableName"));
                if (!table) {
                    continue;
                }
                const filter = filterByName.get([dig(ref, "name"), table.name, table.database]);
                if (!filter) {
                    say(
                        `${who}: data cells filter ${String(dig(ref, "name"))} on ${table.database}.${table.name} is not declared in this stack (or not known at preview), so its columns cannot be checked`,
                    );
                } else {
                    checkColumns(filterSelection(filter), table, `${who} through filter ${filter.name}`, say, named);
                }
            }
        }
    },
});
