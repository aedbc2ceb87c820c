// Lake Formation grant anatomy: who the principal is (account, organisation, OU, IAM ARN, the
// IAM_ALLOWED_PRINCIPALS group) and what resource a Permissions resource targets.
import type { Resource } from "./define";
import { ownAccounts } from "./environment";
import { accountOf, isAccountId } from "./iam/principals";
import { isUnknown } from "./unknown";
import { asList, dig, isDict, isTrue } from "./values";

export const PERMISSIONS_TYPE = "aws:lakeformation/permissions:Permissions";
export const SETTINGS_TYPE = "aws:lakeformation/dataLakeSettings:DataLakeSettings";
export const FILTER_TYPE = "aws:lakeformation/dataCellsFilter:DataCellsFilter";
export const TABLE_TYPE = "aws:glue/catalogTable:CatalogTable";
export const IAM_ALLOWED_PRINCIPALS = "IAM_ALLOWED_PRINCIPALS";

type PrincipalKind = "unknown" | "iam-allowed-principals" | "account" | "organization" | "ou" | "iam" | "other";

export interface GrantPrincipal {
    kind: PrincipalKind;
    value: string;
    /** Account for account ids and IAM ARNs; organisation id for org/OU principals. */
    account?: string;
    organizationId?: string;
}

export function grantPrincipal(value: unknown): GrantPrincipal {
    if (typeof value !== "string" || isUnknown(value)) {
        return { kind: "unknown", value: String(value) };
    }
    if (value.toUpperCase() === IAM_ALLOWED_PRINCIPALS) {
        return { kind: "iam-allowed-principals", value };
    }
    if (isAccountId(value)) {
        return { kind: "account", value, account: value };
    }
    const org = /^arn:aws[a-z-]*:organizations::\d{12}:(organization|ou)\/(o-[a-z0-9]+)/.exec(value);
    if (org) {
        return { kind: org[1] === "ou" ? "ou" : "organization", value, organizationId: org[2] };
    }
    const account = /^arn:aws[a-z-]*:iam::/.test(value) ? accountOf(value) : undefined;
    return account ? { kind: "iam", value, account } : { kind: "other", value };
}

/** Grants to an account, organisation or OU, or to an IAM principal of another account. */
export function isExternal(principal: GrantPrincipal, grant: Resource): boolean {
    if (principal.kind === "account" || principal.kind === "organization" || principal.kind === "ou") {
        return true;
    }
    return principal.kind === "iam" && principal.account !== undefined && !ownAccounts(grant).has(principal.account);
}

export type TargetKind = "catalog" | "database" | "table" | "tableWithColumns" | "dataCellsFilter" | "dataLocation" | "lfTag" | "lfTagPolicy" | "none";

export function grantTarget(props: Record<string, unknown>): TargetKind {
    if (isTrue(props.catalogResource)) {
        return "catalog";
    }
    const kinds: TargetKind[] = ["tableWithColumns", "dataCellsFilter", "table", "database", "dataLocation", "lfTagPolicy", "lfTag"];
    return kinds.find(k => props[k] !== undefined && props[k] !== null) ?? "none";
}

export function permissionList(value: unknown): { known: boolean; values: string[] } {
    if (isUnknown(value)) {
        return { known: false, values: [] };
    }
    const list = asList(value);
    return { known: !list.some(isUnknown), values: list.filter((v): v is string => typeof v === "string" && !isUnknown(v)) };
}

export const CLASSIFICATION_KEY = "lakewarden:classification";
const SENSITIVE: ReadonlySet<string> = new Set(["pii", "secret"]);

export interface TableColumns {
    table: Resource;
    database: string;
    name: string;
    catalogId?: string;
    columns: { name: string; classification: unknown }[];
    /** Some column list, name or classification is not known, so sensitivity cannot be judged. */
    unknown: boolean;
}

/** Columns and partition keys of a Glue table with their classification parameter. */
export function tableColumns(table: Resource): TableColumns | undefined {
    const database = table.props.databaseName;
    const name = table.props.name;
    if (typeof database !== "string" || typeof name !== "string" || isUnknown(database) || isUnknown(name)) {
        return undefined;
    }
    const lists = [dig(table.props, "storageDescriptor"), dig(table.props, "storageDescriptor.columns"), table.props.partitionKeys];
    const raw = [...asList(lists[1]), ...asList(lists[2])];
    const columns = raw.filter(isDict).map(c => ({
        name: String(c.name),
        classification: isUnknown(c.parameters) ? c.parameters : dig(c.parameters, CLASSIFICATION_KEY),
    }));
    const unknown = lists.some(isUnknown) || raw.some(c => !isDict(c)) || columns.some(c => isUnknown(c.name) || isUnknown(c.classification));
    const catalogId = typeof table.props.catalogId === "string" && !isUnknown(table.props.catalogId) ? table.props.catalogId : undefined;
    return { table, database, name, catalogId, columns, unknown };
}

export function sensitiveColumns(t: TableColumns): string[] {
    return t.columns.filter(c => typeof c.classification === "string" && SENSITIVE.has(c.classification)).map(c => c.name);
}
