/**
 * Quarantine-and-release round trip over 1,000 simulated Macie findings in the local executor,
 * with the real Lambda handlers against the fake S3/STS/DynamoDB, and 10% of task invocations
 * faulted (transient errors before or after the task's effect, outages that exhaust the
 * retries, executor crashes before or after the effect). Every execution that does not
 * succeed is re-run until it does. At the end every object must be either in place or in
 * quarantine and tracked: none lost, none duplicated.
 *
 *   npx ts-node --transpile-only bench/quarantine.ts [findings] [faultRate]
 */
import { performance } from "node:perf_hooks";
import { DEFAULT_QUARANTINE_PREFIX } from "../workflows/quarantine";
import type { StoredVersion } from "../support/remediation/fake-s3";
import type { Item } from "../support/remediation/fake-dynamodb";
import type { ExecutionOutcome, Fault, FaultInjector } from "../support/remediation/local-runtime";
import { REMEDIATION_ENVIRONMENT } from "../support/remediation/remediation-environment";
import { releaseInput, seed, type Seeded } from "../support/remediation/scenario";
import { createWorld, type World } from "../support/remediation/world";

const FINDINGS = Number(process.argv[2] ?? 1000);
const FAULT_RATE = Number(process.argv[3] ?? 0.1);
const CONCURRENCY = 32;
const MAX_RUNS = 100;

/** Deterministic PRNG (mulberry32) so a run can be reproduced. */
function random(seedValue: number): () => number {
    let state = seedValue >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const FAULT_MIX: [Fault, number][] = [
    ["transient-before", 0.4],
    ["transient-after", 0.25],
    ["outage", 0.15],
    ["crash-before", 0.1],
    ["crash-after", 0.1],
];

class Faults implements FaultInjector {
    readonly injected = new Map<Fault, number>();
    invocations = 0;
    constructor(
        private readonly rate: number,
        private readonly rng: () => number,
    ) {}

    next(): Fault | undefined {
        this.invocations++;
        if (this.rng() >= this.rate) return undefined;
        let pick = this.rng();
        for (const [fault, share] of FAULT_MIX) {
            pick -= share;
            if (pick < 0) {
                this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
                return fault;
            }
        }
        return "transient-before";
    }
}

interface RunStats {
    executions: number;
    reruns: number;
    failed: number;
    crashed: number;
    maxRunsForOne: number;
}

const newStats = (): RunStats => ({ executions: 0, reruns: 0, failed: 0, crashed: 0, maxRunsForOne: 0 });

async function untilSucceeded(run: () => Promise<ExecutionOutcome>, stats: RunStats): Promise<void> {
    for (let attempt = 1; attempt <= MAX_RUNS; attempt++) {
        const outcome = await run();
        stats.executions++;
        if (attempt > 1) stats.reruns++;
        if (outcome.status === "SUCCEEDED") {
            stats.maxRunsForOne = Math.max(stats.maxRunsForOne, attempt);
            return;
        }
        if (outcome.status === "FAILED") stats.failed++;
        else stats.crashed++;
    }
    throw new Error(`not done after ${MAX_RUNS} runs`);
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
            while (next < items.length) await work(items[next++]);
        }),
    );
}

/** A deterministic mix: ~40% High, ~15% public Low/Medium, the rest private Low/Medium. */
function seedFindings(world: World, rng: () => number): Seeded[] {
    return Array.from({ length: FINDINGS }, (_, index) => {
        const roll = rng();
        if (roll < 0.4) return seed(world, index, { severity: "High" });
        if (roll < 0.55) return seed(world, index, { severity: rng() < 0.5 ? "Low" : "Medium", objectPublic: rng() < 0.5, bucketPermission: "PUBLIC" });
        return seed(world, index, { severity: rng() < 0.5 ? "Low" : "Medium" });
    });
}

const text = (item: Item | undefined, field: string): string | undefined => {
    const value = item?.[field];
    return value && "S" in value ? value.S : undefined;
};

type Verdict = "in place" | "in quarantine" | "released" | "lost" | "duplicated" | "inconsistent";

function verdict(world: World, finding: Seeded, expectQuarantine: boolean): Verdict {
    const { bucket, key, versionId, findingId } = finding.spec;
    const originals = world.s3.versions(bucket, key);
    const copies: StoredVersion[] = world.s3.versions(bucket, `${DEFAULT_QUARANTINE_PREFIX}${versionId}/${key}`);
    const holders = [...originals, ...copies].filter((v) => v.body.equals(finding.body));
    if (holders.length === 0) return "lost";
    if (holders.length > 1 || originals.length + copies.length > 1) return "duplicated";
    const record = world.record(findingId, versionId);
    const state = text(record, "state");
    if (!expectQuarantine) {
        return originals[0]?.versionId === versionId && record === undefined ? "in place" : "inconsistent";
    }
    if (state === "QUARANTINED" && copies.length === 1 && text(record, "quarantineVersionId") === copies[0].versionId) return "in quarantine";
    if (state === "RELEASED" && originals.length === 1 && text(record, "restoredVersionId") === originals[0].versionId) return "released";
    return "inconsistent";
}

async function main(): Promise<void> {
    // Silent Powertools and the member role names the object Lambdas read.
    Object.assign(process.env, REMEDIATION_ENVIRONMENT);
    const rng = random(20240501);
    const world = createWorld();
    const faults = new Faults(FAULT_RATE, rng);
    const findings = seedFindings(world, rng);
    const quarantineStats = newStats();
    const releaseStats = newStats();
    const started = performance.now();

    await inParallel(findings, (finding) => untilSucceeded(() => world.quarantine.run(finding.event, faults), quarantineStats));
    const quarantineDone = performance.now();

    const quarantined = findings.filter((f) => text(world.record(f.spec.findingId, f.spec.versionId), "state") === "QUARANTINED");
    const toRelease = quarantined.filter((_, index) => index % 2 === 0);
    await inParallel(toRelease, (finding) => untilSucceeded(() => world.release.run(releaseInput(finding), faults), releaseStats));
    // A second release of every tenth released object must change nothing.
    const releasedTwice = toRelease.filter((_, index) => index % 10 === 0);
    const before = releasedTwice.map((f) => JSON.stringify(world.s3.versions(f.spec.bucket, f.spec.key).map((v) => v.versionId)));
    await inParallel(releasedTwice, (finding) =>
        untilSucceeded(() => world.release.run(releaseInput(finding, "0d7f3d0e-5b8e-4d43-a6b1-5a54a1d0f0c2", "bob"), faults), releaseStats),
    );
    const after = releasedTwice.map((f) => JSON.stringify(world.s3.versions(f.spec.bucket, f.spec.key).map((v) => v.versionId)));
    const elapsed = performance.now() - started;

    const quarantineSet = new Set(quarantined.map((f) => f.spec.findingId));
    const verdicts = new Map<Verdict, number>();
    for (const finding of findings) {
        const v = verdict(world, finding, quarantineSet.has(finding.spec.findingId));
        verdicts.set(v, (verdicts.get(v) ?? 0) + 1);
    }
    const expectedQuarantines = findings.filter((f) => {
        const detail = (f.event.detail as { severity: { description: string }; resourcesAffected: { s3Object: { publicAccess: boolean }; s3Bucket: { publicAccess: { effectivePermission: string } } } });
        return detail.severity.description === "High" || detail.resourcesAffected.s3Object.publicAccess || detail.resourcesAffected.s3Bucket.publicAccess.effectivePermission === "PUBLIC";
    }).length;
    const objectVersions = world.s3.listVersions("data-222222222222").length + world.s3.listVersions("data-333333333333").length;
    const count = (v: Verdict) => verdicts.get(v) ?? 0;

    const lines = [
        `findings                    ${FINDINGS} (${expectedQuarantines} meet the quarantine rules, ${FINDINGS - expectedQuarantines} notify only)`,
        `fault rate                  ${(FAULT_RATE * 100).toFixed(0)}% of ${faults.invocations} task invocations: ${[...faults.injected].map(([k, n]) => `${k} ${n}`).join(", ")}`,
        `quarantine executions       ${quarantineStats.executions} (${quarantineStats.reruns} re-runs: ${quarantineStats.failed} failed, ${quarantineStats.crashed} crashed; max ${quarantineStats.maxRunsForOne} runs for one finding)`,
        `release executions          ${releaseStats.executions} for ${toRelease.length} releases + ${releasedTwice.length} repeated (${releaseStats.reruns} re-runs: ${releaseStats.failed} failed, ${releaseStats.crashed} crashed)`,
        `repeated releases unchanged ${before.filter((b, i) => b === after[i]).length}/${releasedTwice.length}`,
        `objects in place            ${count("in place")} (notify only)`,
        `objects in quarantine       ${count("in quarantine")} (tracked QUARANTINED)`,
        `objects released            ${count("released")} (tracked RELEASED, restored)`,
        `lost / duplicated / inconsistent  ${count("lost")} / ${count("duplicated")} / ${count("inconsistent")}`,
        `object versions in buckets  ${objectVersions} for ${FINDINGS} objects; open multipart uploads ${world.s3.openUploads()}`,
        `notifications delivered     ${world.notifications.length}`,
        `wall time                   ${(elapsed / 1000).toFixed(2)} s (quarantine ${((quarantineDone - started) / 1000).toFixed(2)} s, release ${((elapsed - (quarantineDone - started)) / 1000).toFixed(2)} s)`,
        `throughput                  ${((quarantineStats.executions + releaseStats.executions) / (elapsed / 1000)).toFixed(0)} executions/s; ${(quarantineStats.executions / FINDINGS).toFixed(2)} quarantine executions per finding`,
    ];
    console.log(lines.join("\n"));
    world.dispose();

    const ok =
        count("lost") === 0 &&
        count("duplicated") === 0 &&
        count("inconsistent") === 0 &&
        quarantined.length === expectedQuarantines &&
        count("in place") + count("in quarantine") + count("released") === FINDINGS &&
        objectVersions === FINDINGS &&
        world.s3.openUploads() === 0 &&
        before.every((b, i) => b === after[i]);
    console.log(ok ? "result                      OK: every object in place or in quarantine and tracked" : "result                      FAILED");
    process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
