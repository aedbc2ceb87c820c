import { createClients, lakeFormationPort, organizationsReader } from "../../lambdas/ou-reconciler/aws";
import { parseMappingDocument } from "../../lambdas/ou-reconciler/mapping";
import { reconcile, type ReconcileResult } from "../../lambdas/ou-reconciler/reconcile";
import type { FakeAws } from "./fake-aws";
import type { FakeTable } from "./fake-lake-formation";

/** Shared fixtures: a producer catalog with two account-keyed tables, and a way to run one reconcile. */

export const PRODUCER = "222222222222";
export const FINDINGS: FakeTable = { catalogId: PRODUCER, database: "security_lake", table: "findings" };
export const METADATA: FakeTable = { catalogId: PRODUCER, database: "security_lake", table: "account_metadata" };
const ACCOUNT_COLUMN = "accountid";

export function accountId(n: number): string {
    return String(100_000_000_000 + n);
}

export function tableEntry(table: FakeTable, includeNested?: boolean): Record<string, unknown> {
    return { ...table, accountColumn: ACCOUNT_COLUMN, ...(includeNested === undefined ? {} : { includeNested }) };
}

export function mappingDoc(...mappings: { ouId: string; consumers: string[]; tables: Record<string, unknown>[] }[]): Record<string, unknown> {
    return { version: 1, mappings };
}

export function withTables(fake: FakeAws, ...tables: FakeTable[]): FakeAws {
    tables.forEach(table => fake.lakeFormation.addTable(table, ACCOUNT_COLUMN));
    return fake;
}

export async function runReconcile(fake: FakeAws, options: { dryRun?: boolean; writeConcurrency?: number } = {}): Promise<ReconcileResult> {
    const clients = createClients(undefined, { region: "eu-west-1", credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" } });
    return reconcile(parseMappingDocument(fake.mappingDocument), organizationsReader(clients.organizations), lakeFormationPort(clients.lakeFormation), {
        dryRun: options.dryRun ?? false,
        readConcurrency: 4,
        writeConcurrency: options.writeConcurrency ?? 4,
    });
}

/** Account ids whose rows the principal can read in the table, over every account the organisation holds. */
export function visible(fake: FakeAws, table: FakeTable, principal: string): Set<string> | "all" {
    return fake.lakeFormation.visibleAccounts(table, principal, fake.org.accounts.keys());
}

export function sorted(ids: Set<string> | "all"): string[] | "all" {
    return ids === "all" ? ids : [...ids].sort();
}
