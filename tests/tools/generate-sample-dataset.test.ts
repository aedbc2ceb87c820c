import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { datasetsSchema } from "../../config/datasets";
import { sanitisationJobArguments } from "../../sanitise/job-arguments";
import { tokenise } from "../../sanitise/tokenise";
import { formatRow, SAMPLE_COLUMNS, sampleRows } from "../../tools/generate-sample-dataset";

const ROOT = path.join(__dirname, "..", "..");
const KEY = Buffer.from("lakewarden-reference-policy-key-0123456789", "utf8");

describe("tools/generate-sample-dataset", () => {
    it("is deterministic for a seed and differs across seeds", () => {
        const a = [...sampleRows(500, 7)];
        assert.deepEqual([...sampleRows(500, 7)], a);
        assert.notDeepEqual([...sampleRows(500, 8)], a);
        assert.equal(new Set(a.map(r => r.invoiceId)).size, 500);
        assert.ok(new Set(a.map(r => r.accountId)).size <= 50, "accounts repeat, so tokenised ids still join");
        for (const r of a) {
            assert.deepEqual(Object.keys(r), [...SAMPLE_COLUMNS]);
            assert.match(r.location, /^-?\d+\.\d{4},-?\d+\.\d{4}$/);
            assert.ok(Number.isInteger(r.purchaseTime) && Number.isInteger(r.purchaseItemNumber));
        }
        assert.equal(formatRow(a[0], "csv").split(",").length, SAMPLE_COLUMNS.length + 1, "location is one quoted field holding a comma");
    });

    it("sanitises under the dev reference policy with the Python core: invoiceId dropped, accountId tokenised, time and place generalised", () => {
        const [dataset] = datasetsSchema.parse([parse(readFileSync(path.join(ROOT, "tests/fixtures/sanitise/reference-dataset.yaml"), "utf8"))]);
        const args = sanitisationJobArguments({
            dataset,
            table: "invoices",
            sourceDatabase: "sales",
            sourceTable: "invoices",
            targetBucket: "lw-dev-444455556666-eu-west-1-lower-env",
            targetPrefix: "sanitised/sales/invoices",
            targetDatabase: "sales",
            targetTable: "invoices",
            tokenKeySecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:lakewarden/dev/sanitise-AbCdEf",
        });
        const rows = [...sampleRows(2000, 3)];
        const script = [
            "import json, sys",
            "from glue.sanitise import core",
            "data = json.load(sys.stdin)",
            "rules = core.load_policy_argument(data['policy'])",
            "s = core.Sanitiser(rules, list(data['rows'][0]), bytes.fromhex(data['key']))",
            "print(json.dumps({'columns': s.output_columns, 'dropped': s.dropped_columns, 'rows': list(s.rows(data['rows']))}))",
        ].join("\n");
        const run = spawnSync("python3", ["-c", script], {
            cwd: ROOT,
            input: JSON.stringify({ policy: args["--column-policy"], rows, key: KEY.toString("hex") }),
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        assert.equal(run.status, 0, run.stderr);
        const out = JSON.parse(run.stdout) as { columns: string[]; dropped: string[]; rows: Record<string, unknown>[] };
        assert.deepEqual(out.dropped, ["invoiceId"]);
        assert.deepEqual(out.columns, ["accountId", "purchaseTime", "purchaseAmount", "purchaseItemNumber", "location"]);
        assert.equal(out.rows.length, rows.length);
        rows.forEach((row, i) => {
            const s = out.rows[i];
            assert.equal(s.accountId, tokenise(KEY, row.accountId), "TypeScript and Python give the same token");
            assert.equal(s.purchaseTime, new Date(row.purchaseTime).toISOString().slice(0, 10));
            assert.equal(s.purchaseAmount, row.purchaseAmount);
            assert.equal(s.purchaseItemNumber, row.purchaseItemNumber);
            const [lat, lon] = row.location.split(",").map(Number);
            assert.equal(s.location, `${(Math.floor(lat * 10) / 10).toFixed(1)},${(Math.floor(lon * 10) / 10).toFixed(1)}`);
        });
    });
});
