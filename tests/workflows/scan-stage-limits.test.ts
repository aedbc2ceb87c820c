/**
 * Step Functions quotas the local executor does not enforce, computed on runs of the real scan-stage
 * definition with the real step code: a run of MAX_OBJECTS_PER_RUN objects stays under 25,000
 * history events and 256 KiB per state, also at its worst (every object flagged, reviewed and
 * approved, so three moves each; the Macie job polled until the run's timeout; objects whose
 * manifest fills the 128 KiB bound).
 */
import assert from "node:assert/strict";
import { MAX_MANIFEST_BYTES } from "../../lambdas/scan-stage/run-manifest";
import { S3_COPY_LIMITS } from "../../lambdas/shared/s3-transfer/copy-plan";
import { type LocalStage, runScanLocally, startLocalStage } from "../../support/scan-stage/run-locally";
import { StageWorld, type Content } from "../../support/scan-stage/world";
import { historyEvents, largestStateBytes, MAX_STATE_BYTES } from "../../support/step-functions/history";
import { MAX_HISTORY_EVENTS } from "../../workflows/asl";
import { buildScanStageDefinition } from "../../workflows/scan-stage";
import { scanArgs } from "./scan-stage-fixtures";

/** The largest run the stage takes (config: at most 1,000 objects per run). */
const MAX_OBJECTS_PER_RUN = 1000;
// The poll step's backoff (run-steps.ts): 60 s doubling to 900 s.
const FIRST_POLL_SECONDS = 60;
const MAX_POLL_SECONDS = 900;
/** The largest S3 object (S3 User Guide, "Uploading and copying objects using multipart upload": 5 TiB). */
const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

interface Measure {
    events: number;
    bytes: number;
}

/** Polls a job can take before the run's timeout ends the run: waits of 60, 120, ... 900, 900 s. */
function pollsWithin(seconds: number): number {
    let polls = 1;
    let waited = 0;
    for (let delay = FIRST_POLL_SECONDS; waited + delay <= seconds; delay = Math.min(delay * 2, MAX_POLL_SECONDS)) {
        waited += delay;
        polls++;
    }
    return polls;
}

describe("Step Functions limits on the real scan-stage definition", function () {
    this.timeout(600_000);
    let stage: LocalStage;
    beforeEach(async () => {
        stage = await startLocalStage();
    });
    afterEach(() => stage.close());

    const args = scanArgs({ onDeny: "delete" });
    const definition = buildScanStageDefinition(args);

    async function measure(
        objects: number,
        options: { content?: Content; polls?: number; keyLength?: number; pending?: number; runId: string },
    ): Promise<Measure & { taken: number }> {
        const world = new StageWorld();
        const pad = "x".repeat(Math.max(0, (options.keyLength ?? 40) - 30));
        for (let i = 0; i < objects; i++) world.put("landing", `in/${pad}/part-${String(i).padStart(6, "0")}.parquet`, options.content ?? "sensitive");
        if (options.pending) world.pendingMoves.set(world.current("landing")[0].key, options.pending);
        world.jobStatuses = Array.from({ length: (options.polls ?? 1) - 1 }, () => "RUNNING");
        const run = await runScanLocally(definition, world, stage, { runId: options.runId, decide: () => "approve", maxObjects: MAX_OBJECTS_PER_RUN });
        assert.equal(run.status, "SUCCEEDED", run.error);
        const taken = world.count().scanned;
        return { events: historyEvents(run.events), bytes: largestStateBytes(run.events), taken };
    }

    it("a run of 1,000 flagged-and-approved objects, polled to its timeout, fits 25,000 events and 256 KiB", async () => {
        // Costs measured on runs of the real definition: per batch of 25 objects, per poll, per PENDING move call.
        const base = await measure(25, { runId: "r-25" });
        const twoBatches = await measure(50, { runId: "r-50" });
        const perBatch = twoBatches.events - base.events;
        const perPoll = ((await measure(25, { polls: 3, runId: "r-poll" })).events - base.events) / 2;
        const perPending = ((await measure(25, { pending: 4, runId: "r-pending" })).events - base.events) / 4;
        const full = await measure(MAX_OBJECTS_PER_RUN, { runId: "r-1000" });
        assert.equal(full.taken, MAX_OBJECTS_PER_RUN, "the whole run was taken");
        const batches = MAX_OBJECTS_PER_RUN / 25;
        assert.equal(full.events, base.events + (batches - 1) * perBatch, "the model reproduces the 1,000-object run it was not fitted on");

        // Worst case: the job polled until the run's timeout ends the run.
        const polls = pollsWithin(args.timeoutSeconds);
        const worst = full.events + (polls - 1) * perPoll;
        const headroom = MAX_HISTORY_EVENTS - worst;
        const pendingCalls = Math.floor(headroom / perPending);
        // Each PENDING call of a multipart copy has moved maxBytesPerInvocation; an object moves at most three times.
        const largestObjectMoves = Math.ceil(MAX_OBJECT_BYTES / S3_COPY_LIMITS.maxBytesPerInvocation) * 3;
        console.log(
            `      events: ${base.events} for one batch, ${perBatch} per further batch, ${perPoll} per poll, ${perPending} per PENDING move call; ` +
                `1,000 objects ${full.events}, polled ${polls} times to the ${args.timeoutSeconds} s timeout ${worst}; ` +
                `headroom ${headroom} events = ${pendingCalls} PENDING calls (${largestObjectMoves} for a 5 TiB object moved three times); ` +
                `largest state ${full.bytes} B`,
        );
        assert.ok(worst <= MAX_HISTORY_EVENTS, `${worst} events`);
        assert.ok(pendingCalls >= largestObjectMoves, "a 5 TiB object's three resumable moves fit the rest of the history");
        assert.ok(full.bytes <= MAX_STATE_BYTES, `${full.bytes} B`);
    });

    it("a manifest filled to its 128 KiB bound (long keys) keeps every state under 256 KiB", async () => {
        // Keys long enough that the manifest's byte bound, not the count, ends the run.
        const keyLength = 300;
        const objects = 500;
        const run = await measure(objects, { keyLength, runId: "r-long" });
        assert.ok(run.taken < objects, `the byte bound truncated the run (${run.taken} of ${objects} taken)`);
        console.log(
            `      ${keyLength}-character keys: ${run.taken} objects fill the ${MAX_MANIFEST_BYTES} B manifest; largest state ${run.bytes} B, ${run.events} events`,
        );
        assert.ok(run.bytes <= MAX_STATE_BYTES, `${run.bytes} B`);
    });
});
