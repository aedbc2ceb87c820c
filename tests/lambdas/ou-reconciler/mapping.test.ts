import assert from "node:assert/strict";
import { parseMappingDocument } from "../../../lambdas/ou-reconciler/mapping";

const table = { catalogId: "222222222222", database: "security_lake", table: "findings", accountColumn: "accountid" };
const mapping = { ouId: "ou-ab12-cd34ef56", consumers: ["333333333333"], tables: [table] };

function rejects(doc: unknown, pattern: RegExp): void {
    assert.throws(() => parseMappingDocument(doc), pattern);
}

describe("ou-reconciler mapping document", () => {
    it("accepts OU and root ids and defaults includeNested to true and retiredTables to none", () => {
        const doc = parseMappingDocument({ version: 1, mappings: [mapping, { ...mapping, ouId: "r-ab12" }] });
        assert.equal(doc.mappings[0].tables[0].includeNested, true);
        assert.deepEqual(doc.retiredTables, []);
    });

    it("names the offending key when an id, name or column is malformed", () => {
        rejects({ version: 1, mappings: [{ ...mapping, ouId: "Prod" }] }, /OU id[\s\S]*at mappings\[0\]\.ouId/);
        rejects({ version: 1, mappings: [{ ...mapping, consumers: ["33333333333"] }] }, /12-digit[\s\S]*at mappings\[0\]\.consumers\[0\]/);
        rejects({ version: 1, mappings: [{ ...mapping, consumers: [] }] }, /consumers/);
        rejects({ version: 1, mappings: [{ ...mapping, tables: [{ ...table, catalogId: "x" }] }] }, /catalogId/);
        rejects({ version: 1, mappings: [{ ...mapping, tables: [{ ...table, table: "Findings; DROP" }] }] }, /tables\[0\]\.table/);
        rejects({ version: 1, mappings: [{ ...mapping, tables: [{ ...table, accountColumn: "accountid) OR (1=1" }] }] }, /accountColumn/);
        rejects({ version: 1, mappings: [{ ...mapping, tables: [{ ...table, extra: true }] }] }, /extra/);
        rejects({ version: 2, mappings: [] }, /version/);
    });

    it("rejects duplicate consumers, a consumer that owns the catalog, and two account columns for one table", () => {
        rejects({ version: 1, mappings: [{ ...mapping, consumers: ["333333333333", "333333333333"] }] }, /unique/);
        rejects({ version: 1, mappings: [{ ...mapping, consumers: ["222222222222"] }] }, /owns the catalog/);
        rejects(
            { version: 1, mappings: [mapping, { ...mapping, ouId: "r-ab12", tables: [{ ...table, accountColumn: "account_id" }] }] },
            /already uses account column "accountid"/,
        );
    });

    it("rejects retiring a table that is still mapped", () => {
        const { accountColumn: _column, ...ref } = table;
        rejects({ version: 1, mappings: [mapping], retiredTables: [ref] }, /still mapped/);
        assert.equal(parseMappingDocument({ version: 1, mappings: [], retiredTables: [ref] }).retiredTables.length, 1);
    });
});
