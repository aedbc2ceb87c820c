import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { type Column, datasetsSchema } from "../../config/datasets";
import { detectionsSchema } from "../../contracts/detections";
import { refusedColumns } from "../../sanitise/refusals";

interface Case {
    name: string;
    database: string;
    table: string;
    columns: Pick<Column, "name" | "classification">[];
    detections: unknown[];
    refused: string[];
}

describe("sanitise/refusals", () => {
    const cases: Case[] = JSON.parse(readFileSync(path.join(__dirname, "../../glue/sanitise/refusal-vectors.json"), "utf8")).cases;

    for (const c of cases) {
        it(`${c.name} (same case as core.refused_by_detections)`, () => {
            const [dataset] = datasetsSchema.parse([
                { producer: "producer", database: c.database, tables: [{ name: c.table, columns: c.columns.map(col => ({ ...col, type: "string" })) }] },
            ]);
            // The records are what the discovery reporter writes: they parse under the shared contract.
            const detections = detectionsSchema.parse(c.detections);
            assert.deepEqual(refusedColumns(dataset, c.table, detections), c.refused);
        });
    }

    it("refuses nothing for a table the dataset does not hold", () => {
        const [dataset] = datasetsSchema.parse([
            { producer: "producer", database: "sales", tables: [{ name: "t", columns: [{ name: "a", type: "string", classification: "public" }] }] },
        ]);
        assert.deepEqual(refusedColumns(dataset, "other", detectionsSchema.parse(cases[0].detections)), []);
    });
});
