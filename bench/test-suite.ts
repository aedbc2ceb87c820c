import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import * as path from "node:path";

/**
 * Wall time of `npm test`, phase by phase: each `npm run <script>` of the test script's `&&` chain
 * in turn, exactly as npm runs them, with the load average around each (the machine is shared).
 * Each figure is compared with the previous run of this benchmark in the same mode (warm or --cold)
 * on this machine, or, on its first run, with the last figure recorded in the README (warm 1 min 26 s
 * in all, 2026-12-03, load 1.6-2.5; cold 2 min 42 s, 2026-12-04, load 0.9-2.8).
 * usage: npx ts-node bench/test-suite.ts [--cold]
 *   --cold first removes every cache under node_modules/.cache but this benchmark's own record, as
 *   `npm ci` leaves a clean checkout: type-check, bundles, Node's compile cache, prettier, eslint and
 *   the TypeScript loaders'.
 */
const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache");
const RECORDS = path.join(CACHE, "lakewarden-bench");

const load = () =>
    loadavg()
        .map(l => l.toFixed(2))
        .join(" ");

function main(): void {
    const cold = process.argv.includes("--cold");
    if (cold) {
        for (const entry of existsSync(CACHE) ? readdirSync(CACHE) : []) {
            if (path.join(CACHE, entry) !== RECORDS) {
                rmSync(path.join(CACHE, entry), { recursive: true, force: true });
            }
        }
    }
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const chain = scripts.test.split("&&").map(step => step.trim());
    const record = path.join(RECORDS, cold ? "test-suite-cold.json" : "test-suite.json");
    let previous: Record<string, number> = { total: cold ? 162 : 86 };
    try {
        previous = JSON.parse(readFileSync(record, "utf8")) as Record<string, number>;
    } catch {
        // First run on this machine: nothing to compare with.
    }
    const figures: Record<string, number> = {};
    const rows: string[] = [];
    const ratio = (name: string) => (previous[name] ? `  ${(figures[name] / previous[name]).toFixed(2)}x previous (${previous[name].toFixed(1)} s)` : "");
    console.log(`npm test = ${scripts.test}${cold ? " (caches removed first)" : ""}`);
    const started = performance.now();
    for (const step of chain) {
        const before = load();
        const begun = performance.now();
        const run = spawnSync("sh", ["-c", step], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
        figures[step] = (performance.now() - begun) / 1000;
        const after = load();
        console.log(`  ${step.padEnd(24)} ${figures[step].toFixed(1).padStart(6)} s   load ${before} -> ${after}${ratio(step)}`);
        if (run.status !== 0) {
            console.log(run.stdout.slice(-4000), run.stderr.slice(-4000));
            throw new Error(`${step} exited ${run.status}`);
        }
        const passing = /(\d+) passing \(([^)]+)\)/.exec(run.stdout);
        if (passing) {
            console.log(`  ${"".padEnd(24)} ${passing[1]} tests passing, mocha's own figure ${passing[2]}`);
        }
        const python = /Ran (\d+) tests? in/.exec(run.stderr);
        if (python) {
            console.log(`  ${"".padEnd(24)} ${python[1]} Python unittest cases`);
        }
        const counted = passing ? `, ${passing[1]} passing` : python ? `, ${python[1]} cases` : "";
        rows.push(`| \`${step}\` | ${figures[step].toFixed(1)} s${counted} | ${ratio(step).trim() || "-"} | ${before} -> ${after} |`);
    }
    figures.total = (performance.now() - started) / 1000;
    console.log(`  ${"total".padEnd(24)} ${figures.total.toFixed(1).padStart(6)} s   (target <= 120 s idle)${ratio("total")}`);
    rows.push(`| \`npm test\` in all | ${figures.total.toFixed(1)} s | ${ratio("total").trim()} | ${load()} at the end |`);
    console.log("\nREADME rows (| phase | wall | against the previous figure | load average (1, 5, 15 min) |):");
    console.log(rows.join("\n"));
    mkdirSync(RECORDS, { recursive: true });
    writeFileSync(record, JSON.stringify(figures));
}

main();
