import { accountNamed, type Environment } from "../config/environment";
import type { Share } from "../config/sharing";
import { roleArnOf } from "../iam/documents";
import { resourceName } from "../naming/resources";

/**
 * The Lake Formation grants the environment model implies, as plain data: one principal x one
 * resource x one homogeneous permission set each. Components turn these into Permissions
 * resources; tests and reviewers read them directly.
 */
export type GrantResource =
    | { kind: "database"; catalogId: string; name: string }
    | { kind: "table"; catalogId: string; databaseName: string; name: string }
    | { kind: "columns"; catalogId: string; databaseName: string; name: string; columnNames: string[] }
    | { kind: "filter"; tableCatalogId: string; databaseName: string; tableName: string; name: string };

type Permission = "DESCRIBE" | "SELECT";

export interface GrantSpec {
    /** Unique, stable key: becomes the Permissions resource name. */
    key: string;
    principal: string;
    resource: GrantResource;
    permissions: Permission[];
    grantable: boolean;
}

export interface FilterSpec {
    name: string;
    databaseName: string;
    tableName: string;
    tableCatalogId: string;
    rowFilter: string;
    columnNames?: string[];
}

/** Data cells filter name of a row-filtered share: deterministic, so producer and consumer agree. */
function shareFilterName(share: Share): string {
    return `lw_${share.consumer.replace(/-/g, "_")}_${share.table}`;
}

export function resourceLinkName(database: string): string {
    return `${database}_shared`;
}

export function runtimeRoleName(environment: string, consumer: string, role: string): string {
    return resourceName(environment, consumer, role, "runtime");
}

export function producerOf(env: Environment, database: string): { name: string; id: string } {
    const dataset = env.datasets.find(d => d.database === database);
    if (!dataset) {
        throw new Error(`database ${database} is not in lakewarden:datasets`);
    }
    const account = accountNamed(env, dataset.producer);
    return { name: account.name, id: account.id };
}

function sharesOfProducer(env: Environment, producer: string): Share[] {
    return env.shares.filter(s => producerOf(env, s.database).name === producer);
}

export function producerFilters(env: Environment, producer: string): FilterSpec[] {
    return sharesOfProducer(env, producer)
        .filter(s => s.rowFilter !== undefined)
        .map(s => ({
            name: shareFilterName(s),
            databaseName: s.database,
            tableName: s.table,
            tableCatalogId: producerOf(env, s.database).id,
            rowFilter: s.rowFilter as string,
            columnNames: s.columns,
        }));
}

/** Cross-account grants a producer makes to consumer accounts, all grantable so consumers can re-grant. */
export function producerGrants(env: Environment, producer: string): GrantSpec[] {
    const grants = new Map<string, GrantSpec>();
    const add = (grant: GrantSpec) => grants.set(grant.key, grant);
    for (const share of sharesOfProducer(env, producer)) {
        const consumerId = accountNamed(env, share.consumer).id;
        const catalogId = producerOf(env, share.database).id;
        const base = `${share.consumer}-${share.database}`;
        const grant = (key: string, resource: GrantResource, permissions: Permission[]) =>
            add({ key, principal: consumerId, resource, permissions, grantable: true });
        grant(`${base}-describe`, { kind: "database", catalogId, name: share.database }, ["DESCRIBE"]);
        const table = { catalogId, databaseName: share.database, name: share.table };
        // A filtered share: DESCRIBE on the table, SELECT through the row filter or on the listed columns only.
        const filtered: [string, GrantResource] | undefined =
            share.rowFilter !== undefined
                ? [
                      "filter-select",
                      { kind: "filter", tableCatalogId: catalogId, databaseName: share.database, tableName: share.table, name: shareFilterName(share) },
                  ]
                : share.columns !== undefined
                  ? ["columns-select", { kind: "columns", ...table, columnNames: [...share.columns].sort() }]
                  : undefined;
        if (filtered) {
            grant(`${base}-${share.table}-describe`, { kind: "table", ...table }, ["DESCRIBE"]);
            grant(`${base}-${share.table}-${filtered[0]}`, filtered[1], ["SELECT"]);
        } else {
            grant(`${base}-${share.table}-select`, { kind: "table", ...table }, ["DESCRIBE", "SELECT"]);
        }
    }
    return [...grants.values()];
}

/**
 * Grants a consumer makes to its own runtime roles: DESCRIBE on the resource link, and SELECT
 * "on target" (catalog = producer account) restricted as `consumerAccess` says. Never grantable.
 */
export function consumerGrants(env: Environment, consumer: string): GrantSpec[] {
    const consumerId = accountNamed(env, consumer).id;
    const access = env.consumerAccess.find(c => c.consumer === consumer);
    const grants: GrantSpec[] = [];
    for (const role of access?.roles ?? []) {
        const principal = roleArnOf(consumerId, runtimeRoleName(env.name, consumer, role.name));
        const base = `${role.name}`;
        for (const database of [...new Set(role.reads.map(r => r.database))].sort()) {
            grants.push({
                key: `${base}-${database}-link-describe`,
                principal,
                resource: { kind: "database", catalogId: consumerId, name: resourceLinkName(database) },
                permissions: ["DESCRIBE"],
                grantable: false,
            });
        }
        for (const read of role.reads) {
            const share = env.shares.find(s => s.consumer === consumer && s.database === read.database && s.table === read.table) as Share;
            const catalogId = producerOf(env, read.database).id;
            const table = { catalogId, databaseName: read.database, name: read.table };
            const key = `${base}-${read.database}-${read.table}`;
            if (share.rowFilter !== undefined) {
                grants.push({
                    key: `${key}-filter-select`,
                    principal,
                    resource: { kind: "filter", tableCatalogId: catalogId, databaseName: read.database, tableName: read.table, name: shareFilterName(share) },
                    permissions: ["SELECT"],
                    grantable: false,
                });
            } else if (read.columns !== undefined || share.columns !== undefined) {
                const columnNames = [...(read.columns ?? share.columns ?? [])].sort();
                grants.push({
                    key: `${key}-columns-select`,
                    principal,
                    resource: { kind: "columns", ...table, columnNames },
                    permissions: ["SELECT"],
                    grantable: false,
                });
            } else {
                grants.push({ key: `${key}-select`, principal, resource: { kind: "table", ...table }, permissions: ["DESCRIBE", "SELECT"], grantable: false });
            }
        }
    }
    return grants;
}
