import type { DataCellsFilter, PrincipalResourcePermissions } from "@aws-sdk/client-lakeformation";
import { type ApplyResult, applyPlan, type Counts, describeError, type Failure, type LakeFormationWriter, zeroCounts } from "./apply";
import { createLimiter, type Limiter } from "./concurrency";
import { type DesiredTable, desiredTables, membershipRequests } from "./desired-state";
import { planTable, type TablePlan } from "./diff";
import { type MappingDocument, type TableRef, tableKey } from "./mapping";
import { type OrgReader, requestKey, resolveMemberships } from "./org-tree";

/** One reconcile: read the organisation, then per table read, diff and (unless dry run) apply, tables in parallel. */

interface LakeFormationReader {
    listFilters(table: TableRef): Promise<DataCellsFilter[]>;
    /** Permissions on the table including those on its data cells filters. */
    listPermissions(table: TableRef): Promise<PrincipalResourcePermissions[]>;
}

export type LakeFormationPort = LakeFormationReader & LakeFormationWriter;

export interface ReconcileOptions {
    dryRun: boolean;
    readConcurrency: number;
    writeConcurrency: number;
}

/** What a dry run would do on one table. */
interface PlannedChanges {
    creates: { name: string; accounts: string[] }[];
    updates: { name: string; added: string[]; removed: string[] | "unreadable" }[];
    deletes: string[];
    grants: { filter: string; principal: string }[];
    revokes: { filter: string; principal: string; permissions: string[] }[];
}

interface TableOutcome {
    table: string;
    counts: Counts;
    failures: Failure[];
    warnings: string[];
    untouched: { group: string; reason: string }[];
    planned?: PlannedChanges;
}

export interface ReconcileResult {
    dryRun: boolean;
    counts: Counts;
    tables: TableOutcome[];
    /** OUs named by the mapping that no longer exist: their filters and grants are removed. */
    missingOus: string[];
    /** OUs that could not be read: every group depending on them was left untouched. */
    unreadableOus: Failure[];
    rejectedAccountIds: string[];
}

export async function reconcile(doc: MappingDocument, org: OrgReader, lakeFormation: LakeFormationPort, options: ReconcileOptions): Promise<ReconcileResult> {
    const readLimit = createLimiter(options.readConcurrency);
    const writeLimit = createLimiter(options.writeConcurrency);
    const requests = membershipRequests(doc);
    const memberships = await resolveMemberships(org, requests, readLimit);
    const missingOus = new Set<string>();
    const unreadableOus: Failure[] = [];
    for (const request of requests) {
        const membership = memberships.byRequest.get(requestKey(request));
        if (membership?.kind === "known" && !membership.exists) missingOus.add(request.ouId);
        if (membership?.kind === "unknown") unreadableOus.push({ operation: "read", target: requestKey(request), error: membership.reason });
    }
    const tables = await Promise.all(
        desiredTables(doc, memberships).map(desired => reconcileTable(desired, lakeFormation, readLimit, writeLimit, options.dryRun)),
    );
    const counts = zeroCounts();
    for (const outcome of tables) {
        for (const key of Object.keys(counts) as (keyof Counts)[]) counts[key] += outcome.counts[key];
    }
    counts.failed += unreadableOus.length;
    return {
        dryRun: options.dryRun,
        counts,
        tables,
        missingOus: [...missingOus].sort(),
        unreadableOus,
        rejectedAccountIds: memberships.rejectedAccountIds,
    };
}

async function reconcileTable(
    desired: DesiredTable,
    lakeFormation: LakeFormationPort,
    readLimit: Limiter,
    writeLimit: Limiter,
    dryRun: boolean,
): Promise<TableOutcome> {
    const table = tableKey(desired.table);
    let plan: TablePlan;
    try {
        const [filters, permissions] = await Promise.all([
            readLimit(() => lakeFormation.listFilters(desired.table)),
            readLimit(() => lakeFormation.listPermissions(desired.table)),
        ]);
        plan = planTable(desired, { filters, permissions });
    } catch (error) {
        return {
            table,
            counts: { ...zeroCounts(), failed: 1 },
            failures: [{ operation: "read", target: table, error: describeError(error) }],
            warnings: [],
            untouched: [],
        };
    }
    const outcome = { table, warnings: plan.warnings, untouched: plan.untouched };
    if (dryRun) return { ...outcome, counts: plannedCounts(plan), failures: [], planned: plannedChanges(plan) };
    const applied: ApplyResult = await applyPlan(plan, lakeFormation, writeLimit);
    return { ...outcome, ...applied };
}

function plannedCounts(plan: TablePlan): Counts {
    return {
        created: plan.creates.length,
        updated: plan.updates.length,
        deleted: plan.deletes.length,
        granted: plan.grants.length,
        revoked: plan.revokes.length,
        failed: 0,
    };
}

function plannedChanges(plan: TablePlan): PlannedChanges {
    return {
        creates: plan.creates.map(({ name, accounts }) => ({ name, accounts })),
        updates: plan.updates.map(({ name, accounts, previousAccounts }) => ({
            name,
            added: accounts.filter(id => !previousAccounts?.includes(id)),
            removed: previousAccounts === undefined ? "unreadable" : previousAccounts.filter(id => !accounts.includes(id)),
        })),
        deletes: plan.deletes,
        grants: plan.grants.map(g => ({ filter: g.filterName, principal: g.principal })),
        revokes: plan.revokes.map(r => ({ filter: r.filterName, principal: r.principal, permissions: r.permissions })),
    };
}
