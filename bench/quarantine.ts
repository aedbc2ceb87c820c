/**
 * Quarantine-and-release round trip over 1,000 simulated Macie findings in the local executor,
 * with the real Lambda handlers against the fake S3/STS/DynamoDB, and 10% of task invocations
 * faulted (transient errors before or after the task's effect, outages that exhaust the
 * retries, executor crashes before or after the effect). Every execution that does not
 * succeed is re-run until it does. The objects include versioned keys (an older version under
 * the flagged one; a newer one written after the finding), objects over the single-copy limit
 * (S3's 5 GiB scaled to 128 bytes, so they take the bounded multipart path) and keys a
 * replication rule covers (which must end BLOCKED). At the end every object must be in place,
 * in quarantine, released or blocked, and tracked: none lost, duplicated or inconsistent, and
 * no incomplete multipart upload left.
 *
 *   npx ts-node --transpile-only bench/quarantine.ts [findings] [faultRate]
 */
import { performance } from "node:perf_hooks";
import type { Item } from "../support/remediation/local-table";
import type { ExecutionOutcome, Fault, FaultInjector } from "../support/remediation/local-runtime";
import { REMEDIATION_ENVIRONMENT } from "../support/remediation/remediation-environment";
import { MEMBER_ACCOUNTS } from "../support/remediation/fixtures";
import { quarantineKeyOf, releaseInput, seed, type Seeded } from "../support/remediation/scenario";
import { bucketName, createWorld, type World } from "../support/remediation/world";

const FINDINGS = Number(process.argv[2] ?? 1000);
/** S3's limits scaled: 5 GiB -> 128 bytes, parts of 16 bytes, 64 bytes per invocation. */
const SCALED_LIMITS = { maxSingleCopyBytes: 128, minPartBytes: 16, maxParts: 10_000, maxBytesPerInvocation: 64 };
const REPLICATED_PREFIX = "replicated/";
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

type Shape = "plain" | "older version below" | "overwritten after the finding" | "replicated";

interface Finding extends Seeded {
    shape: Shape;
    /** Versions of the key that are not the flagged one (they must stay as they are). */
    others: string[];
}

/** A deterministic mix: ~40% High, ~15% public Low/Medium, the rest private Low/Medium; 10% / 5% / 5% of the shapes. */
function seedFindings(world: World, rng: () => number): Finding[] {
    return Array.from({ length: FINDINGS }, (_, index) => {
        const shapeRoll = rng();
        const shape: Shape =
            shapeRoll < 0.1 ? "older version below" : shapeRoll < 0.15 ? "overwritten after the finding" : shapeRoll < 0.2 ? "replicated" : "plain";
        const key = `${shape === "replicated" ? REPLICATED_PREFIX : "exports/"}2024 Q${1 + (index % 4)}/customers-${index}.csv`;
        const accountId = MEMBER_ACCOUNTS[index % MEMBER_ACCOUNTS.length];
        const others: string[] = [];
        if (shape === "older version below") others.push(world.s3.putObject(bucketName(accountId), key, Buffer.from(`older export ${index}`)));
        const roll = rng();
        const overrides =
            roll < 0.4
                ? { severity: "High" as const }
                : roll < 0.55
                  ? { severity: rng() < 0.5 ? ("Low" as const) : ("Medium" as const), objectPublic: rng() < 0.5, bucketPermission: "PUBLIC" as const }
                  : { severity: rng() < 0.5 ? ("Low" as const) : ("Medium" as const) };
        const seeded = seed(world, index, { ...overrides, key });
        if (shape === "overwritten after the finding") others.push(world.s3.putObject(bucketName(accountId), key, Buffer.from(`newer export ${index}`)));
        return { ...seeded, shape, others };
    });
}

const text = (item: Item | undefined, field: string): string | undefined => {
    const value = item?.[field];
    return value && "S" in value ? value.S : undefined;
};

type Verdict = "in place" | "in quarantine" | "released" | "blocked" | "lost" | "duplicated" | "inconsistent";

function verdict(world: World, finding: Finding, expectQuarantine: boolean): Verdict {
    const { bucket, key, versionId, findingId } = finding.spec;
    const all = world.s3.versions(bucket, key);
    const originals = all.filter(v => !v.deleteMarker);
    const markers = all.filter(v => v.deleteMarker);
    const copies = world.s3.versions(bucket, quarantineKeyOf(finding));
    const holders = [...originals, ...copies].filter(v => v.body.equals(finding.body));
    if (holders.length === 0) return "lost";
    if (holders.length > 1 || copies.length > 1) return "duplicated";
    // The other versions of the key are untouched, nothing else appeared.
    const others = originals.filter(v => !v.body.equals(finding.body)).map(v => v.versionId);
    if (JSON.stringify(others) !== JSON.stringify(finding.others) || markers.length > 1) return "inconsistent";
    const record = world.record(findingId, versionId);
    const state = text(record, "state");
    const current = world.s3.current(bucket, key);
    if (!expectQuarantine) {
        return holders[0].versionId === versionId && record === undefined && copies.length === 0 ? "in place" : "inconsistent";
    }
    if (finding.shape === "replicated") {
        return state === "BLOCKED" && holders[0].versionId === versionId && copies.length === 0 && markers.length === 0 ? "blocked" : "inconsistent";
    }
    if (state === "QUARANTINED" && copies.length === 1 && text(record, "quarantineVersionId") === copies[0].versionId) {
        // The key never serves the flagged content: hidden by a delete marker, or a newer version on top.
        const hidden =
            finding.shape === "overwritten after the finding" ? current?.versionId === finding.others[0] && markers.length === 0 : current === undefined;
        return hidden ? "in quarantine" : "inconsistent";
    }
    if (state === "RELEASED" && copies.length === 0 && current?.versionId === text(record, "restoredVersionId") && current?.body.equals(finding.body))
        return "released";
    return "inconsistent";
}

async function main(): Promise<void> {
    // Silent Powertools and the member role names the object Lambdas read.
    Object.assign(process.env, REMEDIATION_ENVIRONMENT);
    const rng = random(20240501);
    const world = await createWorld({ limits: SCALED_LIMITS });
    for (const accountId of MEMBER_ACCOUNTS) {
        world.s3.configureBucket(bucketName(accountId), {
            replication: [
                {
                    ID: "to-dr-region",
                    Status: "Enabled",
                    Priority: 1,
                    Filter: { Prefix: REPLICATED_PREFIX },
                    Destination: { Bucket: `arn:aws:s3:::dr-${accountId}` },
                    DeleteMarkerReplication: { Status: "Disabled" },
                },
            ],
        });
    }
    const faults = new Faults(FAULT_RATE, rng);
    const findings = seedFindings(world, rng);
    const quarantineStats = newStats();
    const releaseStats = newStats();
    const started = performance.now();

    await inParallel(findings, finding => untilSucceeded(() => world.quarantine.run(finding.event, faults), quarantineStats));
    const quarantineDone = performance.now();

    const stateOfFinding = (f: Finding) => text(world.record(f.spec.findingId, f.spec.versionId), "state");
    const quarantined = findings.filter(f => stateOfFinding(f) === "QUARANTINED");
    const blocked = findings.filter(f => stateOfFinding(f) === "BLOCKED");
    // A version overwritten after the finding is not released over the newer content (TargetKeyOccupied).
    const toRelease = quarantined.filter((f, index) => index % 2 === 0 && f.shape !== "overwritten after the finding");
    await inParallel(toRelease, finding => untilSucceeded(() => world.release.run(releaseInput(finding), faults), releaseStats));
    // A second release of every tenth released object must change nothing.
    const releasedTwice = toRelease.filter((_, index) => index % 10 === 0);
    const before = releasedTwice.map(f => JSON.stringify(world.s3.versions(f.spec.bucket, f.spec.key).map(v => v.versionId)));
    await inParallel(releasedTwice, finding =>
        untilSucceeded(() => world.release.run(releaseInput(finding, "0d7f3d0e-5b8e-4d43-a6b1-5a54a1d0f0c2", "bob"), faults), releaseStats),
    );
    const after = releasedTwice.map(f => JSON.stringify(world.s3.versions(f.spec.bucket, f.spec.key).map(v => v.versionId)));
    const elapsed = performance.now() - started;

    const quarantineSet = new Set([...quarantined, ...blocked].map(f => f.spec.findingId));
    const verdicts = new Map<Verdict, number>();
    for (const finding of findings) {
        const v = verdict(world, finding, quarantineSet.has(finding.spec.findingId));
        verdicts.set(v, (verdicts.get(v) ?? 0) + 1);
    }
    const expectedQuarantines = findings.filter(f => {
        const detail = f.event.detail as {
            severity: { description: string };
            resourcesAffected: { s3Object: { publicAccess: boolean }; s3Bucket: { publicAccess: { effectivePermission: string } } };
        };
        return (
            detail.severity.description === "High" ||
            detail.resourcesAffected.s3Object.publicAccess ||
            detail.resourcesAffected.s3Bucket.publicAccess.effectivePermission === "PUBLIC"
        );
    }).length;
    const count = (v: Verdict) => verdicts.get(v) ?? 0;
    const shapes = (shape: Shape) => findings.filter(f => f.shape === shape).length;
    const overLimit = findings.filter(f => f.body.length > SCALED_LIMITS.maxSingleCopyBytes).length;
    const expectedBlocked = findings.filter(f => f.shape === "replicated" && quarantineSet.has(f.spec.findingId)).length;

    const lines = [
        `findings                    ${FINDINGS} (${expectedQuarantines} meet the quarantine rules, ${FINDINGS - expectedQuarantines} notify only)`,
        `fault rate                  ${(FAULT_RATE * 100).toFixed(0)}% of ${faults.invocations} task invocations: ${[...faults.injected].map(([k, n]) => `${k} ${n}`).join(", ")}`,
        `quarantine executions       ${quarantineStats.executions} (${quarantineStats.reruns} re-runs: ${quarantineStats.failed} failed, ${quarantineStats.crashed} crashed; max ${quarantineStats.maxRunsForOne} runs for one finding)`,
        `release executions          ${releaseStats.executions} for ${toRelease.length} releases + ${releasedTwice.length} repeated (${releaseStats.reruns} re-runs: ${releaseStats.failed} failed, ${releaseStats.crashed} crashed)`,
        `repeated releases unchanged ${before.filter((b, i) => b === after[i]).length}/${releasedTwice.length}`,
        `objects in place            ${count("in place")} (notify only)`,
        `objects in quarantine       ${count("in quarantine")} (tracked QUARANTINED; key hidden by a delete marker or a newer version)`,
        `objects blocked             ${count("blocked")} (replicated keys: tracked BLOCKED, nothing moved, notified)`,
        `objects released            ${count("released")} (tracked RELEASED, restored)`,
        `lost / duplicated / inconsistent  ${count("lost")} / ${count("duplicated")} / ${count("inconsistent")}`,
        `shapes                      ${shapes("older version below")} with an older version, ${shapes("overwritten after the finding")} overwritten after the finding, ${shapes("replicated")} replicated; ${overLimit} over the (scaled) 5 GiB single-copy limit`,
        `incomplete multipart uploads ${world.s3.openUploads()}`,
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
        quarantined.length + blocked.length === expectedQuarantines &&
        count("in place") + count("in quarantine") + count("released") + count("blocked") === FINDINGS &&
        count("blocked") === expectedBlocked &&
        world.s3.openUploads() === 0 &&
        before.every((b, i) => b === after[i]);
    console.log(
        ok ? "result                      OK: every object in place, in quarantine, released or blocked, and tracked" : "result                      FAILED",
    );
    process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
