/**
 * Sample purchases for the sanitisation job (the seed's columns): invoiceId, accountId, purchaseTime (epoch ms),
 * purchaseAmount, purchaseItemNumber, location ("lat,lon"). Deterministic for a seed: the same seed and count
 * give the same bytes. Large counts print a progress line to stderr every 10%.
 *
 *   npx ts-node --transpile-only tools/generate-sample-dataset.ts --count 100000 --seed 7 --format csv --out invoices.csv
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";

export const SAMPLE_COLUMNS = ["invoiceId", "accountId", "purchaseTime", "purchaseAmount", "purchaseItemNumber", "location"] as const;
export type SampleRow = { invoiceId: string; accountId: string; purchaseTime: number; purchaseAmount: number; purchaseItemNumber: number; location: string };

/** mulberry32: a small, well-distributed 32-bit PRNG; enough for sample data, not for secrets. */
function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
}

const CITIES: readonly [number, number][] = [
    [51.5072, -0.1276],
    [48.8566, 2.3522],
    [52.52, 13.405],
    [40.4168, -3.7038],
    [53.3498, -6.2603],
    [59.3293, 18.0686],
];
const START = Date.UTC(2022, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** `count` rows for `seed`; about one account per ten invoices, so tokenised accountIds still join. */
export function* sampleRows(count: number, seed: number): Generator<SampleRow> {
    const random = prng(seed);
    const accounts = Math.max(1, Math.ceil(count / 10));
    for (let i = 0; i < count; i++) {
        const [lat, lon] = CITIES[Math.floor(random() * CITIES.length)];
        yield {
            invoiceId: `i-${String(i + 1).padStart(8, "0")}`,
            accountId: `a-${String(1 + Math.floor(random() * accounts)).padStart(7, "0")}`,
            purchaseTime: START + Math.floor(random() * YEAR_MS),
            purchaseAmount: Math.round(random() * 100_000) / 100,
            purchaseItemNumber: 1 + Math.floor(random() * 100),
            location: `${(lat + (random() - 0.5) / 5).toFixed(4)},${(lon + (random() - 0.5) / 5).toFixed(4)}`,
        };
    }
}

export function formatRow(row: SampleRow, format: "csv" | "jsonl"): string {
    // No value holds a comma except location, which is quoted.
    return format === "jsonl" ? JSON.stringify(row) : SAMPLE_COLUMNS.map(c => (c === "location" ? `"${row[c]}"` : String(row[c]))).join(",");
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            count: { type: "string", default: "1000" },
            seed: { type: "string", default: "1" },
            format: { type: "string", default: "csv" },
            out: { type: "string" },
        },
    });
    const count = Number(values.count);
    const seed = Number(values.seed);
    const format = values.format;
    if (!Number.isInteger(count) || count < 0) throw new Error(`--count: expected a whole number, got ${values.count}`);
    if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got ${values.seed}`);
    if (format !== "csv" && format !== "jsonl") throw new Error(`--format: expected csv or jsonl, got ${format}`);
    const out = values.out ? createWriteStream(values.out) : process.stdout;
    const progressEvery = count >= 100_000 ? Math.ceil(count / 10) : 0;
    const started = Date.now();
    if (format === "csv") out.write(`${SAMPLE_COLUMNS.join(",")}\n`);
    let i = 0;
    for (const row of sampleRows(count, seed)) {
        if (!out.write(`${formatRow(row, format)}\n`)) await once(out, "drain");
        i++;
        if (progressEvery > 0 && i % progressEvery === 0) {
            process.stderr.write(`generated ${i}/${count} rows (${Math.round((100 * i) / count)}%, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
        }
    }
    if (out !== process.stdout) {
        out.end();
        await once(out, "finish");
    }
}

if (require.main === module) {
    main().catch((error: unknown) => {
        console.error((error as Error).message);
        process.exit(2);
    });
}
