import { strict as assert } from "node:assert";
import { gzipSync } from "node:zlib";
import { GetFindingsCommand, ListFindingsCommand, Macie2Client } from "@aws-sdk/client-macie2";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { parseResultsFile, resultsPrefix } from "../../../lambdas/scan-stage/discovery-results";
import { findingsOfJob } from "../../../lambdas/scan-stage/findings";
import { jobProgress, jobRequest, RUN_TAG } from "../../../lambdas/scan-stage/macie-job";
import { judgeRun, type DiscoveryResult } from "../../../lambdas/scan-stage/verdict";

const JOB = "3ce05dbb7ec5505def334104bexample";
const objects = [
    { key: "in/a.csv", versionId: "v-a" },
    { key: "in/b with space.json", versionId: "v-b" },
    { key: "in/c.bin", versionId: "v-c" },
    { key: "in/d.zip", versionId: "v-d" },
];
const complete = (key: string, versionId: string | null): DiscoveryResult => ({ key, versionId, status: "COMPLETE", reason: null });

describe("scan stage: judging a run", () => {
    it("publishes only objects Macie analysed completely without a finding", () => {
        const verdict = judgeRun(
            objects,
            [{ findingId: "f1", type: "SensitiveData:S3Object/Personal", severity: "High", key: "in/b with space.json", versionId: "v-b" }],
            [
                complete("in/a.csv", "v-a"),
                complete("in/b with space.json", "v-b"),
                { key: "in/c.bin", versionId: "v-c", status: "SKIPPED", reason: "UNSUPPORTED_FILE_TYPE_EXCEPTION" },
            ],
        );
        assert.deepEqual(verdict.clean, [{ key: "in/a.csv", versionId: "v-a" }]);
        assert.deepEqual(
            verdict.review.map(r => [r.key, r.why, r.detail[0]]),
            [
                ["in/b with space.json", "SENSITIVE_DATA", "SensitiveData:S3Object/Personal High (finding f1)"],
                ["in/c.bin", "UNCLASSIFIABLE", "SKIPPED: UNSUPPORTED_FILE_TYPE_EXCEPTION"],
                ["in/d.zip", "UNCLASSIFIABLE", "NO_DISCOVERY_RESULT"],
            ],
        );
    });

    it("treats a result for another version of the key as no result", () => {
        const verdict = judgeRun([objects[0]], [], [complete("in/a.csv", "v-other")]);
        assert.equal(verdict.review[0]?.detail[0], "NO_DISCOVERY_RESULT");
    });

    it("flags an object whose finding names a newer version of the key", () => {
        const verdict = judgeRun(
            [objects[0]],
            [{ findingId: "f", type: "t", severity: "Low", key: "in/a.csv", versionId: "v-new" }],
            [complete("in/a.csv", "v-a")],
        );
        assert.equal(verdict.review[0]?.why, "SENSITIVE_DATA");
    });

    it("fails on findings or results for objects the run never moved", () => {
        assert.throws(() => judgeRun(objects, [{ findingId: "x", type: "t", severity: "Low", key: "other", versionId: null }], []), {
            name: "ScanResultsInconsistent",
        });
        assert.throws(() => judgeRun(objects, [], [complete("other", null)]), { name: "ScanResultsInconsistent" });
    });
});

describe("scan stage: the run's Macie job", () => {
    it("is one-time, idempotent on the run id and scoped to the run's tag", () => {
        const request = jobRequest({ pipeline: "orders", runId: "run-1", accountId: "111122223333", scanBucket: "scan" });
        assert.equal(request.jobType, "ONE_TIME");
        assert.equal(request.clientToken, "run-1");
        assert.equal(request.samplingPercentage, 100);
        assert.deepEqual(request.s3JobDefinition?.bucketDefinitions, [{ accountId: "111122223333", buckets: ["scan"] }]);
        assert.deepEqual(request.s3JobDefinition?.scoping?.includes?.and?.[0]?.tagScopeTerm?.tagValues, [{ key: RUN_TAG, value: "run-1" }]);
    });

    it("waits while running or paused, fails when cancelled or idle", () => {
        assert.equal(jobProgress(JOB, "COMPLETE"), "COMPLETE");
        for (const status of ["RUNNING", "PAUSED", "USER_PAUSED"]) {
            assert.equal(jobProgress(JOB, status), "WAITING");
        }
        for (const status of ["CANCELLED", "IDLE", undefined]) {
            assert.throws(() => jobProgress(JOB, status), { name: "ScanJobFailed" });
        }
    });
});

describe("scan stage: Macie's discovery results", () => {
    const record = (key: string, code: string, reason: string | null, extra: object = {}) =>
        JSON.stringify({
            classificationDetails: { jobId: JOB, result: { status: { code, reason }, sizeClassified: 10 } },
            resourcesAffected: { s3Bucket: { name: "scan" }, s3Object: { key, versionId: "v", ...extra } },
        });

    it("reads object-level records and skips archive members", () => {
        const body = gzipSync(
            [
                record("a", "COMPLETE", null),
                record("z.zip", "PARTIAL", "ARCHIVE_CONTAINS_UNPROCESSED_FILES"),
                record("z.zip", "COMPLETE", null, { embeddedFileDetails: { filePath: "x.csv" } }),
                "",
            ].join("\n"),
        );
        assert.deepEqual(parseResultsFile(body, JOB, "scan", "f.jsonl.gz"), [
            { key: "a", versionId: "v", status: "COMPLETE", reason: null },
            { key: "z.zip", versionId: "v", status: "PARTIAL", reason: "ARCHIVE_CONTAINS_UNPROCESSED_FILES" },
        ]);
    });

    it("refuses records of another job and names the line", () => {
        const other = record("a", "COMPLETE", null).replace(JOB, "otherjob");
        assert.throws(() => parseResultsFile(gzipSync(other), JOB, "scan", "f.jsonl.gz"), /f\.jsonl\.gz line 1/);
    });

    it("lives under the documented prefix", () => {
        assert.equal(resultsPrefix("macie/", "111122223333", "eu-west-1", JOB), `macie/AWSLogs/111122223333/Macie/eu-west-1/${JOB}/`);
    });
});

describe("scan stage: findings of the job", () => {
    let macie: AwsClientStub<Macie2Client>;
    before(() => {
        macie = mockClient(Macie2Client);
    });
    afterEach(() => macie.reset());
    after(() => macie.restore());

    it("pages ListFindings and fetches in batches of 50", async () => {
        const ids = Array.from({ length: 120 }, (_, i) => `f${i}`);
        macie
            .on(ListFindingsCommand)
            .resolvesOnce({ findingIds: ids.slice(0, 50), nextToken: "t1" })
            .resolvesOnce({ findingIds: ids.slice(50, 100), nextToken: "t2" })
            .resolvesOnce({ findingIds: ids.slice(100) });
        macie.on(GetFindingsCommand).callsFake((input: { findingIds: string[] }) => ({
            findings: input.findingIds.map(id => ({
                id,
                type: "SensitiveData:S3Object/Personal",
                severity: { description: "High", score: 3 },
                classificationDetails: { jobId: JOB },
                resourcesAffected: { s3Object: { key: `k/${id}`, versionId: null } },
            })),
        }));
        const found = await findingsOfJob(new Macie2Client({ region: "eu-west-1" }), JOB);
        assert.equal(found.length, 120);
        assert.deepEqual(
            macie.commandCalls(GetFindingsCommand).map(c => c.args[0].input.findingIds?.length),
            [50, 50, 20],
        );
        assert.deepEqual(macie.commandCalls(ListFindingsCommand)[0]?.args[0].input.findingCriteria, {
            criterion: { "classificationDetails.jobId": { eq: [JOB] } },
        });
        assert.equal(found[0]?.versionId, null);
    });

    it("fails when GetFindings returns fewer findings than asked", async () => {
        macie.on(ListFindingsCommand).resolves({ findingIds: ["a", "b"] });
        macie
            .on(GetFindingsCommand)
            .resolves({ findings: [{ id: "a", classificationDetails: { jobId: JOB }, resourcesAffected: { s3Object: { key: "k" } } }] });
        await assert.rejects(findingsOfJob(new Macie2Client({ region: "eu-west-1" }), JOB), { name: "ScanResultsInconsistent" });
    });
});
