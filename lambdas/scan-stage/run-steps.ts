/**
 * The run steps of the scan-stage workflow (one Lambda, one action per call): begin (lock and
 * collect), startJob, pollJob, judge. Pure of handler concerns: tests call them with mocked clients.
 */
import { CreateClassificationJobCommand, DescribeClassificationJobCommand, type Macie2Client } from "@aws-sdk/client-macie2";
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { parseResultsFile, resultsPrefix } from "./discovery-results";
import { findingsOfJob } from "./findings";
import { jobProgress, jobRequest, type JobProgress } from "./macie-job";
import { acquireRunLock } from "./run-lock";
import { collectRun, inBatches, MAX_MANIFEST_BYTES, type StageObject } from "./run-manifest";
import { judgeRun, type ReviewItem, type RunObject } from "./verdict";

export interface RunDeps {
    s3: S3Client;
    macie: Macie2Client;
    ddb: DynamoDBClient;
    accountId: string;
    region: string;
    buckets: { landing: string; scan: string };
    lockTable: string;
    results: { bucket: string; prefix: string };
    maxObjects: number;
    now: () => Date;
    countSkipped: () => void;
}

export type BeginResult = { status: "BUSY" } | { status: "EMPTY" } | { status: "STARTED"; objectCount: number; truncated: boolean; batches: StageObject[][] };

export async function beginRun(deps: RunDeps, request: { pipeline: string; runId: string; startedAt: string; lockSeconds: number }): Promise<BeginResult> {
    if (!(await acquireRunLock(deps.ddb, deps.lockTable, request, deps.now()))) {
        deps.countSkipped();
        return { status: "BUSY" };
    }
    const { objects, truncated } = await collectRun(deps.s3, deps.buckets, { maxObjects: deps.maxObjects, maxBytes: MAX_MANIFEST_BYTES });
    if (objects.length === 0) {
        return { status: "EMPTY" };
    }
    return { status: "STARTED", objectCount: objects.length, truncated, batches: inBatches(objects) };
}

export interface JobState {
    jobId: string;
    progress: JobProgress;
    delaySeconds: number;
}

const FIRST_POLL_SECONDS = 60;
const MAX_POLL_SECONDS = 900;

export async function startJob(deps: RunDeps, request: { pipeline: string; runId: string }): Promise<JobState> {
    const created = await deps.macie.send(
        new CreateClassificationJobCommand(
            jobRequest({ pipeline: request.pipeline, runId: request.runId, accountId: deps.accountId, scanBucket: deps.buckets.scan }),
        ),
    );
    if (!created.jobId) {
        throw new Error(`CreateClassificationJob returned no job id for run ${request.runId}`);
    }
    return { jobId: created.jobId, progress: "WAITING", delaySeconds: FIRST_POLL_SECONDS };
}

export async function pollJob(deps: RunDeps, request: { jobId: string; delaySeconds: number }): Promise<JobState> {
    const job = await deps.macie.send(new DescribeClassificationJobCommand({ jobId: request.jobId }));
    const progress = jobProgress(request.jobId, job.jobStatus);
    return { jobId: request.jobId, progress, delaySeconds: Math.min(request.delaySeconds * 2, MAX_POLL_SECONDS) };
}

export interface Verdict {
    clean: RunObject[][];
    review: ReviewItem[][];
    cleanCount: number;
    reviewCount: number;
}

/** `batches`: what the landing -> scan moves report, each object with its version in the scan bucket. */
export async function judge(deps: RunDeps, request: { jobId: string; batches: RunObject[][] }): Promise<Verdict> {
    const objects = request.batches.flat();
    const findings = await findingsOfJob(deps.macie, request.jobId);
    const prefix = resultsPrefix(deps.results.prefix, deps.accountId, deps.region, request.jobId);
    const results = [];
    for await (const page of paginateListObjectsV2({ client: deps.s3 }, { Bucket: deps.results.bucket, Prefix: prefix })) {
        for (const file of page.Contents ?? []) {
            if (!file.Key?.endsWith(".jsonl.gz")) {
                continue;
            }
            const body = await deps.s3.send(new GetObjectCommand({ Bucket: deps.results.bucket, Key: file.Key }));
            const bytes = await body.Body?.transformToByteArray();
            results.push(...parseResultsFile(bytes ?? new Uint8Array(), request.jobId, deps.buckets.scan, `s3://${deps.results.bucket}/${file.Key}`));
        }
    }
    const verdict = judgeRun(objects, findings, results);
    const bare = { clean: inBatches(verdict.clean), cleanCount: verdict.clean.length, reviewCount: verdict.review.length };
    return { ...bare, review: inBatches(boundedDetail(verdict.review, MAX_VERDICT_BYTES - jsonBytes(bare))) };
}

/**
 * The verdict's share of the 256 KiB workflow state (Step Functions quotas): the run's objects (at
 * most the 128 KiB manifest) plus as much detail as fits; every object keeps its reason (`why`).
 */
const MAX_VERDICT_BYTES = 192 * 1024;
const MAX_DETAILS = 5;
const MAX_DETAIL_CHARS = 200;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

/** Review items whose details share `budget` bytes evenly (whole strings while they fit, at most 5 of 200 characters each). */
function boundedDetail(review: readonly ReviewItem[], budget: number): ReviewItem[] {
    const bare = review.map(item => ({ ...item, detail: [] as string[] }));
    const allowance = Math.floor((budget - jsonBytes(inBatches(bare))) / Math.max(1, review.length));
    return review.map((item, i) => {
        let used = 0;
        for (const text of item.detail.slice(0, MAX_DETAILS).map(d => d.slice(0, MAX_DETAIL_CHARS))) {
            const cost = jsonBytes(text) + 1;
            if (used + cost > allowance) break;
            bare[i].detail.push(text);
            used += cost;
        }
        return bare[i];
    });
}
