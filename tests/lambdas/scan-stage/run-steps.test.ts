import { strict as assert } from "node:assert";
import { gzipSync } from "node:zlib";
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
    CreateClassificationJobCommand,
    DescribeClassificationJobCommand,
    GetFindingsCommand,
    ListFindingsCommand,
    Macie2Client,
} from "@aws-sdk/client-macie2";
import { GetObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { beginRun, judge, pollJob, startJob, type RunDeps } from "../../../lambdas/scan-stage/run-steps";

let s3: AwsClientStub<S3Client>;
let macie: AwsClientStub<Macie2Client>;
let ddb: AwsClientStub<DynamoDBClient>;
let skipped = 0;
const deps: RunDeps = {
    s3: new S3Client({ region: "eu-west-1" }),
    macie: new Macie2Client({ region: "eu-west-1" }),
    ddb: new DynamoDBClient({ region: "eu-west-1" }),
    accountId: "111122223333",
    region: "eu-west-1",
    buckets: { landing: "landing", scan: "scan" },
    lockTable: "lock",
    results: { bucket: "results", prefix: "" },
    maxObjects: 30,
    now: () => new Date("2026-12-02T10:00:00Z"),
    countSkipped: () => skipped++,
};
const run = { pipeline: "orders", runId: "run-1", startedAt: "2026-12-02T10:00:00Z", lockSeconds: 3600 };
const conditionalFailure = () => new ConditionalCheckFailedException({ $metadata: { httpStatusCode: 400 }, message: "The conditional request failed" });

describe("scan stage: run steps", () => {
    before(() => {
        s3 = mockClient(S3Client);
        macie = mockClient(Macie2Client);
        ddb = mockClient(DynamoDBClient);
    });
    // mockClient(Class) patches every instance until restored, and mocha workers run many files.
    after(() => {
        for (const m of [s3, macie, ddb]) m.restore();
    });
    afterEach(() => {
        s3.reset();
        macie.reset();
        ddb.reset();
        skipped = 0;
    });

    it("skips (and counts) a run while another holds the pipeline", async () => {
        ddb.on(PutItemCommand).rejects(conditionalFailure());
        assert.deepEqual(await beginRun(deps, run), { status: "BUSY" });
        assert.equal(skipped, 1);
        assert.equal(s3.calls().length, 0);
    });

    it("takes scan leftovers first, then landing, current versions only, bounded", async () => {
        ddb.on(PutItemCommand).resolves({});
        s3.on(ListObjectVersionsCommand, { Bucket: "scan" }).resolves({ Versions: [{ Key: "left", VersionId: "s1", IsLatest: true, Size: 1 }] });
        s3.on(ListObjectVersionsCommand, { Bucket: "landing" })
            .resolvesOnce({
                IsTruncated: true,
                NextKeyMarker: "k19",
                NextVersionIdMarker: "v",
                Versions: Array.from({ length: 20 }, (_, i) => ({ Key: `k${i}`, VersionId: `v${i}`, IsLatest: true, Size: 10 })).concat([
                    { Key: "k0", VersionId: "old", IsLatest: false, Size: 1 },
                ]),
            })
            .resolvesOnce({ Versions: Array.from({ length: 20 }, (_, i) => ({ Key: `m${i}`, VersionId: `w${i}`, IsLatest: true, Size: 10 })) });
        const begun = await beginRun(deps, run);
        assert.ok(begun.status === "STARTED");
        assert.equal(begun.objectCount, 30);
        assert.equal(begun.truncated, true);
        assert.deepEqual(
            begun.batches.map(b => b.length),
            [25, 5],
        );
        assert.deepEqual(begun.batches[0]?.[0], { bucket: "scan", key: "left", versionId: "s1", size: 1 });
        assert.ok(!begun.batches.flat().some(o => o.versionId === "old"));
        const put = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
        assert.equal(put?.Item?.expiresAt?.N, String(Date.parse(run.startedAt) / 1000 + 3600));
    });

    it("starts one job per run and backs off while it runs; a cancelled job fails the run", async () => {
        macie.on(CreateClassificationJobCommand).resolves({ jobId: "job-1" });
        assert.deepEqual(await startJob(deps, run), { jobId: "job-1", progress: "WAITING", delaySeconds: 60 });
        assert.equal(macie.commandCalls(CreateClassificationJobCommand)[0]?.args[0].input.clientToken, "run-1");
        macie.on(DescribeClassificationJobCommand).resolvesOnce({ jobStatus: "RUNNING" }).resolvesOnce({ jobStatus: "CANCELLED" });
        assert.deepEqual(await pollJob(deps, { jobId: "job-1", delaySeconds: 600 }), { jobId: "job-1", progress: "WAITING", delaySeconds: 900 });
        await assert.rejects(pollJob(deps, { jobId: "job-1", delaySeconds: 60 }), { name: "ScanJobFailed" });
    });

    it("judges the run from findings and the job's discovery results", async () => {
        macie.on(ListFindingsCommand).resolves({ findingIds: ["f1"] });
        macie.on(GetFindingsCommand).resolves({
            findings: [
                {
                    id: "f1",
                    type: "SensitiveData:S3Object/Financial",
                    severity: { description: "High" },
                    classificationDetails: { jobId: "job-1" },
                    resourcesAffected: { s3Object: { key: "b", versionId: "vb" } },
                },
            ],
        });
        const line = (key: string, versionId: string, code: string) =>
            JSON.stringify({
                classificationDetails: { jobId: "job-1", result: { status: { code, reason: code === "SKIPPED" ? "INVALID_ENCRYPTION" : null } } },
                resourcesAffected: { s3Bucket: { name: "scan" }, s3Object: { key, versionId } },
            });
        s3.on(ListObjectsV2Command).resolves({
            Contents: [{ Key: "AWSLogs/111122223333/Macie/eu-west-1/job-1/x.jsonl.gz" }, { Key: "AWSLogs/111122223333/Macie/eu-west-1/job-1/manifest.txt" }],
        });
        const file = gzipSync([line("a", "va", "COMPLETE"), line("b", "vb", "COMPLETE"), line("c", "vc", "SKIPPED")].join("\n"));
        // The SDK's stream body, reduced to the one method the step reads.
        s3.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(file) } as never });
        const verdict = await judge(deps, {
            jobId: "job-1",
            batches: [
                [
                    { key: "a", versionId: "va" },
                    { key: "b", versionId: "vb" },
                    { key: "c", versionId: "vc" },
                ],
            ],
        });
        assert.equal(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input.Prefix, "AWSLogs/111122223333/Macie/eu-west-1/job-1/");
        assert.deepEqual(verdict.clean, [[{ key: "a", versionId: "va" }]]);
        assert.deepEqual(
            verdict.review.flat().map(r => [r.key, r.why]),
            [
                ["b", "SENSITIVE_DATA"],
                ["c", "UNCLASSIFIABLE"],
            ],
        );
        assert.equal(verdict.reviewCount, 2);
    });
});
