import { COMPILE_CACHE } from "../tools/offline/fast-start";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import * as path from "node:path";
import "@pulumi/aws";
import { bundler } from "../bundling/bundle";
import { readStackConfig } from "../tools/offline/stack-config";
import { runPlan } from "../tools/plan";

/**
 * What a user waits for: `npm run plan -- --stack <s>` in a fresh process, first after a clean
 * checkout (no bundle cache, no Node compile cache) and then warm, with where the time goes (load,
 * evaluate, bundle, pack) cold and warm, the ratio to the same program with Lambda bundling skipped
 * and to the previous figures (PREVIOUS), and the rows for the README's measured-figures table.
 * usage: npx ts-node bench/plan.ts [--stack dev] [--runs 3] [--scale]
 *   --scale also plans generated environments of 10, 25 and 50 consumer accounts in one process.
 */
const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "lakewarden-bundles");

interface Phases {
    /** From process start to the plan's modules (Pulumi SDK, @pulumi/aws, policy pack) loaded. */
    load: number;
    /** The program under mocks, until the last resource is recorded (includes waiting for bundles). */
    evaluate: number;
    /** The bundler's own wall time (cache checks and esbuild), inside evaluate. */
    bundle: number;
    /** The policy pack over the recorded resources. */
    pack: number;
    built: number;
    hits: number;
    /** Input files the bundle cache read to check itself (0 when every stat matched). */
    hashed: number;
}

/**
 * The figures before the 2026-12-03 session-7 changes: wall as the README and issue 13's stop note give them (load 1-3),
 * and CPU (less sensitive to the load of this shared machine) as this bench measured main 41191e9 at load 3.9-7.1.
 */
const PREVIOUS: Record<string, { first?: number; warm: number; firstCpu: number; warmCpu: number }> = {
    dev: { first: 7.0, warm: 2.9, firstCpu: 5.04, warmCpu: 4.1 },
    prod: { warm: 4.67, firstCpu: 6.91, warmCpu: 5.88 },
};

/** One plan in this process, timed by phase; the parent runs it in a fresh process per figure. */
async function child(stack: string, skipBundling: boolean): Promise<void> {
    const loaded = performance.now();
    if (skipBundling) {
        // The same program, with each handler's code replaced by a hash of its entry file.
        bundler.bundle = async entry =>
            createHash("sha256")
                .update(readFileSync(path.join(ROOT, entry)))
                .digest("hex");
    }
    let recorded = 0;
    const result = await runPlan({ stack, mutate: () => void (recorded = performance.now()) });
    const done = performance.now();
    if (result.exitCode !== 0) {
        throw new Error(`plan ${stack} exited ${result.exitCode}`);
    }
    const phases: Phases = {
        load: loaded,
        evaluate: recorded - loaded,
        bundle: bundler.stats.milliseconds,
        pack: done - recorded,
        built: bundler.stats.built,
        hits: bundler.stats.hits,
        hashed: bundler.stats.hashed,
    };
    console.log(JSON.stringify(phases));
}

/**
 * Runs a command in a fresh process: its wall time, and the CPU time of its process tree (from the
 * shell's `times`; esbuild's own service process is not waited for, so not counted).
 */
function timed(command: string, args: string[]): { seconds: number; cpu: number; stdout: string } {
    const quoted = [command, ...args].map(a => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const started = performance.now();
    const run = spawnSync("bash", ["-c", `${quoted}; status=$?; times >&2; exit $status`], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
    }
    // `times` prints the shell's own user/sys, then its children's: "0m3.520s 0m0.400s".
    const children = run.stderr.trim().split("\n").pop() ?? "";
    const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
    return { seconds, cpu, stdout: run.stdout };
}

const npmPlan = (stack: string) => timed("npm", ["run", "--silent", "plan", "--", "--stack", stack]);
const phased = (stack: string, skip: boolean) => {
    const run = timed(process.execPath, ["-r", "ts-node/register", __filename, "--child", stack, ...(skip ? ["--skip-bundling"] : [])]);
    return { seconds: run.seconds, cpu: run.cpu, phases: JSON.parse(run.stdout.trim().split("\n").pop() as string) as Phases };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = () =>
    loadavg()
        .map(l => l.toFixed(2))
        .join(" ");

async function scale(): Promise<void> {
    const generated = (consumers: number): Record<string, string> => {
        const base = readStackConfig("prod");
        const accounts = JSON.parse(base["lakewarden:accounts"]) as Record<string, unknown>[];
        const shares = JSON.parse(base["lakewarden:shares"]) as Record<string, unknown>[];
        const access = JSON.parse(base["lakewarden:consumerAccess"]) as Record<string, unknown>[];
        for (let i = 0; i < consumers; i++) {
            const id = String(400000000000 + i);
            const name = `team-${i}`;
            accounts.push({ name, role: "consumer", id, deployRoleArn: `arn:aws:iam::${id}:role/lakewarden-deploy` });
            shares.push({ consumer: name, database: "company", table: "products" }, { consumer: name, database: "sales", table: "orders" });
            access.push({
                consumer: name,
                roles: [
                    {
                        name: "analyst",
                        reads: [
                            { database: "company", table: "products" },
                            { database: "sales", table: "orders" },
                        ],
                    },
                ],
            });
        }
        return {
            ...base,
            "lakewarden:accounts": JSON.stringify(accounts),
            "lakewarden:shares": JSON.stringify(shares),
            "lakewarden:consumerAccess": JSON.stringify(access),
        };
    };
    await runPlan({ stack: "dev" });
    const sizes: { seconds: number; accounts: number }[] = [];
    for (const n of [10, 25, 50]) {
        const result = await runPlan({ stack: "prod", config: generated(n) });
        if (result.exitCode !== 0) {
            throw new Error(`generated +${n}: plan exited ${result.exitCode}`);
        }
        const resources = result.accounts.reduce((sum, a) => sum + a.resourceCount, 0);
        console.log(
            `generated +${n} consumers: ${result.accounts.length} accounts, ${resources} resources, ${result.seconds.toFixed(2)} s, ${((result.seconds * 1000) / result.accounts.length).toFixed(0)} ms/account`,
        );
        sizes.push({ seconds: result.seconds, accounts: result.accounts.length });
    }
    const [small, , large] = sizes;
    console.log(
        `growth 10 -> 50 consumers, time ratio / account ratio: ${(large.seconds / small.seconds / (large.accounts / small.accounts)).toFixed(2)} (<= 1.0 is linear or better)`,
    );
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    if (argv[0] === "--child") {
        return child(argv[1], argv.includes("--skip-bundling"));
    }
    const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
    const stacks = option("--stack") ? [option("--stack") as string] : ["dev", "prod"];
    const runs = Number(option("--runs") ?? 3);
    // A clean checkout has neither the bundles nor Node's compile cache.
    const clean = () => {
        rmSync(CACHE, { recursive: true, force: true });
        rmSync(COMPILE_CACHE, { recursive: true, force: true });
    };
    const versus = (seconds: number, previous: number | undefined) =>
        previous === undefined ? "" : `${(seconds / previous).toFixed(2)}x previous ${previous} s`;
    const phaseText = (p: Phases) =>
        `load ${s(p.load)}  evaluate ${s(p.evaluate)} (bundle ${s(p.bundle)}: ${p.hits} cached, ${p.built} built, ${p.hashed} files hashed)  pack ${s(p.pack)}`;
    const rows: string[] = [];
    console.log(`load average before: ${load()} (2 cores; figures below are wall time of a fresh process)`);
    for (const stack of stacks) {
        const previous: Partial<(typeof PREVIOUS)[string]> = PREVIOUS[stack] ?? {};
        clean();
        const firstLoad = load();
        const first = npmPlan(stack);
        const warmLoad = load();
        const warmRuns = Array.from({ length: runs }, () => npmPlan(stack));
        const warm = median(warmRuns.map(r => r.seconds));
        const warmCpu = median(warmRuns.map(r => r.cpu));
        const withBundles = phased(stack, false);
        const skipped = phased(stack, true);
        clean();
        const cold = phased(stack, false);
        console.log(`\nnpm run plan -- --stack ${stack}            wall      cpu`);
        console.log(
            `  first run, clean caches      ${first.seconds.toFixed(2).padStart(6)} s ${first.cpu.toFixed(2).padStart(6)} s   (target <= 10 s wall)   ${versus(first.seconds, previous.first)}  cpu ${versus(first.cpu, previous.firstCpu)}`,
        );
        console.log(
            `  warm, median of ${runs}           ${warm.toFixed(2).padStart(6)} s ${warmCpu.toFixed(2).padStart(6)} s   (target <= 4 s wall)   first/warm ${(first.seconds / warm).toFixed(2)}x   ${versus(warm, previous.warm)}  cpu ${versus(warmCpu, previous.warmCpu)}`,
        );
        for (const [label, run] of [
            ["cold, phases", cold],
            ["warm, phases", withBundles],
            ["bundling skipped", skipped],
        ] as const) {
            console.log(`  ${label.padEnd(28)} ${run.seconds.toFixed(2).padStart(6)} s ${run.cpu.toFixed(2).padStart(6)} s   ${phaseText(run.phases)}`);
        }
        console.log(
            `  ratio warm / bundling skipped ${(withBundles.seconds / skipped.seconds).toFixed(2)}x wall, ${(withBundles.cpu / skipped.cpu).toFixed(2)}x cpu; ` +
                `first run / bundling skipped ${(first.seconds / skipped.seconds).toFixed(2)}x wall`,
        );
        const p = withBundles.phases;
        rows.push(
            `| \`npm run plan -- --stack ${stack}\`, first run (clean caches) | ${first.seconds.toFixed(1)} s | ${first.cpu.toFixed(1)} s | cold phases: ${phaseText(cold.phases).replace(/ {2}/g, ", ")} | wall ${versus(first.seconds, previous.first) || "-"}; CPU ${versus(first.cpu, previous.firstCpu) || "-"} | ${firstLoad} |`,
            `| \`npm run plan -- --stack ${stack}\`, warm (median of ${runs}) | ${warm.toFixed(1)} s | ${warmCpu.toFixed(1)} s | load ${s(p.load)}, evaluate ${s(p.evaluate)} (bundle ${s(p.bundle)}), pack ${s(p.pack)}; bundling skipped ${skipped.seconds.toFixed(1)} s (warm/skipped ${(withBundles.seconds / skipped.seconds).toFixed(2)}x) | wall ${versus(warm, previous.warm) || "-"}; CPU ${versus(warmCpu, previous.warmCpu) || "-"} | ${warmLoad} |`,
        );
    }
    console.log(`\nload average after: ${load()}`);
    console.log("\nREADME rows (| command | wall | CPU | phases | against the previous figure | load average (1, 5, 15 min) at the start |):");
    console.log(rows.join("\n"));
    if (argv.includes("--scale")) {
        await scale();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
