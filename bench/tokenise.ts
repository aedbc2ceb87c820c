/**
 * The cost of sanitising: 1,000,000 generated purchases (tools/generate-sample-dataset.ts) tokenised with the
 * TypeScript tokeniser and with the Python core (tokenise alone, and the whole core.Sanitiser under the dev
 * reference policy), each against a plain copy of the same rows in the same language. Generation and parsing
 * are not timed; rows go through in chunks of 100,000 so memory stays flat.
 *
 *   npx ts-node --transpile-only bench/tokenise.ts [rows]
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { once } from "node:events";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parse } from "yaml";
import { datasetsSchema } from "../config/datasets";
import { sanitisationJobArguments } from "../sanitise/job-arguments";
import { tokenise } from "../sanitise/tokenise";
import { formatRow, type SampleRow, sampleRows } from "../tools/generate-sample-dataset";

const ROOT = path.resolve(__dirname, "..");
const ROWS = Number(process.argv[2] ?? 1_000_000);
const CHUNK = 100_000;
const SEED = 14;
const KEY = Buffer.from("lakewarden-bench-tokenisation-key-0123456789", "utf8");

const PYTHON = `
import json, sys, time
from glue.sanitise import core
policy, path, key = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
rules = core.load_policy_argument(policy)
t = {"copy": 0.0, "tokenise": 0.0, "sanitise": 0.0}
rows = 0
sanitiser = None
def chunk(lines):
    global rows, sanitiser
    batch = [json.loads(l) for l in lines]
    sanitiser = sanitiser or core.Sanitiser(rules, list(batch[0]), key)
    s = time.perf_counter(); [dict(r) for r in batch]; t["copy"] += time.perf_counter() - s
    s = time.perf_counter(); [core.tokenise(key, r["accountId"]) for r in batch]; t["tokenise"] += time.perf_counter() - s
    s = time.perf_counter(); [sanitiser.row(r) for r in batch]; t["sanitise"] += time.perf_counter() - s
    rows += len(batch)
with open(path, encoding="utf-8") as f:
    lines = []
    for line in f:
        lines.append(line)
        if len(lines) == ${CHUNK}:
            chunk(lines); lines = []
    if lines:
        chunk(lines)
print(json.dumps({"rows": rows, **t}))
`;

function referencePolicy(): string {
    const [dataset] = datasetsSchema.parse([parse(readFileSync(path.join(ROOT, "tests/fixtures/sanitise/reference-dataset.yaml"), "utf8"))]);
    return sanitisationJobArguments({
        dataset,
        table: "invoices",
        sourceDatabase: "sales",
        sourceTable: "invoices",
        targetBucket: "lw-dev-444455556666-eu-west-1-lower-env",
        targetPrefix: "sanitised/sales/invoices",
        targetDatabase: "sales",
        targetTable: "invoices",
        tokenKeySecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:lakewarden/dev/sanitise-AbCdEf",
    })["--column-policy"];
}

async function main(): Promise<void> {
    const dir = mkdtempSync(path.join(tmpdir(), "lakewarden-bench-tokenise-"));
    const file = path.join(dir, "rows.jsonl");
    const load = () =>
        loadavg()
            .map(l => l.toFixed(2))
            .join(" ");
    try {
        console.log(`${ROWS.toLocaleString("en")} rows (seed ${SEED}), load ${load()}`);
        const ts = { copy: 0, tokenise: 0 };
        const out = createWriteStream(file);
        let batch: SampleRow[] = [];
        const measure = () => {
            let started = performance.now();
            batch.map(r => ({ ...r }));
            ts.copy += performance.now() - started;
            started = performance.now();
            batch.map(r => tokenise(KEY, r.accountId));
            ts.tokenise += performance.now() - started;
            batch = [];
        };
        for (const row of sampleRows(ROWS, SEED)) {
            batch.push(row);
            if (!out.write(`${formatRow(row, "jsonl")}\n`)) await once(out, "drain");
            if (batch.length === CHUNK) measure();
        }
        if (batch.length > 0) measure();
        out.end();
        await once(out, "finish");

        const run = spawnSync("python3", ["-c", PYTHON, referencePolicy(), file, KEY.toString("hex")], { cwd: ROOT, encoding: "utf8" });
        if (run.status !== 0) throw new Error(`python3 core bench failed: ${run.stderr}`);
        const py = JSON.parse(run.stdout) as { rows: number; copy: number; tokenise: number; sanitise: number };
        if (py.rows !== ROWS) throw new Error(`python3 read ${py.rows} rows, expected ${ROWS}`);

        const line = (label: string, seconds: number, copySeconds: number) =>
            `${label.padEnd(58)} ${seconds.toFixed(2).padStart(7)} s ${Math.round(ROWS / seconds)
                .toLocaleString("en")
                .padStart(12)} rows/s ${(seconds / copySeconds).toFixed(1).padStart(7)}x plain copy`;
        console.log(line("TypeScript plain copy", ts.copy / 1000, ts.copy / 1000));
        console.log(line("TypeScript tokenise (sanitise/tokenise.ts, accountId)", ts.tokenise / 1000, ts.copy / 1000));
        console.log(line("Python plain copy", py.copy, py.copy));
        console.log(line("Python core.tokenise (accountId)", py.tokenise, py.copy));
        console.log(line("Python core.Sanitiser, reference policy (all 6 columns)", py.sanitise, py.copy));
        console.log(`load after ${load()}`);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
