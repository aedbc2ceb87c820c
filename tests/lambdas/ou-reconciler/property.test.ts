import assert from "node:assert/strict";
import fc from "fast-check";
import { FakeAws } from "../../../support/ou-reconciler/fake-aws";
import { accountId, FINDINGS, mappingDoc, METADATA, runReconcile, tableEntry, visible, withTables } from "../../../support/ou-reconciler/helpers";

/**
 * For random organisations, random mappings and random leftovers from earlier runs, after a reconcile
 * every consumer sees, per table, exactly the union of the active accounts under the OUs mapped to it
 * (computed upwards from each account, independently of the reconciler's downward walk), and keeps
 * doing so after the organisation changes; a run with nothing changed writes nothing.
 */

const ROOT = "r-ab12";
const CONSUMERS = ["333333333333", "444444444444", "555555555555"];
const TABLES = [FINDINGS, METADATA];
const OU_IDS = Array.from({ length: 12 }, (_, i) => `ou-ab12-${String(i).padStart(8, "0")}`);

const world = fc.record({
    // Parent of OU i is the root or an earlier OU, so the tree has no cycles.
    ouParents: fc.array(fc.nat(), { minLength: 1, maxLength: OU_IDS.length }),
    accounts: fc.array(fc.record({ parent: fc.nat(), active: fc.integer({ min: 0, max: 9 }).map(n => n < 8) }), { maxLength: 400 }),
    mappings: fc.array(
        fc.record({
            ou: fc.nat(),
            consumers: fc.subarray(CONSUMERS, { minLength: 1 }),
            tables: fc.subarray([0, 1], { minLength: 1 }),
            nested: fc.boolean(),
        }),
        { minLength: 1, maxLength: 5 },
    ),
    leftovers: fc.array(fc.record({ ou: fc.nat(), chunk: fc.integer({ min: 1, max: 3 }), consumer: fc.constantFrom(...CONSUMERS), table: fc.nat(1) }), {
        maxLength: 4,
    }),
    moves: fc.array(fc.record({ account: fc.nat(), parent: fc.nat() }), { maxLength: 30 }),
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

function build(w: World): { fake: FakeAws; parents: string[] } {
    const fake = withTables(new FakeAws(), ...TABLES);
    const ous = OU_IDS.slice(0, w.ouParents.length);
    ous.forEach((id, i) => fake.org.addOu(id, [ROOT, ...ous.slice(0, i)][w.ouParents[i] % (i + 1)]));
    const parents = [ROOT, ...ous];
    w.accounts.forEach((a, i) => fake.org.addAccount(accountId(i), parents[a.parent % parents.length], { state: a.active ? "ACTIVE" : "SUSPENDED" }));
    // Mappings may also name an OU the organisation does not hold (deleted): it must end with no access.
    const mappable = [...parents, "ou-ab12-deleted0"];
    fake.mappingDocument = mappingDoc(
        ...w.mappings.map(m => ({
            ouId: mappable[m.ou % mappable.length],
            consumers: m.consumers,
            tables: m.tables.map(t => tableEntry(TABLES[t], m.nested)),
        })),
    );
    for (const l of w.leftovers) {
        const ou = mappable[l.ou % mappable.length].replaceAll("-", "_");
        const table = TABLES[l.table];
        const name = `lw_ou_${ou}_tree_${l.chunk}`;
        const ref = { TableCatalogId: table.catalogId, DatabaseName: table.database, TableName: table.table, Name: name };
        if (!fake.lakeFormation.filtersOf(table).some(f => f.Name === name)) {
            fake.lakeFormation.createDataCellsFilter({ ...ref, RowFilter: { FilterExpression: `accountid IN ('${accountId(9999)}')` }, ColumnWildcard: {} });
        }
        fake.lakeFormation.grant(l.consumer, { DataCellsFilter: ref }, ["SELECT"], ["SELECT"]);
    }
    return { fake, parents };
}

function assertEveryConsumerSeesExactlyItsOus(fake: FakeAws): void {
    const doc = fake.mappingDocument as { mappings: { ouId: string; consumers: string[]; tables: { table: string; includeNested: boolean }[] }[] };
    for (const table of TABLES) {
        for (const consumer of CONSUMERS) {
            const expected = new Set<string>();
            for (const m of doc.mappings) {
                for (const t of m.tables) {
                    if (t.table === table.table && m.consumers.includes(consumer))
                        fake.org.activeAccountsUnder(m.ouId, t.includeNested).forEach(id => expected.add(id));
                }
            }
            const seen = visible(fake, table, consumer);
            assert.notEqual(seen, "all");
            assert.deepEqual([...(seen as Set<string>)].sort(), [...expected].sort(), `${consumer} on ${table.table}`);
        }
    }
}

describe("ou-reconciler property: each consumer sees exactly the accounts under its OUs", () => {
    it("holds after a first run, after the organisation changes, and a run with no change writes nothing", async () => {
        await fc.assert(
            fc.asyncProperty(world, async w => {
                const { fake, parents } = build(w);
                fake.install();
                try {
                    const first = await runReconcile(fake);
                    assert.equal(first.counts.failed, 0);
                    assertEveryConsumerSeesExactlyItsOus(fake);
                    for (const f of TABLES.flatMap(t => fake.lakeFormation.filtersOf(t))) assert.ok((f.RowFilter?.FilterExpression ?? "").length < 2048);

                    const ids = [...fake.org.accounts.keys()];
                    for (const move of w.moves) if (ids.length > 0) fake.org.moveAccount(ids[move.account % ids.length], parents[move.parent % parents.length]);
                    const second = await runReconcile(fake);
                    assert.equal(second.counts.failed, 0);
                    assertEveryConsumerSeesExactlyItsOus(fake);

                    fake.clearLog();
                    const third = await runReconcile(fake);
                    assert.deepEqual(fake.writes(), []);
                    assert.equal(third.counts.failed, 0);
                } finally {
                    fake.restore();
                }
            }),
            { numRuns: 100 },
        );
    });
});
