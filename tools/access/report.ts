// Who can read what, computed from the recorded resources (what would really be deployed, not the
// config): Lake Formation Permissions resolved against the Glue tables (column classification),
// the data cells filters (columns + row filter), the resource links and the RAM share accepters.
import { grantPrincipal } from "../../policy/lib/lakeformation";
import { type AccountPlan } from "../offline/plan-model";
import type { RecordedResource } from "../offline/recorder";
import { isExpired } from "../../policy/lib/exemptions";
import { isUnknown } from "../../policy/lib/unknown";
import { asList, dig, isTrue } from "../../policy/lib/values";

const PERMISSIONS = "aws:lakeformation/permissions:Permissions";
const FILTER = "aws:lakeformation/dataCellsFilter:DataCellsFilter";
const TABLE = "aws:glue/catalogTable:CatalogTable";
const DATABASE = "aws:glue/catalogDatabase:CatalogDatabase";
const RAM_ACCEPTER = "aws:ram/resourceShareAccepter:ResourceShareAccepter";
const SENSITIVE = new Set(["pii", "secret"]);

interface GrantRef {
    name: string;
    urn: string;
    /** Account (by name) that makes the grant. */
    grantor: string;
}

export interface Column {
    name: string;
    classification: string;
}

/** One grant, resolved to the data it opens. */
export interface AccessEntry {
    /** Account name, or the principal itself when no account of the stack holds it. */
    principal: string;
    principalAccount: string;
    kind: "database" | "table" | "columns" | "filter" | "other";
    /** `<owner account name>:<database>[.<table>]`; a database on a resource link names the link's target. */
    resource: string;
    /** Resource link the database grant is on (consumer side), if any. */
    link?: string;
    /** Columns the grant opens (table, columns and filter kinds); undefined when not known at preview. */
    columns?: Column[];
    /** Row filter expression; undefined = all rows. */
    rowFilter?: string;
    filter?: string;
    permissions: string[];
    grantable: boolean;
    /** Reading rows (SELECT) rather than metadata only. */
    reads: boolean;
    grant: GrantRef;
}

export interface Approval {
    column: string;
    account: string;
    reason: string;
    approver: string;
    expires: string;
}

export interface SensitiveCrossing {
    /** `<owner account name>:<database>.<table>.<column>`. */
    column: string;
    classification: string;
    owner: string;
    /** Account (by name) the column reaches, and the principal (account or role) that holds the grant. */
    account: string;
    principal: string;
    rowFilter?: string;
    grant: GrantRef;
    approval?: Approval;
}

export interface AccessReport {
    /** Consumers: every account (or org/OU principal) that receives grants on another account's data. */
    consumers: { account: string; accountId: string; entries: AccessEntry[] }[];
    /** IAM roles with grants: what each can read. */
    roles: { role: string; account: string; entries: AccessEntry[] }[];
    links: { account: string; name: string; target: string; urn: string }[];
    ramShares: { account: string; shareArn: string; urn: string }[];
    crossings: SensitiveCrossing[];
    /** Grants whose target or columns are not known (preview): each one a reason the report is incomplete. */
    unresolved: { grant: GrantRef; reason: string }[];
}

interface Table {
    catalogId: string;
    database: string;
    name: string;
    columns: Column[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" && !isUnknown(v) ? v : undefined);
const strings = (v: unknown): string[] | undefined => {
    if (isUnknown(v)) return undefined;
    const list = asList(v);
    return list.every(x => str(x) !== undefined) ? (list as string[]) : undefined;
};

export function computeAccessReport(resources: RecordedResource[], accounts: AccountPlan[], approvals: Approval[] = [], now = new Date()): AccessReport {
    const nameOf = (id: string | undefined): string => accounts.find(a => a.accountId === id)?.name ?? id ?? "?";
    const tables: Table[] = resources
        .filter(r => r.type === TABLE)
        .flatMap(r => {
            const catalogId = str(r.props.catalogId) ?? r.accountId;
            const database = str(r.props.databaseName);
            const name = str(r.props.name);
            const raw = [...asList(dig(r.props, "storageDescriptor.columns")), ...asList(r.props.partitionKeys)];
            if (!catalogId || !database || !name) return [];
            const columns = raw.map(c => ({
                name: String(dig(c, "name")),
                classification: String(dig(c, `parameters.lakewarden:classification`) ?? "unclassified"),
            }));
            return [{ catalogId, database, name, columns }];
        });
    const findTable = (catalogId: string | undefined, database: string | undefined, name: string | undefined) =>
        tables.find(t => t.database === database && t.name === name && (catalogId === undefined || t.catalogId === catalogId));
    const links = resources
        .filter(r => r.type === DATABASE && r.props.targetDatabase)
        .map(r => ({
            account: nameOf(r.accountId),
            catalogId: str(r.props.catalogId) ?? r.accountId ?? "?",
            name: String(r.props.name),
            target: `${nameOf(str(dig(r.props.targetDatabase, "catalogId")))}:${String(dig(r.props.targetDatabase, "databaseName"))}`,
            urn: r.urn,
        }));
    const filters = resources.filter(r => r.type === FILTER);
    const unresolved: AccessReport["unresolved"] = [];
    const entries: AccessEntry[] = [];

    for (const grant of resources.filter(r => r.type === PERMISSIONS)) {
        const ref: GrantRef = { name: grant.name, urn: grant.urn, grantor: nameOf(grant.accountId) };
        const principal = grantPrincipal(grant.props.principal);
        if (principal.kind === "unknown") {
            unresolved.push({ grant: ref, reason: "principal not known" });
            continue;
        }
        const permissions = strings(grant.props.permissions) ?? [];
        const base = {
            principal: principal.kind === "account" ? nameOf(principal.account) : principal.value,
            principalAccount: principal.account ? nameOf(principal.account) : principal.value,
            permissions: [...permissions].sort(),
            grantable: (strings(grant.props.permissionsWithGrantOptions) ?? []).length > 0,
            reads: permissions.some(p => p === "SELECT" || p === "ALL"),
            grant: ref,
        };
        const p = grant.props;
        const tableEntry = (ref2: unknown, kind: AccessEntry["kind"], pick: (t: Table) => Column[] | undefined, extra: Partial<AccessEntry> = {}) => {
            const catalogId = str(dig(ref2, "catalogId"));
            const database = str(dig(ref2, "databaseName"));
            const name = str(dig(ref2, "name"));
            const table = findTable(catalogId, database, name);
            const columns = table ? pick(table) : undefined;
            if (!table || !columns) {
                unresolved.push({
                    grant: ref,
                    reason: `${kind} ${catalogId ?? "?"}:${database ?? "?"}.${name ?? "?"} ${table ? "columns not known at preview" : "is not declared in this stack (created outside it), so its columns are not known"}`,
                });
            }
            entries.push({ ...base, kind, resource: `${nameOf(catalogId ?? table?.catalogId)}:${database ?? "?"}.${name ?? "?"}`, columns, ...extra });
        };
        if (p.database !== undefined) {
            const catalogId = str(dig(p.database, "catalogId")) ?? grant.accountId;
            const name = str(dig(p.database, "name")) ?? "?";
            const link = links.find(l => l.catalogId === catalogId && l.name === name);
            entries.push({
                ...base,
                kind: "database",
                resource: link ? link.target : `${nameOf(catalogId)}:${name}`,
                ...(link ? { link: `${link.account}:${link.name}` } : {}),
            });
        } else if (p.tableWithColumns !== undefined) {
            const twc = p.tableWithColumns;
            const names = strings(dig(twc, "columnNames"));
            const excluded = strings(dig(twc, "excludedColumnNames")) ?? [];
            tableEntry(twc, "columns", t =>
                isTrue(dig(twc, "wildcard")) ? t.columns.filter(c => !excluded.includes(c.name)) : names && t.columns.filter(c => names.includes(c.name)),
            );
        } else if (p.table !== undefined) {
            tableEntry(p.table, "table", t => t.columns);
        } else if (p.dataCellsFilter !== undefined) {
            const fref = p.dataCellsFilter;
            const filterName = str(dig(fref, "name"));
            const filter = filters.find(
                f =>
                    dig(f.props, "tableData.name") === filterName &&
                    dig(f.props, "tableData.tableName") === str(dig(fref, "tableName")) &&
                    dig(f.props, "tableData.databaseName") === str(dig(fref, "databaseName")),
            );
            const data = filter?.props.tableData;
            const expression = str(dig(data, "rowFilter.filterExpression"));
            const allRows = dig(data, "rowFilter.allRowsWildcard") !== undefined;
            const wildcard = dig(data, "columnWildcard");
            const excluded = strings(dig(wildcard, "excludedColumnNames")) ?? [];
            const names = strings(dig(data, "columnNames"));
            tableEntry(
                { catalogId: dig(fref, "tableCatalogId"), databaseName: dig(fref, "databaseName"), name: dig(fref, "tableName") },
                "filter",
                t =>
                    !filter
                        ? undefined
                        : wildcard !== undefined && wildcard !== null
                          ? t.columns.filter(c => !excluded.includes(c.name))
                          : names && t.columns.filter(c => names.includes(c.name)),
                { filter: filterName, ...(expression && !allRows ? { rowFilter: expression } : {}) },
            );
        } else {
            entries.push({
                ...base,
                kind: "other",
                resource:
                    Object.keys(p)
                        .filter(k => !["principal", "permissions", "permissionsWithGrantOptions"].includes(k))
                        .join(",") || "?",
            });
        }
    }

    const crossesFrom = (e: AccessEntry) => e.resource.slice(0, e.resource.indexOf(":"));
    const consumers = new Map<string, AccessEntry[]>();
    const roles = new Map<string, AccessEntry[]>();
    for (const e of entries) {
        const isRole = e.principal.startsWith("arn:") && /:role\//.test(e.principal);
        if (isRole) {
            roles.set(e.principal, [...(roles.get(e.principal) ?? []), e]);
        } else if (crossesFrom(e) !== e.principalAccount) {
            consumers.set(e.principal, [...(consumers.get(e.principal) ?? []), e]);
        }
    }
    const crossings: SensitiveCrossing[] = [];
    for (const e of entries) {
        const owner = crossesFrom(e);
        if (!e.reads || owner === e.principalAccount || !e.columns) continue;
        for (const c of e.columns.filter(col => SENSITIVE.has(col.classification))) {
            const column = `${e.resource}.${c.name}`;
            const dbTableColumn = column.slice(column.indexOf(":") + 1);
            // Same rule as the pack (lf-sensitive-data-requires-filter): the approval names the receiving account and has not expired.
            const approval = approvals.find(
                a =>
                    a.column === dbTableColumn &&
                    nameOf(a.account) === e.principalAccount &&
                    !isExpired({ urn: a.column, reason: a.reason, expires: a.expires }, now),
            );
            crossings.push({
                column,
                classification: c.classification,
                owner,
                account: e.principalAccount,
                principal: e.principal,
                grant: e.grant,
                ...(e.rowFilter ? { rowFilter: e.rowFilter } : {}),
                ...(approval ? { approval } : {}),
            });
        }
    }
    const order = (name: string) => {
        const i = accounts.findIndex(a => a.name === name);
        return i < 0 ? accounts.length : i;
    };
    const sortEntries = (list: AccessEntry[]) => [...list].sort((a, b) => entryKey(a).localeCompare(entryKey(b)));
    return {
        consumers: [...consumers]
            .map(([account, list]) => ({ account, accountId: accounts.find(a => a.name === account)?.accountId ?? account, entries: sortEntries(list) }))
            .sort((a, b) => order(a.account) - order(b.account) || a.account.localeCompare(b.account)),
        roles: [...roles]
            .map(([role, list]) => ({ role, account: list[0].principalAccount, entries: sortEntries(list) }))
            .sort((a, b) => order(a.account) - order(b.account) || a.role.localeCompare(b.role)),
        links: links.map(({ account, name, target, urn }) => ({ account, name, target, urn })),
        ramShares: resources.filter(r => r.type === RAM_ACCEPTER).map(r => ({ account: nameOf(r.accountId), shareArn: String(r.props.shareArn), urn: r.urn })),
        crossings: crossings.sort((a, b) => `${a.column} ${a.principal}`.localeCompare(`${b.column} ${b.principal}`)),
        unresolved,
    };
}

function entryKey(e: AccessEntry): string {
    return `${e.resource} ${e.kind} ${e.filter ?? ""} ${e.permissions.join(",")}`;
}

const showColumns = (columns: Column[] | undefined): string =>
    columns === undefined ? "columns not known" : columns.map(c => (SENSITIVE.has(c.classification) ? `${c.name}[${c.classification}]` : c.name)).join(", ");

/** One line per entry: what the principal gets on which resource. */
export function describeEntry(e: AccessEntry, verbose = false): string {
    const what =
        e.kind === "database"
            ? `database ${e.resource}${e.link ? ` (link ${e.link})` : ""}`
            : e.kind === "other"
              ? `${e.resource}`
              : !e.reads
                ? `${e.resource} (metadata only)`
                : `${e.resource}${e.kind === "table" ? " (whole table)" : ""}${e.filter ? ` filter ${e.filter}` : ""}: ${showColumns(e.columns)}; ${e.rowFilter ? `rows where ${e.rowFilter}` : "all rows"}`;
    const line = `${what} [${e.permissions.join(",")}${e.grantable ? ", grantable" : ""}]`;
    return verbose ? `${line}\n        by ${e.grant.name} in ${e.grant.grantor} (${e.grant.urn})` : line;
}

export function describeCrossing(c: SensitiveCrossing, verbose = false): string {
    const holder = c.principal === c.account ? c.account : `${c.principal.replace(/^arn:aws[a-z-]*:iam::\d{12}:role\//, "role ")} in ${c.account}`;
    const approval = !c.approval ? "NOT APPROVED" : `approved by ${c.approval.approver} until ${c.approval.expires}${verbose ? `: ${c.approval.reason}` : ""}`;
    return `${c.column} [${c.classification}] -> ${holder}${c.rowFilter ? ` (rows where ${c.rowFilter})` : ""} by ${verbose ? c.grant.urn : c.grant.name}; ${approval}`;
}

export function renderAccessReport(report: AccessReport, verbose = false): string {
    const lines = ["access report (from the recorded Lake Formation grants, filters, resource links and RAM shares):"];
    for (const consumer of report.consumers) {
        lines.push(`  consumer ${consumer.account} (${consumer.accountId}) receives:`);
        for (const e of consumer.entries.filter(x => verbose || x.kind !== "database")) lines.push(`    ${describeEntry(e, verbose)}`);
        if (!verbose) {
            const dbs = consumer.entries.filter(x => x.kind === "database").map(x => x.resource);
            if (dbs.length > 0) lines.push(`    databases: ${dbs.join(", ")}`);
        }
    }
    for (const role of report.roles) {
        const reads = role.entries.filter(e => verbose || e.reads);
        lines.push(`  role ${role.role} (${role.account}) ${reads.length === 0 ? "reads no rows (metadata only)" : "reads:"}`);
        for (const e of reads) lines.push(`    ${describeEntry(e, verbose)}`);
    }
    if (verbose) {
        for (const l of report.links) lines.push(`  resource link ${l.account}:${l.name} -> ${l.target} (${l.urn})`);
    }
    for (const s of report.ramShares) lines.push(`  RAM share accepted in ${s.account}: ${s.shareArn}${verbose ? ` (${s.urn})` : ""}`);
    lines.push(`  pii/secret columns crossing an account boundary: ${report.crossings.length}`);
    for (const c of report.crossings) lines.push(`    ${describeCrossing(c, verbose)}`);
    for (const u of report.unresolved) lines.push(`  incomplete: ${u.grant.name}: ${u.reason}`);
    return lines.join("\n");
}
