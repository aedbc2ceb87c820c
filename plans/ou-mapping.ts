import { accountNamed, type Environment } from "../config/environment";

/**
 * The mapping document the OU reconciler Lambda reads (lambdas/ou-reconciler/mapping.ts), derived
 * from `lakewarden:ouSharing`: account names resolved to ids, the catalog defaulted to the host.
 */
export interface OuMappingDocument {
    version: 1;
    mappings: {
        ouId: string;
        consumers: string[];
        tables: { catalogId: string; database: string; table: string; accountColumn: string; includeNested: boolean }[];
    }[];
    retiredTables: { catalogId: string; database: string; table: string }[];
}

/** The tables (Security Lake's) and the reconciler live in the security account. */
export function ouMappingDocument(env: Environment, hostId: string): OuMappingDocument {
    return {
        version: 1,
        mappings: env.ouSharing.mappings.map(m => ({
            ouId: m.ou,
            consumers: m.consumers.map(c => accountNamed(env, c).id),
            tables: m.tables.map(t => ({
                catalogId: hostId,
                database: t.database,
                table: t.table,
                accountColumn: t.accountColumn,
                includeNested: t.includeNested,
            })),
        })),
        retiredTables: [],
    };
}

/** Tables of the mapping that live in the host account: the reconciler's Lake Formation scope there. */
export function hostTables(doc: OuMappingDocument, hostId: string): { database: string; table: string }[] {
    const seen = new Map<string, { database: string; table: string }>();
    for (const t of doc.mappings.flatMap(m => m.tables).filter(t => t.catalogId === hostId)) {
        seen.set(`${t.database}.${t.table}`, { database: t.database, table: t.table });
    }
    return [...seen.values()];
}
