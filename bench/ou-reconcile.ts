/**
 * OU row-filter reconciler at organisation scale: 5,000 accounts in 500 OUs, 20 mappings over 2 tables,
 * every API call delayed by a simulated latency. Prints API calls and wall time of a cold run, a warm run
 * and a run after churn, and the ratio of calls made to the minimum needed (list pages + actual changes).
 * The minimum is computed from the fake's state, independently of the reconciler's own counters.
 *
 *   npx ts-node --transpile-only bench/ou-reconcile.ts
 */
import { FakeAws, WRITE_COMMANDS } from "../support/ou-reconciler/fake-aws";
import { tableId } from "../support/ou-reconciler/fake-lake-formation";
import { accountId, FINDINGS, mappingDoc, METADATA, runReconcile, tableEntry, withTables } from "../support/ou-reconciler/helpers";

const LATENCY_MS = 20;
const ORG_PAGE_SIZE = 20;
const BATCH = 20;
const ROOT = "r-ab12";
const TABLES = [FINDINGS, METADATA];

const ouId = (n: number): string => `ou-ab12-${String(n).padStart(8, "0")}`;
const consumer = (n: number): string => String(700_000_000_000 + n);

/** root -> 10 top OUs -> 7 each -> 6 each (500 OUs), 10 accounts in every OU (5,000 accounts). */
function organisation(fake: FakeAws): { top: string[]; mid: string[]; leaf: string[] } {
    const top: string[] = [];
    const mid: string[] = [];
    const leaf: string[] = [];
    let n = 0;
    for (let t = 0; t < 10; t += 1) {
        const topId = ouId(n++);
        fake.org.addOu(topId, ROOT);
        top.push(topId);
        for (let m = 0; m < 7; m += 1) {
            const midId = ouId(n++);
            fake.org.addOu(midId, topId);
            mid.push(midId);
            for (let l = 0; l < 6; l += 1) {
                const leafId = ouId(n++);
                fake.org.addOu(leafId, midId);
                leaf.push(leafId);
            }
        }
    }
    [...top, ...mid, ...leaf].forEach((ou, i) => {
        for (let a = 0; a < 10; a += 1) fake.org.addAccount(accountId(i * 10 + a), ou);
    });
    return { top, mid, leaf };
}

/** 20 mappings: the root (nested), 4 top OUs on both tables, 8 mid OUs, 7 leaf OUs without nesting. */
function mappings(tree: { top: string[]; mid: string[]; leaf: string[] }, shift = 0): Record<string, unknown> {
    const entries = [
        { ouId: ROOT, consumers: [consumer(0)], tables: [tableEntry(FINDINGS)] },
        ...tree.top
            .slice(0, 4)
            .map((ou, i) => ({ ouId: ou, consumers: [consumer(1 + i + shift), consumer(50 + i)], tables: [tableEntry(FINDINGS), tableEntry(METADATA)] })),
        ...tree.mid.slice(0, 8).map((ou, i) => ({ ouId: ou, consumers: [consumer(10 + i)], tables: [tableEntry(FINDINGS)] })),
        ...tree.leaf.slice(0, 7).map((ou, i) => ({ ouId: ou, consumers: [consumer(20 + i)], tables: [tableEntry(METADATA, false)] })),
    ];
    return mappingDoc(...entries);
}

interface StateImage {
    filters: Map<string, string>;
    grants: Map<string, string>;
    listedPermissions: Map<string, number>;
}

function image(fake: FakeAws): StateImage {
    const filters = new Map<string, string>();
    for (const table of TABLES) for (const f of fake.lakeFormation.filtersOf(table)) filters.set(`${tableId(table)}#${f.Name}`, JSON.stringify(f));
    const grants = new Map<string, string>();
    const listedPermissions = new Map<string, number>();
    for (const g of fake.lakeFormation.grants.values()) {
        const ref = g.resource.DataCellsFilter;
        const table = `${ref?.TableCatalogId}/${ref?.DatabaseName}/${ref?.TableName}`;
        grants.set(`${table}#${ref?.Name}#${g.principal}`, JSON.stringify([[...g.permissions].sort(), [...g.grantable].sort()]));
        listedPermissions.set(table, (listedPermissions.get(table) ?? 0) + 1);
    }
    return { filters, grants, listedPermissions };
}

/** Every parent read the mappings need (accounts of each mapped OU; children and accounts of each nested subtree). */
function orgPages(fake: FakeAws, doc: { mappings: { ouId: string; tables: { includeNested?: boolean }[] }[] }): number {
    const reads = new Set<string>();
    const subtree = (ou: string): string[] => [ou, ...[...fake.org.ous].filter(([, o]) => o.parentId === ou).flatMap(([id]) => subtree(id))];
    for (const m of doc.mappings) {
        for (const t of m.tables) {
            if (t.includeNested === false) reads.add(`accounts|${m.ouId}`);
            else for (const ou of subtree(m.ouId)) reads.add(`accounts|${ou}`).add(`ous|${ou}`);
        }
    }
    return [...reads].reduce((pages, read) => {
        const [kind, parent] = read.split("|");
        return pages + fake.org.pagesFor(parent, kind as "ous" | "accounts", ORG_PAGE_SIZE);
    }, 0);
}

function minimumCalls(fake: FakeAws, before: StateImage, after: StateImage): { pages: number; changes: number } {
    let pages = orgPages(fake, fake.mappingDocument as never);
    for (const table of TABLES) {
        const filters = [...before.filters.keys()].filter(k => k.startsWith(`${tableId(table)}#`)).length;
        pages += Math.max(1, Math.ceil(filters / fake.lakeFormation.pageSize));
        pages += Math.max(1, Math.ceil((before.listedPermissions.get(tableId(table)) ?? 0) / fake.lakeFormation.pageSize));
    }
    let filterWrites = 0;
    for (const key of new Set([...before.filters.keys(), ...after.filters.keys()])) if (before.filters.get(key) !== after.filters.get(key)) filterWrites += 1;
    let granted = 0;
    let revoked = 0;
    for (const key of new Set([...before.grants.keys(), ...after.grants.keys()])) {
        const [was, now] = [before.grants.get(key), after.grants.get(key)];
        if (now !== undefined && was !== now) granted += 1;
        // A grant that disappears with its deleted filter needs no revoke of its own (the reconciler still
        // revokes it first, so that no grant outlives its filter: that shows as overhead in the ratio).
        if (was !== undefined && now === undefined && after.filters.has(key.split("#").slice(0, 2).join("#"))) revoked += 1;
    }
    // All tables live in one catalog: a batch may carry entries of both.
    return { pages, changes: filterWrites + Math.ceil(granted / BATCH) + Math.ceil(revoked / BATCH) };
}

async function measure(label: string, fake: FakeAws): Promise<void> {
    const before = image(fake);
    fake.clearLog();
    const started = performance.now();
    const result = await runReconcile(fake);
    const wallMs = performance.now() - started;
    const after = image(fake);
    const { pages, changes } = minimumCalls(fake, before, after);
    const calls = fake.log.length;
    const writes = fake.log.filter(c => (WRITE_COMMANDS as readonly string[]).includes(c.command)).length;
    const perCommand = new Map<string, number>();
    fake.log.forEach(c => perCommand.set(c.command, (perCommand.get(c.command) ?? 0) + 1));
    const byCommand = [...perCommand].map(([command, n]) => `${command} ${n}`);
    console.log(`\n${label}`);
    console.log(`  counts     ${JSON.stringify(result.counts)}`);
    console.log(`  API calls  ${calls} (${writes} writes): ${byCommand.join(", ")}`);
    console.log(`  wall time  ${(wallMs / 1000).toFixed(2)} s at ${LATENCY_MS} ms per call`);
    console.log(`  minimum    ${pages + changes} = ${pages} list pages + ${changes} change calls`);
    console.log(`  ratio      ${(calls / (pages + changes)).toFixed(3)} (target < 1.2)`);
    if (result.counts.failed > 0) throw new Error(`${label}: ${result.counts.failed} failures`);
}

async function main(): Promise<void> {
    const fake = withTables(new FakeAws(), ...TABLES).install();
    try {
        const tree = organisation(fake);
        fake.mappingDocument = mappings(tree);
        fake.latencyMs = LATENCY_MS;
        console.log(
            `organisation: ${fake.org.accounts.size} accounts in ${fake.org.ous.size} OUs; 20 mappings over ${TABLES.length} tables; read and write concurrency 4 (the defaults)`,
        );
        await measure("cold run (empty Lake Formation)", fake);
        await measure("warm run (nothing changed)", fake);
        if (fake.writes().length > 0) throw new Error("the warm run wrote");

        // Churn: 100 accounts move, one leaf OU is emptied and deleted, 4 mappings change consumer.
        for (let i = 0; i < 100; i += 1) fake.org.moveAccount(accountId((i * 37) % 5000), tree.leaf[(i * 13) % tree.leaf.length]);
        const gone = tree.leaf[0];
        [...fake.org.accounts].filter(([, a]) => a.parentId === gone).forEach(([id]) => fake.org.moveAccount(id, tree.leaf[1]));
        fake.org.deleteOu(gone);
        fake.mappingDocument = mappings(tree, 100);
        await measure("run after churn (100 moves, 1 OU deleted, 4 consumers changed)", fake);
        await measure("warm run after churn", fake);
    } finally {
        fake.restore();
    }
}

void main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
