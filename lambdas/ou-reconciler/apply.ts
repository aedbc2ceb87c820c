import type { BatchPermissionsFailureEntry, BatchPermissionsRequestEntry, DataCellsFilter, DataCellsFilterResource } from "@aws-sdk/client-lakeformation";
import type { Limiter } from "./concurrency";
import type { GrantChange, TablePlan } from "./diff";
import { chunked } from "./lists";

/**
 * Carries out a table's plan. Access goes before it is given: revokes, then deletes, then filter writes,
 * then grants. Every write goes through the shared limiter; a failed write is counted and recorded and
 * never stops the others, but a step that depends on it (deleting a filter whose grants could not be
 * revoked, granting on a filter that could not be created) is not attempted and counts as failed too.
 */

export interface LakeFormationWriter {
    createFilter(filter: DataCellsFilter): Promise<void>;
    updateFilter(filter: DataCellsFilter): Promise<void>;
    deleteFilter(filter: DataCellsFilterResource): Promise<void>;
    /** Returns the entries that failed. */
    batchGrant(catalogId: string, entries: BatchPermissionsRequestEntry[]): Promise<BatchPermissionsFailureEntry[]>;
    batchRevoke(catalogId: string, entries: BatchPermissionsRequestEntry[]): Promise<BatchPermissionsFailureEntry[]>;
}

export interface Counts {
    created: number;
    updated: number;
    deleted: number;
    granted: number;
    revoked: number;
    failed: number;
}

export interface Failure {
    operation: "create" | "update" | "delete" | "grant" | "revoke" | "read";
    target: string;
    error: string;
}

export interface ApplyResult {
    counts: Counts;
    failures: Failure[];
}

// BatchGrantPermissions and BatchRevokePermissions take at most 20 entries.
const BATCH_SIZE = 20;

export function zeroCounts(): Counts {
    return { created: 0, updated: 0, deleted: 0, granted: 0, revoked: 0, failed: 0 };
}

export function describeError(error: unknown): string {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
}

export async function applyPlan(plan: TablePlan, writer: LakeFormationWriter, limit: Limiter): Promise<ApplyResult> {
    const counts = zeroCounts();
    const failures: Failure[] = [];
    const fail = (operation: Failure["operation"], target: string, error: unknown): void => {
        counts.failed += 1;
        failures.push({ operation, target, error: typeof error === "string" ? error : describeError(error) });
    };
    const { catalogId, database, table } = plan.table;
    const resource = (name: string): Required<DataCellsFilterResource> => ({ TableCatalogId: catalogId, DatabaseName: database, TableName: table, Name: name });
    const content = (name: string, expression: string): DataCellsFilter => ({
        ...resource(name),
        RowFilter: { FilterExpression: expression },
        ColumnWildcard: {},
    });
    /** Resolves to whether the write succeeded. */
    const write = (operation: Failure["operation"], name: string, call: () => Promise<void>, done: () => void): Promise<boolean> =>
        limit(call).then(
            () => {
                done();
                return true;
            },
            (error: unknown) => {
                fail(operation, name, error);
                return false;
            },
        );

    const stillGranted = new Set<string>();
    await inBatches(
        plan.revokes,
        entries => writer.batchRevoke(catalogId, entries),
        resource,
        limit,
        (change, error) => {
            if (error === undefined) counts.revoked += 1;
            else {
                stillGranted.add(change.filterName);
                fail("revoke", grantTarget(change), error);
            }
        },
    );

    await Promise.all(
        plan.deletes.map(async name =>
            stillGranted.has(name)
                ? fail("delete", name, "skipped: grants on it could not be revoked")
                : write(
                      "delete",
                      name,
                      () => writer.deleteFilter(resource(name)),
                      () => (counts.deleted += 1),
                  ),
        ),
    );

    const notCreated = new Set<string>();
    await Promise.all([
        ...plan.updates.map(f =>
            write(
                "update",
                f.name,
                () => writer.updateFilter(content(f.name, f.expression)),
                () => (counts.updated += 1),
            ),
        ),
        ...plan.creates.map(async f => {
            const created = await write(
                "create",
                f.name,
                () => writer.createFilter(content(f.name, f.expression)),
                () => (counts.created += 1),
            );
            if (!created) notCreated.add(f.name);
        }),
    ]);

    const grants = plan.grants.filter(change => {
        if (notCreated.has(change.filterName)) fail("grant", grantTarget(change), "skipped: filter could not be created");
        return !notCreated.has(change.filterName);
    });
    await inBatches(
        grants,
        entries => writer.batchGrant(catalogId, entries),
        resource,
        limit,
        (change, error) => {
            if (error === undefined) counts.granted += 1;
            else fail("grant", grantTarget(change), error);
        },
    );

    return { counts, failures };
}

function grantTarget(change: GrantChange): string {
    return `${change.filterName} -> ${change.principal}`;
}

async function inBatches(
    changes: readonly GrantChange[],
    send: (entries: BatchPermissionsRequestEntry[]) => Promise<BatchPermissionsFailureEntry[]>,
    resource: (name: string) => DataCellsFilterResource,
    limit: Limiter,
    settle: (change: GrantChange, error?: string) => void,
): Promise<void> {
    await Promise.all(
        chunked(changes, BATCH_SIZE).map(async batch => {
            const entries = batch.map((change, i): BatchPermissionsRequestEntry => ({
                Id: String(i),
                Principal: { DataLakePrincipalIdentifier: change.principal },
                Resource: { DataCellsFilter: resource(change.filterName) },
                Permissions: change.permissions,
                ...(change.grantable.length > 0 ? { PermissionsWithGrantOption: change.grantable } : {}),
            }));
            let failed: BatchPermissionsFailureEntry[];
            try {
                failed = await limit(() => send(entries));
            } catch (error) {
                batch.forEach(change => settle(change, describeError(error)));
                return;
            }
            const errors = new Map(failed.map(f => [f.RequestEntry?.Id, `${f.Error?.ErrorCode ?? "Error"}: ${f.Error?.ErrorMessage ?? "unknown"}`]));
            batch.forEach((change, i) => settle(change, errors.get(String(i))));
        }),
    );
}
