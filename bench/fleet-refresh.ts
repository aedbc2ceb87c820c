/**
 * Fleet refresh in the local Step Functions executor: 32 Auto Scaling groups (the per-run cap) in 8 ECS clusters, the real
 * Lambda handlers answering from a simulated fleet. Run 1 has one group roll back in wave 2; run 2 has
 * every refresh succeed. Prints the run order as a timeline, plus what the waves cost and protect.
 *
 *   npx ts-node --transpile-only bench/fleet-refresh.ts
 *
 * "projected" times are what the waits in the definition would take on AWS (the poll backoff the
 * Lambda computed, plus bake time); the local run shortens every wait to 1 ms.
 */
import "../support/fleet-refresh/environment";
import { buildFleetRefreshDefinition, FleetState, type FleetRefreshConfig } from "../workflows/fleet-refresh";
import { BUILD_ACCOUNT, type CloudEvent, FakeFleetCloud, NEW_IMAGE, OLD_IMAGE } from "../support/fleet-refresh/fake-cloud";
import { type RunResult, runLocally, testConfig } from "../support/fleet-refresh/harness";

const CLUSTERS = 8;
const GROUPS_PER_CLUSTER = 4;
const WAVE_SIZE = 4;
const BAKE_SECONDS = 900;
const FAILING_GROUP = "asg-prod-2-03";

const config: FleetRefreshConfig = testConfig({ waves: { size: WAVE_SIZE, bakeSeconds: BAKE_SECONDS } });

function buildFleet(failing: string | undefined): FakeFleetCloud {
    const cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT).addImage(OLD_IMAGE, "amazon");
    for (let c = 1; c <= CLUSTERS; c++) {
        cloud.addStandardCluster(`prod-${c}`, { "lakewarden:fleet": "prod" }, GROUPS_PER_CLUSTER);
        // Refreshes of different length: 1 to 7 in-progress polls before the end.
        for (let g = 1; g <= GROUPS_PER_CLUSTER; g++) cloud.scenario(`asg-prod-${c}-0${g}`, { polls: 1 + ((c * 5 + g * 3) % 7), final: "Successful" });
    }
    if (failing !== undefined) cloud.scenario(failing, { polls: 3, final: "RollbackSuccessful" });
    return cloud;
}

function wavesOf(result: RunResult): string[][] {
    const call = result.calls.find(c => c.state === FleetState.createVersions);
    if (call === undefined) throw new Error("no launch template step ran");
    return (call.input.waves as { groups: { autoScalingGroupName: string }[] }[]).map(w => w.groups.map(g => g.autoScalingGroupName));
}

/** Seconds the definition would wait for each group on AWS: the sum of the backoff waits before each poll. */
function projectedSeconds(result: RunResult): Map<string, number> {
    const seconds = new Map<string, number>();
    for (const call of result.calls.filter(c => c.state === FleetState.describeRefresh)) {
        const tracking = call.input.tracking as { autoScalingGroupName: string; nextPollSeconds: number };
        seconds.set(tracking.autoScalingGroupName, (seconds.get(tracking.autoScalingGroupName) ?? 0) + tracking.nextPollSeconds);
    }
    return seconds;
}

const hours = (s: number) => `${(s / 3600).toFixed(2)} h`;
const pad = (text: string | number, width: number) => String(text).padEnd(width);

function printTimeline(title: string, cloud: FakeFleetCloud, result: RunResult, wallMs: number): { exposed: number; projected: number; allAtOnce: number } {
    const waves = wavesOf(result);
    const seconds = projectedSeconds(result);
    const waveOf = new Map(waves.flatMap((groups, i) => groups.map(g => [g, i + 1] as const)));
    console.log(`\n=== ${title}: ${result.status}${result.error ? ` (${result.error.name})` : ""} ===`);
    console.log(`waves planned: ${waves.length} x ${WAVE_SIZE} groups; MaxConcurrency ${WAVE_SIZE}; bake ${BAKE_SECONDS} s`);
    console.log("\nrun order (fake AWS events; #=global order, t=local ms)");
    const refreshEvents = cloud.events.filter((e: CloudEvent) => e.kind === "refresh-started" || e.kind === "refresh-ended");
    let currentWave = 0;
    for (const event of refreshEvents) {
        const wave = waveOf.get(event.subject) ?? 0;
        if (wave !== currentWave) {
            currentWave = wave;
            console.log(`  -- wave ${wave} --`);
        }
        const what = event.kind === "refresh-started" ? "start" : `end ${event.detail}`;
        console.log(`  #${pad(event.seq, 4)} t=${pad(event.atMs, 6)} ${pad(event.subject, 15)} ${what}`);
    }
    const lastStarted = Math.max(0, ...refreshEvents.filter(e => e.kind === "refresh-started").map(e => waveOf.get(e.subject) ?? 0));
    for (let w = lastStarted + 1; w <= waves.length; w++) console.log(`  -- wave ${w} -- not started (${waves[w - 1].join(", ")})`);

    console.log("\nper wave (projected AWS time)");
    console.log(`  ${pad("wave", 5)} ${pad("groups", 7)} ${pad("outcome", 34)} ${pad("refresh", 9)} with bake`);
    let projected = 0;
    waves.forEach((groups, i) => {
        const refreshed = groups.filter(g => cloud.refreshesOf(g).length > 0);
        if (refreshed.length === 0) {
            console.log(`  ${pad(i + 1, 5)} ${pad(groups.length, 7)} ${pad("untouched", 34)}`);
            return;
        }
        const outcomes = refreshed.map(g => cloud.refreshesOf(g)[0].Status ?? "?");
        const counts = [...new Set(outcomes)].map(s => `${outcomes.filter(o => o === s).length} ${s}`).join(", ");
        const longest = Math.max(...refreshed.map(g => seconds.get(g) ?? 0));
        const failed = outcomes.some(o => o !== "Successful");
        const wave = longest + (failed ? 0 : BAKE_SECONDS);
        projected += wave;
        console.log(`  ${pad(i + 1, 5)} ${pad(groups.length, 7)} ${pad(counts, 34)} ${pad(hours(longest), 9)} ${hours(wave)}`);
    });
    const exposed = waves.flat().filter(g => cloud.refreshesOf(g).length > 0).length;
    const allAtOnce = Math.max(...[...seconds.values()]);
    const lambdaCalls = result.calls.filter(c => !c.state.startsWith("Notify") && c.state !== FleetState.checkAlarms).length;
    const notices = result.notices.reduce<Record<string, number>>((acc, n) => ({ ...acc, [n.event]: (acc[n.event] ?? 0) + 1 }), {});
    console.log(
        `\nnotifications: ${Object.entries(notices)
            .map(([e, n]) => `${e} x${n}`)
            .join(", ")}`,
    );
    console.log(
        `Lambda invocations ${lambdaCalls}, alarm checks ${result.calls.filter(c => c.state === FleetState.checkAlarms).length}, local wall time ${wallMs} ms`,
    );
    return { exposed, projected, allAtOnce };
}

async function timedRun(failing: string | undefined): Promise<{ cloud: FakeFleetCloud; result: RunResult; wallMs: number }> {
    const cloud = buildFleet(failing);
    const started = Date.now();
    const result = await runLocally(buildFleetRefreshDefinition(config), { imageId: NEW_IMAGE });
    return { cloud, result, wallMs: Date.now() - started };
}

async function main(): Promise<void> {
    const total = CLUSTERS * GROUPS_PER_CLUSTER;
    console.log(`fleet-refresh bench: ${total} Auto Scaling groups in ${CLUSTERS} ECS clusters, wave size ${WAVE_SIZE}`);

    const halted = await timedRun(FAILING_GROUP);
    const h = printTimeline(`run 1: ${FAILING_GROUP} rolls back in wave 2`, halted.cloud, halted.result, halted.wallMs);
    halted.cloud.restore();

    const clean = await timedRun(undefined);
    const c = printTimeline("run 2: every refresh succeeds", clean.cloud, clean.result, clean.wallMs);
    clean.cloud.restore();

    console.log("\n=== figures ===");
    console.log(
        `groups that received the bad image before the halt: ${h.exposed}/${total} (${((100 * h.exposed) / total).toFixed(1)}%); refreshing all at once: ${total}/${total} (100%)`,
    );
    console.log(`groups left untouched by the halt: ${total - h.exposed} (waves 3-${total / WAVE_SIZE})`);
    console.log(
        `projected rollout time, waves with bake: ${hours(c.projected)}; all at once: ${hours(c.allAtOnce)} (ratio ${(c.projected / c.allAtOnce).toFixed(1)}x)`,
    );
    console.log(`projected time to detect the bad image and stop: ${hours(h.projected)} after start`);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
