/**
 * The run Lambda (lambdas/scan-stage/run-handler.ts) on Macie's own shapes: DescribeClassificationJob
 * responses in every job status (tests/fixtures/aws/macie/describe-classification-job-complete.json),
 * a real sensitive data finding through ListFindings/GetFindings, and a discovery results file with
 * the documented SKIPPED / PARTIAL reasons (tests/fixtures/aws/macie/SOURCES.md). SDK errors are the
 * SDK's own exception classes.
 */
import { strict as assert } from "node:assert";
import { gzipSync } from "node:zlib";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
    CreateClassificationJobCommand,
    DescribeClassificationJobCommand,
    type DescribeClassificationJobCommandOutput,
    type Finding,
    GetFindingsCommand,
    ListFindingsCommand,
    Macie2Client,
    ResourceNotFoundException,
    ThrottlingException,
} from "@aws-sdk/client-macie2";
import { GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as RunHandler from "../../../lambdas/scan-stage/run-handler";
import type { JobState, Verdict } from "../../../lambdas/scan-stage/run-steps";
import { awsFixture } from "../../fixtures/aws/load";
import { loadSilently, useStageEnvironment } from "./handler-environment";

const { handler } = loadSilently(() => require("../../../lambdas/scan-stage/run-handler") as typeof RunHandler);

/** The real job's identity (finding-custom-identifier-public-csv.json): account, region, job, bucket. */
const ACCOUNT = "843257763552";
const REGION = "us-east-1";
const JOB = "8df4fca1eccfdae45d8b936a21f1882d";
const SCAN_BUCKET = "whizlabs.183836.81670451";
const RESULTS_BUCKET = `macie-results-${ACCOUNT}`;
const RUN = { pipeline: "orders", runId: "run-2024-03-11T19-30-00Z" };

const ENVIRONMENT = {
    ACCOUNT_ID: ACCOUNT,
    AWS_REGION: REGION,
    LANDING_BUCKET: "orders-landing",
    SCAN_BUCKET,
    LOCK_TABLE: "orders-scan-lock",
    RESULTS_BUCKET,
    RESULTS_PREFIX: "",
    MAX_OBJECTS_PER_RUN: "500",
};

/** DescribeClassificationJob as the SDK returns it: the documented JSON with its timestamps as Dates. */
function describeJob(change: (job: Record<string, any>) => void = () => {}): DescribeClassificationJobCommandOutput {
    const job = awsFixture("macie/describe-classification-job-complete.json");
    change(job);
    for (const field of ["createdAt", "lastRunTime"]) job[field] = new Date(job[field]);
    if (job.userPausedDetails) {
        for (const field of ["jobPausedAt", "jobExpiresAt"]) job.userPausedDetails[field] = new Date(job.userPausedDetails[field]);
    }
    return { $metadata: { httpStatusCode: 200 }, ...job };
}

/** The real finding, timestamps as Dates (the SDK's deserialiser). */
function realFinding(): Finding {
    const finding = awsFixture("macie/finding-custom-identifier-public-csv.json");
    return { ...finding, createdAt: new Date(finding.createdAt), updatedAt: new Date(finding.updatedAt) };
}

/** What the run Lambda answers pollJob and judge with. */
const poll = async (payload: object): Promise<JobState> => (await handler(payload)) as JobState;
const judged = async (payload: object): Promise<Verdict> => (await handler(payload)) as Verdict;

describe("scan stage run Lambda: environment", () => {
    useStageEnvironment({ ...ENVIRONMENT, RESULTS_PREFIX: undefined });

    it("refuses a payload that is no run step, naming the field, before reading its environment", async () => {
        await assert.rejects(handler({ action: "judge", ...RUN, jobId: JOB }), (error: Error) => {
            assert.equal(error.name, "InvalidScanRequest");
            assert.match(error.message, /batches/);
            return true;
        });
    });

    it("names RESULTS_PREFIX when it is unset (empty means the bucket's root)", async () => {
        await assert.rejects(handler({ action: "pollJob", ...RUN, jobId: JOB, delaySeconds: 60 }), {
            name: "InvalidScanRequest",
            message: /RESULTS_PREFIX is not set/,
        });
    });
});

describe("scan stage run Lambda on Macie's shapes", () => {
    useStageEnvironment(ENVIRONMENT);
    let macie: AwsClientStub<Macie2Client>;
    let s3: AwsClientStub<S3Client>;
    let ddb: AwsClientStub<DynamoDBClient>;
    // mockClient(Class) patches every instance (the handler's own clients) until restored.
    before(() => {
        macie = mockClient(Macie2Client);
        s3 = mockClient(S3Client);
        ddb = mockClient(DynamoDBClient);
    });
    after(() => {
        for (const m of [macie, s3, ddb]) m.restore();
    });
    afterEach(() => {
        for (const m of [macie, s3, ddb]) m.reset();
    });

    it("starts one job for the run, idempotent on the run id, and polls it after a minute", async () => {
        macie.on(CreateClassificationJobCommand).resolves({ jobId: JOB, jobArn: `arn:aws:macie2:${REGION}:${ACCOUNT}:classification-job/${JOB}` });
        assert.deepEqual(await handler({ action: "startJob", ...RUN }), { jobId: JOB, progress: "WAITING", delaySeconds: 60 });
        const created = macie.commandCalls(CreateClassificationJobCommand)[0]?.args[0].input;
        assert.equal(created?.clientToken, RUN.runId);
        assert.deepEqual(created?.s3JobDefinition?.bucketDefinitions, [{ accountId: ACCOUNT, buckets: [SCAN_BUCKET] }]);
    });

    it("ends the wait on COMPLETE, also when Macie reports errors for the run (unanalysed objects have no result and go to review)", async () => {
        macie
            .on(DescribeClassificationJobCommand, { jobId: JOB })
            .resolvesOnce(describeJob())
            .resolvesOnce(
                // lastRunErrorStatus ERROR: "Macie didn't process all the data specified for the job" (LastRunErrorStatus, Macie API Reference).
                describeJob(job => (job.lastRunErrorStatus = { code: "ERROR" })),
            );
        for (let i = 0; i < 2; i++) {
            assert.deepEqual(await poll({ action: "pollJob", ...RUN, jobId: JOB, delaySeconds: 60 }), { jobId: JOB, progress: "COMPLETE", delaySeconds: 120 });
        }
    });

    it("keeps waiting, with backoff up to 15 minutes, while RUNNING, PAUSED (quota) or USER_PAUSED", async () => {
        const waiting = [
            // jobStatus and statistics changed: a run still processing objects.
            describeJob(job => Object.assign(job, { jobStatus: "RUNNING", statistics: { approximateNumberOfObjectsToProcess: 412, numberOfRuns: 1 } })),
            // PAUSED: "additional processing would exceed the monthly sensitive data discovery quota" (JobStatus, Macie API Reference).
            describeJob(job => (job.jobStatus = "PAUSED")),
            // USER_PAUSED carries userPausedDetails (present only in that status); the job is cancelled at jobExpiresAt.
            describeJob(job =>
                Object.assign(job, {
                    jobStatus: "USER_PAUSED",
                    userPausedDetails: { jobPausedAt: "2024-03-11T19:45:00.000Z", jobExpiresAt: "2024-04-10T19:45:00.000Z" },
                }),
            ),
        ];
        macie.on(DescribeClassificationJobCommand).resolvesOnce(waiting[0]).resolvesOnce(waiting[1]).resolvesOnce(waiting[2]);
        const delays = [];
        let delaySeconds = 300;
        for (let i = 0; i < waiting.length; i++) {
            const polled = await poll({ action: "pollJob", ...RUN, jobId: JOB, delaySeconds });
            assert.equal(polled.progress, "WAITING");
            delays.push((delaySeconds = polled.delaySeconds));
        }
        assert.deepEqual(delays, [600, 900, 900]);
    });

    it("fails the run on CANCELLED and on IDLE (recurring jobs only), naming the job and status", async () => {
        macie
            .on(DescribeClassificationJobCommand)
            .resolvesOnce(describeJob(job => (job.jobStatus = "CANCELLED")))
            .resolvesOnce(describeJob(job => (job.jobStatus = "IDLE")));
        for (const status of ["CANCELLED", "IDLE"]) {
            await assert.rejects(handler({ action: "pollJob", ...RUN, jobId: JOB, delaySeconds: 60 }), {
                name: "ScanJobFailed",
                message: `Macie job ${JOB} is ${status}; the run cannot be judged`,
            });
        }
    });

    it("lets Macie's own errors through by name, for the workflow's Retry and Catch", async () => {
        macie.on(DescribeClassificationJobCommand).rejectsOnce(
            new ResourceNotFoundException({
                $metadata: { httpStatusCode: 404 },
                message: "The request failed because the specified resource wasn't found.",
            }),
        );
        await assert.rejects(handler({ action: "pollJob", ...RUN, jobId: "0000", delaySeconds: 60 }), { name: "ResourceNotFoundException" });
        macie.on(ListFindingsCommand).rejectsOnce(
            new ThrottlingException({
                $metadata: { httpStatusCode: 429 },
                message: "The request failed because you sent too many requests during a certain amount of time.",
            }),
        );
        await assert.rejects(handler({ action: "judge", ...RUN, jobId: JOB, batches: [[{ key: "a.csv", versionId: "v1" }]] }), { name: "ThrottlingException" });
    });

    describe("judging the real job", () => {
        const resultsKey = (): string => {
            // The results file the real finding points at: s3://<results bucket>/<key>.
            const location: string = realFinding().classificationDetails?.detailedResultsLocation ?? "";
            return location.replace(/^s3:\/\/[^/]+\//, "");
        };
        const run = [
            { key: "sample_data.csv", versionId: "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nrjfkd" },
            { key: "orders/2024-03-11.csv", versionId: "v2.orders" },
            { key: "exports/report.numbers", versionId: "v3.numbers" },
            { key: "kms/cards.csv", versionId: "v4.cards" },
            { key: "archives/batch.zip", versionId: "v5.zip" },
            { key: "late/arrival.csv", versionId: "v6.late" },
        ];

        function macieSaysWhatItFound(): void {
            const finding = realFinding();
            macie.on(ListFindingsCommand).resolves({ findingIds: [finding.id ?? ""] });
            macie.on(GetFindingsCommand, { findingIds: [finding.id ?? ""] }).resolves({ findings: [finding] });
        }

        function resultsBucketHolds(file: Uint8Array): void {
            s3.on(ListObjectsV2Command, { Bucket: RESULTS_BUCKET, Prefix: `AWSLogs/${ACCOUNT}/Macie/${REGION}/${JOB}/` }).resolves({
                Contents: [{ Key: resultsKey(), Size: file.length }],
                KeyCount: 1,
                IsTruncated: false,
            });
            // The SDK's stream body, reduced to the one method the step reads.
            s3.on(GetObjectCommand, { Bucket: RESULTS_BUCKET, Key: resultsKey() }).resolves({ Body: { transformToByteArray: async () => file } as never });
        }

        it("publishes only what Macie analysed completely without a finding; SKIPPED, PARTIAL and missing results go to review", async () => {
            macieSaysWhatItFound();
            resultsBucketHolds(gzipSync(readFileSync(join(__dirname, "../../fixtures/aws/macie/discovery-results.jsonl"))));
            const verdict = await judged({ action: "judge", ...RUN, jobId: JOB, batches: [run] });
            assert.deepEqual(verdict.clean, [[{ key: "orders/2024-03-11.csv", versionId: "v2.orders" }]]);
            assert.deepEqual(
                verdict.review.flat().map(item => [item.key, item.why, item.detail]),
                [
                    ["sample_data.csv", "SENSITIVE_DATA", ["SensitiveData:S3Object/CustomIdentifier Medium (finding ba3c75616234b8a67797b8000371aaba)"]],
                    ["exports/report.numbers", "UNCLASSIFIABLE", ["SKIPPED: UNSUPPORTED_FILE_TYPE_EXCEPTION"]],
                    ["kms/cards.csv", "UNCLASSIFIABLE", ["SKIPPED: INVALID_ENCRYPTION"]],
                    ["archives/batch.zip", "UNCLASSIFIABLE", ["PARTIAL: ARCHIVE_CONTAINS_UNPROCESSED_FILES"]],
                    ["late/arrival.csv", "UNCLASSIFIABLE", ["NO_DISCOVERY_RESULT"]],
                ],
            );
            assert.deepEqual([verdict.cleanCount, verdict.reviewCount], [1, 5]);
            assert.deepEqual(macie.commandCalls(ListFindingsCommand)[0]?.args[0].input.findingCriteria, {
                criterion: { "classificationDetails.jobId": { eq: [JOB] } },
            });
        });

        it("fails the run when the results bucket refuses the read (the results key not granted), never publishing", async () => {
            macieSaysWhatItFound();
            s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: resultsKey() }] });
            // What S3 answers a GetObject of an SSE-KMS object whose key the caller may not use.
            s3.on(GetObjectCommand).rejects(
                new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "Access Denied" }),
            );
            await assert.rejects(handler({ action: "judge", ...RUN, jobId: JOB, batches: [run] }), { name: "AccessDenied" });
        });

        it("fails the run on a results file of another job under the job's prefix", async () => {
            macieSaysWhatItFound();
            const other = readFileSync(join(__dirname, "../../fixtures/aws/macie/discovery-results.jsonl"), "utf8")
                .split(JOB)
                .join("3ce05dbb7ec5505def334104bexample");
            resultsBucketHolds(gzipSync(other));
            await assert.rejects(handler({ action: "judge", ...RUN, jobId: JOB, batches: [run] }), {
                name: "ScanResultsInconsistent",
                message: /line 1 is for job 3ce05dbb7ec5505def334104bexample/,
            });
        });
    });

    it("begins a run: lock first, then the scan bucket's leftovers and landing", async () => {
        ddb.on(PutItemCommand).resolves({});
        s3.on(ListObjectVersionsCommand, { Bucket: SCAN_BUCKET }).resolves({ Versions: [] });
        s3.on(ListObjectVersionsCommand, { Bucket: "orders-landing" }).resolves({
            Versions: [{ Key: "sample_data.csv", VersionId: "v1", IsLatest: true, Size: 80 }],
        });
        const begun = await handler({ action: "begin", ...RUN, startedAt: "2024-03-11T19:30:00.000Z", lockSeconds: 86400 });
        assert.deepEqual(begun, {
            status: "STARTED",
            objectCount: 1,
            truncated: false,
            batches: [[{ bucket: "landing", key: "sample_data.csv", versionId: "v1", size: 80 }]],
        });
        assert.equal(ddb.commandCalls(PutItemCommand)[0]?.args[0].input.TableName, "orders-scan-lock");
    });
});
