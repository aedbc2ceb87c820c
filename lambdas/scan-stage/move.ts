/**
 * The stage's moves, one batch per call: landing -> scan (tagged with the run), scan -> scanned,
 * scan -> review, review -> scanned, and deleting denied versions in review. Each object is moved
 * copy -> verify -> delete source by the shared transfer code behind ObjectMover, so an interrupted
 * batch leaves every object in exactly one bucket (or, mid-move, verified in both: the re-run
 * finishes it). Work per call is bounded: when time runs short the batch returns with `done: false`
 * and the workflow calls again with the same batch.
 */
import type { StreamProgress } from "../shared/s3-transfer/content-match";
import { InvalidScanRequest } from "./errors";
import { RUN_TAG } from "./macie-job";

type MoveAction = "landingToScan" | "scanToScanned" | "scanToReview" | "reviewToScanned" | "deleteReviewed";
export type StageBucket = "landing" | "scan" | "review" | "scanned";

/** Object tag that says why an object left the scan bucket. */
const VERDICT_TAG = "lakewarden:scan-verdict";

export interface VersionRef {
    bucket: string;
    key: string;
    versionId: string;
}

export type MoveOutcome = { state: "MOVED"; versionId: string } | { state: "PENDING"; resume?: StreamProgress };

export interface ObjectMover {
    /**
     * Moves exactly `source` to `target` (same key), adding `tags` to the object's own tags;
     * idempotent (a re-run after a crash finds the verified copy and finishes); PENDING when a
     * large copy or a streamed verification needs another call (`resume`: where the next call goes on).
     */
    move(source: VersionRef, targetBucket: string, tags: Record<string, string>, resume?: StreamProgress): Promise<MoveOutcome>;
    /** Adds tags to exactly this version. */
    tag(ref: VersionRef, tags: Record<string, string>): Promise<void>;
    /** Deletes exactly this version; a version already gone is success. */
    deleteVersion(ref: VersionRef): Promise<void>;
}

interface MoveItem {
    key: string;
    versionId: string;
    /** Where a begin-collected object is (landing, or a failed run's leftover in scan). */
    bucket?: "landing" | "scan";
    why?: "SENSITIVE_DATA" | "UNCLASSIFIABLE";
    detail?: string[];
    /** Set once this item is done; the item's version in its new bucket. */
    movedVersionId?: string;
    /** A streamed verification's progress, carried to the next call. */
    resume?: StreamProgress;
}

export interface MoveRequest {
    action: MoveAction;
    runId: string;
    batch: MoveItem[];
}

export interface MoveResult {
    runId: string;
    done: boolean;
    batch: MoveItem[];
}

const ROUTES: Record<Exclude<MoveAction, "deleteReviewed">, { from: StageBucket; to: StageBucket }> = {
    landingToScan: { from: "landing", to: "scan" },
    scanToScanned: { from: "scan", to: "scanned" },
    scanToReview: { from: "scan", to: "review" },
    reviewToScanned: { from: "review", to: "scanned" },
};

function tagsFor(action: MoveAction, runId: string, item: MoveItem): Record<string, string> {
    switch (action) {
        case "landingToScan":
            return { [RUN_TAG]: runId };
        case "scanToScanned":
            return { [VERDICT_TAG]: "CLEAN" };
        case "scanToReview":
            if (!item.why) throw new InvalidScanRequest(`review item ${item.key} has no verdict`);
            return { [VERDICT_TAG]: item.why };
        case "reviewToScanned":
            return { [VERDICT_TAG]: "APPROVED" };
        case "deleteReviewed":
            return {};
    }
}

/** The item as it is once done: its key and version in the new bucket, the verdict kept. */
function doneItem(item: MoveItem, versionId: string): MoveItem {
    return { key: item.key, versionId, ...(item.why ? { why: item.why, detail: item.detail ?? [] } : {}), movedVersionId: versionId };
}

export async function moveBatch(
    mover: ObjectMover,
    buckets: Record<StageBucket, string>,
    request: MoveRequest,
    /** Milliseconds this call may still spend; checked between objects. */
    timeLeft: () => number,
    reserveMs = 60_000,
): Promise<MoveResult> {
    const batch = [...request.batch];
    for (let i = 0; i < batch.length; i++) {
        const item = batch[i];
        if (item.movedVersionId) continue;
        if (timeLeft() < reserveMs) {
            return { runId: request.runId, done: false, batch };
        }
        if (request.action === "deleteReviewed") {
            await mover.deleteVersion({ bucket: buckets.review, key: item.key, versionId: item.versionId });
            batch[i] = { ...item, movedVersionId: item.versionId };
            continue;
        }
        const route = ROUTES[request.action];
        const from = request.action === "landingToScan" ? (item.bucket ?? "landing") : route.from;
        const source = { bucket: buckets[from], key: item.key, versionId: item.versionId };
        const tags = tagsFor(request.action, request.runId, item);
        if (from === route.to) {
            // A failed run's leftover already in scan: it joins this run by its tag.
            await mover.tag(source, tags);
            batch[i] = doneItem(item, item.versionId);
            continue;
        }
        const moved = await mover.move(source, buckets[route.to], tags, item.resume);
        if (moved.state === "PENDING") {
            const { resume: _previous, ...rest } = item;
            batch[i] = { ...rest, ...(moved.resume ? { resume: moved.resume } : {}) };
            return { runId: request.runId, done: false, batch };
        }
        batch[i] = doneItem(item, moved.versionId);
    }
    // Done: each item as it now is in its new bucket, ready to be the next move's input.
    return { runId: request.runId, done: true, batch: batch.map(({ movedVersionId: _done, ...item }) => item) };
}
