import { z } from "zod";
import type { Account } from "./accounts";
import { catalogName, organizationalUnitId, shortName } from "./primitives";
import { checkAccountRef, checkUnique } from "./references";

/** Column identifiers that may appear in a row filter: plain or dotted names, nothing to inject. */
const accountColumn = z.string().regex(/^[a-z_][a-z0-9_]{0,127}(\.[a-z_][a-z0-9_]{0,127})*$/, {
    error: issue => `expected a column identifier (lower-case letters, digits, _; dots for nested fields), got "${String(issue.input)}"`,
});

const ouTableSchema = z.strictObject({
    database: catalogName,
    table: catalogName,
    /** The column holding the 12-digit account id of each row. */
    accountColumn,
    /** Include accounts of OUs nested under this one. */
    includeNested: z.boolean().default(true),
});

export const ouSharingSchema = z
    .strictObject({
        /** EventBridge schedule of the full reconcile; organisation events trigger it in between. */
        schedule: z
            .string()
            .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/, { error: "expected rate(...) or cron(...)" })
            .default("rate(1 hour)"),
        mappings: z
            .array(
                z.strictObject({
                    ou: organizationalUnitId,
                    consumers: z.array(shortName).min(1, { error: "expected at least one consumer account" }),
                    tables: z.array(ouTableSchema).min(1, { error: "expected at least one table" }),
                }),
            )
            .default([]),
    })
    .prefault({});

export type OuSharing = z.infer<typeof ouSharingSchema>;

export function checkOuSharing(env: { accounts: Account[]; ouSharing: OuSharing }, ctx: z.RefinementCtx): void {
    const { ouSharing, accounts } = env;
    // The reconciler reads the OU tree only through the management account's org-reader role (its own
    // role has no Organizations permissions): without that account, the sharing would never happen.
    if (ouSharing.mappings.length > 0 && !accounts.some(a => a.role === "management")) {
        ctx.addIssue({
            code: "custom",
            path: ["ouSharing", "mappings"],
            message:
                'OU sharing reads the organisation through the management account\'s org-reader role; add the account with role "management" to lakewarden:accounts, or remove the mappings',
        });
    }
    checkUnique(
        ctx,
        ouSharing.mappings,
        m => m.ou,
        i => ["ouSharing", "mappings", i, "ou"],
        "OU mapping",
    );
    ouSharing.mappings.forEach((mapping, m) => {
        mapping.consumers.forEach((consumer, c) => checkAccountRef(accounts, ctx, ["ouSharing", "mappings", m, "consumers", c], consumer, ["consumer"]));
        checkUnique(
            ctx,
            mapping.consumers,
            c => c,
            c => ["ouSharing", "mappings", m, "consumers", c],
            "consumer",
        );
        checkUnique(
            ctx,
            mapping.tables,
            t => `${t.database}.${t.table}`,
            t => ["ouSharing", "mappings", m, "tables", t],
            "table",
        );
    });
    const columns = new Map<string, string>();
    ouSharing.mappings.forEach((mapping, m) =>
        mapping.tables.forEach((table, t) => {
            const key = `${table.database}.${table.table}`;
            const seen = columns.get(key);
            if (seen !== undefined && seen !== table.accountColumn) {
                ctx.addIssue({
                    code: "custom",
                    path: ["ouSharing", "mappings", m, "tables", t, "accountColumn"],
                    message: `${table.database}.${table.table} already uses account column "${seen}" in another mapping; one table has one account column`,
                });
            }
            columns.set(key, table.accountColumn);
        }),
    );
}
