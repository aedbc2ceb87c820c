import { z } from "zod";
import type { Account } from "./accounts";
import { type Dataset, type Table, isSensitive } from "./datasets";
import { checkAccountRef, checkUnique } from "./references";
import type { ConsumerAccess, Share } from "./sharing";

interface SharingSections {
    organization: { ramSharingWithinOrganization: boolean; ramShareInvitations: { consumer: string }[] };
    accounts: Account[];
    datasets: Dataset[];
    shares: Share[];
    consumerAccess: ConsumerAccess[];
}

/** Cross-section rules of the data-sharing model: every name resolves, nothing sensitive leaks unrestricted. */
export function checkSharing(env: SharingSections, ctx: z.RefinementCtx): void {
    checkDatasets(env, ctx);
    const tables = tableIndex(env.datasets);
    env.shares.forEach((share, index) => checkShare(env, ctx, tables, share, index));
    checkUnique(
        ctx,
        env.shares,
        s => `${s.consumer}/${s.database}.${s.table}`,
        i => ["shares", i],
        "share of a table to a consumer",
    );
    checkUnique(
        ctx,
        env.consumerAccess,
        c => c.consumer,
        i => ["consumerAccess", i, "consumer"],
        "consumerAccess entry for consumer",
    );
    env.consumerAccess.forEach((access, index) => checkConsumerAccess(env, ctx, tables, access, index));
    env.organization.ramShareInvitations.forEach((invitation, index) => {
        checkAccountRef(env.accounts, ctx, ["organization", "ramShareInvitations", index, "consumer"], invitation.consumer, ["consumer"]);
        if (env.organization.ramSharingWithinOrganization) {
            ctx.addIssue({
                code: "custom",
                path: ["organization", "ramShareInvitations", index],
                message: "RAM invitations only exist outside one organisation; set ramSharingWithinOrganization: false or remove them",
            });
        }
    });
}

function checkDatasets(env: SharingSections, ctx: z.RefinementCtx): void {
    checkUnique(
        ctx,
        env.datasets,
        d => d.database,
        i => ["datasets", i, "database"],
        "database",
    );
    env.datasets.forEach((dataset, d) => {
        checkAccountRef(env.accounts, ctx, ["datasets", d, "producer"], dataset.producer, ["producer"]);
        checkUnique(
            ctx,
            dataset.tables,
            t => t.name,
            t => ["datasets", d, "tables", t, "name"],
            "table",
        );
        dataset.tables.forEach((table, t) =>
            checkUnique(
                ctx,
                table.columns,
                c => c.name,
                c => ["datasets", d, "tables", t, "columns", c, "name"],
                "column",
            ),
        );
    });
}

function checkShare(env: SharingSections, ctx: z.RefinementCtx, tables: Map<string, Table>, share: Share, index: number): void {
    checkAccountRef(env.accounts, ctx, ["shares", index, "consumer"], share.consumer, ["consumer"]);
    const table = resolveTable(ctx, tables, share, ["shares", index]);
    if (!table) {
        return;
    }
    checkColumns(ctx, table, share.columns, ["shares", index, "columns"]);
    const sensitive = table.columns.filter(isSensitive).map(c => c.name);
    // A row filter limits rows, not columns: without `columns` its data cells filter has every column
    // (columnWildcard), which the pack's lf-sensitive-data-requires-filter refuses. Agree with it here.
    if (sensitive.length > 0 && !share.columns) {
        ctx.addIssue({
            code: "custom",
            path: ["shares", index],
            message:
                `table ${share.database}.${share.table} has pii/secret columns (${sensitive.join(", ")}); ` +
                `share it with an explicit \`columns\` allow-list${share.rowFilter !== undefined ? " (a rowFilter limits rows, not columns)" : ""}; ` +
                "a pii/secret column named there also needs an approval in the policy pack config (lf-sensitive-data-requires-filter.approvedColumns)",
        });
    }
}

function checkConsumerAccess(env: SharingSections, ctx: z.RefinementCtx, tables: Map<string, Table>, access: ConsumerAccess, index: number): void {
    checkAccountRef(env.accounts, ctx, ["consumerAccess", index, "consumer"], access.consumer, ["consumer"]);
    checkUnique(
        ctx,
        access.roles,
        r => r.name,
        r => ["consumerAccess", index, "roles", r, "name"],
        "runtime role",
    );
    access.roles.forEach((role, r) =>
        role.reads.forEach((read, k) => {
            const path = ["consumerAccess", index, "roles", r, "reads", k];
            const table = resolveTable(ctx, tables, read, path);
            if (!table) {
                return;
            }
            checkColumns(ctx, table, read.columns, [...path, "columns"]);
            const share = env.shares.find(s => s.consumer === access.consumer && s.database === read.database && s.table === read.table);
            if (!share) {
                ctx.addIssue({
                    code: "custom",
                    path,
                    message: `role "${role.name}" reads ${read.database}.${read.table}, which is not shared with consumer "${access.consumer}"`,
                });
                return;
            }
            if (share.rowFilter !== undefined && read.columns !== undefined) {
                ctx.addIssue({
                    code: "custom",
                    path: [...path, "columns"],
                    message: `${read.database}.${read.table} reaches consumer "${access.consumer}" through a row filter; a role reads the whole filter, so drop \`columns\` here and narrow the filter in lakewarden:shares`,
                });
                return;
            }
            if (share.rowFilter !== undefined) {
                // The role is granted the share's data cells filter: exactly the share's columns and rows.
                return;
            }
            const beyond = (read.columns ?? table.columns.map(c => c.name)).filter(c => share.columns && !share.columns.includes(c));
            if (beyond.length > 0) {
                ctx.addIssue({
                    code: "custom",
                    path,
                    message:
                        `role "${role.name}" reads columns ${beyond.join(", ")} of ${read.database}.${read.table}, ` +
                        `beyond what consumer "${access.consumer}" received (${share.columns?.join(", ")})`,
                });
            }
        }),
    );
}

function tableIndex(datasets: readonly Dataset[]): Map<string, Table> {
    return new Map(datasets.flatMap(d => d.tables.map(t => [`${d.database}.${t.name}`, t] as const)));
}

function resolveTable(ctx: z.RefinementCtx, tables: Map<string, Table>, ref: { database: string; table: string }, path: PropertyKey[]): Table | undefined {
    const table = tables.get(`${ref.database}.${ref.table}`);
    if (!table) {
        ctx.addIssue({ code: "custom", path: [...path, "table"], message: `unknown table ${ref.database}.${ref.table} (not in lakewarden:datasets)` });
    }
    return table;
}

function checkColumns(ctx: z.RefinementCtx, table: Table, columns: readonly string[] | undefined, path: PropertyKey[]): void {
    for (const column of columns ?? []) {
        if (!table.columns.some(c => c.name === column)) {
            ctx.addIssue({
                code: "custom",
                path,
                message: `unknown column "${column}" of table ${table.name} (columns: ${table.columns.map(c => c.name).join(", ")})`,
            });
        }
    }
}
