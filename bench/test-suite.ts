import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import * as path from "node:path";
import { COMPILE_CACHE } from "../tools/offline/fast-start";

/**
 * Wall time of `npm test`, phase by phase: each `npm run <script>` of the test script's `&&` chain
 * in turn, exactly as npm runs them, with the load average around each (the machine is shared).
 * Each figure is compared with the previous run of this benchmark on this machine, or, on its first
 * run, with the last figure recorded in the README (1 min 26 s in all, 2026-12-03, load 1.6-2.5).
 * usage: npx ts-node bench/test-suite.ts [--cold]
 *   --cold first removes the type-check, bundle and Node compile caches (a clean checkout).
 */
const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache");
const PREVIOUS = path.join(CACHE, "lakewarden-bench", "test-suite.json");

const load = () =>
    loadavg()
        .map(l => l.toFixed(2))
        .join(" ");

function main(): void {
    const cold = process.argv.includes("--cold");
    if (cold) {
        rmSync(path.join(CACHE, "lakewarden-tsc"), { recursive: true, force: true });
        rmSync(path.join(CACHE, "lakewarden-bundles"), { recursive: true, force: true });
        rmSync(COMPILE_CACHE, { recursive: true, force: true });
    }
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const chain = scripts.test.split("&&").map(step => step.trim());
    let previous: Record<string, number> = { total: 86 };
    try {
        previous = JSON.parse(readFileSync(PREVIOUS, "utf8")) as Record<string, number>;
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
    mkdirSync(path.dirname(PREVIOUS), { recursive: true });
    writeFileSync(PREVIOUS, JSON.stringify(figures));
}

main();
