import { strict as assert } from "node:assert";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { NoSuchKey, S3ServiceException } from "@aws-sdk/client-s3";
import { runFailureSchema } from "../../contracts/scan-stage-notices";
import { buildScanStageDefinition, FAILURE_NOT_REPORTED, UNREPORTED_FAILURES } from "../../workflows/scan-stage";
import { type LocalStage, runScanLocally, startLocalStage } from "../../support/scan-stage/run-locally";
import { StageWorld } from "../../support/scan-stage/world";
import { scanArgs } from "./scan-stage-fixtures";

describe("scan-stage workflow, executed locally", function () {
    this.timeout(120_000);
    let stage: LocalStage;
    beforeEach(async () => {
        stage = await startLocalStage();
    });
    afterEach(() => stage.close());

    const definition = buildScanStageDefinition(scanArgs({ onDeny: "delete" }));
    const retaining = buildScanStageDefinition(scanArgs({ onDeny: "retain" }));

    it("publishes a run without findings straight to scanned, asking no one", async () => {
        const world = new StageWorld();
        for (let i = 0; i < 30; i++) world.put("landing", `in/clean-${i}.csv`, "clean", { source: "etl" });
        const run = await runScanLocally(definition, world, stage, { runId: "run-clean", decide: () => assert.fail("nobody should be asked") });
        assert.equal(run.status, "SUCCEEDED", run.error);
        assert.deepEqual(world.count(), { landing: 0, scan: 0, review: 0, scanned: 30 });
        const published = world.current("scanned")[0];
        assert.equal(published?.tags.source, "etl", "the object's own tags travel with it");
        assert.equal(published?.tags["lakewarden:scan-verdict"], "CLEAN");
        assert.ok(!run.states.includes("RequestApproval"));
    });

    it("sends findings and unclassifiable objects to review; approved, they are published", async () => {
        const world = new StageWorld();
        world.put("landing", "a.csv", "clean");
        world.put("landing", "pii.csv", "sensitive");
        world.put("landing", "blob.bin", "unclassifiable");
        const run = await runScanLocally(definition, world, stage, { runId: "run-approve", decide: () => "approve" });
        assert.equal(run.status, "SUCCEEDED", run.error);
        assert.deepEqual(world.count(), { landing: 0, scan: 0, review: 0, scanned: 3 });
        const verdicts = Object.fromEntries(world.current("scanned").map(o => [o.key, o.tags["lakewarden:scan-verdict"]]));
        assert.deepEqual(verdicts, { "a.csv": "CLEAN", "pii.csv": "APPROVED", "blob.bin": "APPROVED" });
        assert.match(run.notices.find(n => n.includes("need a decision")) ?? "", /2 object\(s\) need a decision/);
    });

    it("deletes denied objects (onDeny delete) and keeps them in review (onDeny retain)", async () => {
        for (const [machine, expected] of [
            [definition, 0],
            [retaining, 1],
        ] as const) {
            const world = new StageWorld();
            world.put("landing", "pii.csv", "sensitive");
            world.put("landing", "ok.csv", "clean");
            const run = await runScanLocally(machine, world, stage, { runId: `run-deny-${expected}`, decide: () => "deny" });
            assert.equal(run.status, "SUCCEEDED", run.error);
            assert.deepEqual(world.count(), { landing: 0, scan: 0, review: expected, scanned: 1 });
        }
    });

    it("denies by timeout when nobody decides, and records it", async () => {
        const world = new StageWorld();
        world.put("landing", "pii.csv", "sensitive");
        const run = await runScanLocally(definition, world, stage, { runId: "run-timeout" });
        assert.equal(run.status, "SUCCEEDED", run.error);
        assert.ok(run.states.includes("DeniedByTimeout"));
        assert.deepEqual(world.count(), { landing: 0, scan: 0, review: 0, scanned: 0 });
    });

    it("fails the run visibly when Macie cancels the job, and loses nothing", async () => {
        const world = new StageWorld();
        world.put("landing", "a.csv", "clean");
        world.jobStatuses = ["RUNNING", "CANCELLED"];
        const run = await runScanLocally(definition, world, stage, { runId: "run-cancelled" });
        assert.equal(run.status, "FAILED");
        assert.equal(run.errorName, "ScanJobFailed");
        // One RUN_FAILED notice, its body and attributes as contracts/scan-stage-notices.ts reads them.
        assert.equal(run.failureReports.length, 1);
        const [report] = run.failureReports;
        const notice = runFailureSchema.parse(JSON.parse(report.Message));
        assert.deepEqual(
            { ...notice, cause: undefined },
            {
                event: "RUN_FAILED",
                pipeline: "orders",
                runId: "run-cancelled",
                executionArn: "arn:aws:states:eu-west-1:111122223333:execution:scan:run-cancelled",
                status: "FAILED",
                error: "ScanJobFailed",
                cause: undefined,
            },
        );
        assert.match(String(notice.cause), /CANCELLED/);
        assert.deepEqual(report.MessageAttributes, {
            event: { DataType: "String", StringValue: "RUN_FAILED" },
            pipeline: { DataType: "String", StringValue: "orders" },
            runId: { DataType: "String", StringValue: "run-cancelled" },
        });
        assert.equal(report.Subject, "lakewarden scan stage orders: run failed");
        // A caught failure ends with its own error, which the execution status rule does not report again.
        assert.ok(!(UNREPORTED_FAILURES as readonly string[]).includes(String(run.errorName)));
        assert.deepEqual(world.count(), { landing: 0, scan: 1, review: 0, scanned: 0 });
        // The next run picks the stranded object up again and finishes it.
        const next = await runScanLocally(definition, world, stage, { runId: "run-after" });
        assert.equal(next.status, "SUCCEEDED", next.error);
        assert.deepEqual(world.count(), { landing: 0, scan: 0, review: 0, scanned: 1 });
    });

    it("fails a run whose failure notice cannot be published with the error the execution status rule reports", async () => {
        const world = new StageWorld();
        world.put("landing", "a.csv", "clean");
        world.jobStatuses = ["CANCELLED"];
        const run = await runScanLocally(definition, world, stage, { runId: "run-unreported", topicUnavailable: true });
        assert.equal(run.status, "FAILED");
        assert.equal(run.errorName, FAILURE_NOT_REPORTED);
        assert.ok((UNREPORTED_FAILURES as readonly string[]).includes(FAILURE_NOT_REPORTED));
        assert.deepEqual(run.failureReports, []);
        assert.ok(run.states.includes("ReleaseLockAfterFailure"), "the lock is released before the notice");
        assert.deepEqual(world.count(), { landing: 0, scan: 1, review: 0, scanned: 0 });
    });

    it("survives a task failing mid-move: retried, every object ends in exactly one bucket", async () => {
        const world = new StageWorld();
        for (let i = 0; i < 10; i++) world.put("landing", `k${i}`, i % 3 === 0 ? "sensitive" : "clean");
        world.failMoveAt = new Set([2, 7, 12]);
        const run = await runScanLocally(definition, world, stage, { runId: "run-faults", decide: () => "approve" });
        assert.equal(run.status, "SUCCEEDED", run.error);
        assert.deepEqual(world.count(), { landing: 0, scan: 0, review: 0, scanned: 10 });
    });

    it("retries transient S3 errors (SlowDown, 500) with backoff and finishes the run", async () => {
        const world = new StageWorld();
        for (let i = 0; i < 3; i++) world.put("landing", `t${i}.csv`, "clean");
        const slowDown = () =>
            new S3ServiceException({ name: "SlowDown", $fault: "server", $metadata: { httpStatusCode: 503 }, message: "Please reduce your request rate." });
        const internal = () =>
            new S3ServiceException({
                name: "InternalError",
                $fault: "server",
                $metadata: { httpStatusCode: 500 },
                message: "We encountered an internal error.",
            });
        world.moveErrors.set(1, slowDown).set(2, internal).set(3, slowDown);
        const run = await runScanLocally(definition, world, stage, { runId: "run-transient" });
        assert.equal(run.status, "SUCCEEDED", run.error);
        assert.deepEqual(world.count(), { landing: 0, scan: 0, review: 0, scanned: 3 });
        assert.equal(run.states.filter(s => s === "MoveToScanBatch").length, 4, "one call and three retries");
        const retrier = definition.States.MoveToScan;
        assert.ok(retrier.Type === "Map");
        const batch = retrier.ItemProcessor.States.MoveToScanBatch;
        assert.ok(batch.Type === "Task");
        assert.deepEqual(batch.Retry.at(-1), {
            ErrorEquals: ["States.ALL"],
            IntervalSeconds: 2,
            MaxAttempts: 5,
            BackoffRate: 2,
            MaxDelaySeconds: 60,
            JitterStrategy: "FULL",
        });
    });

    it("fails the run at once on permanent S3 errors (AccessDenied, NoSuchKey, a disabled KMS key), losing nothing", async () => {
        const permanent: [string, () => Error][] = [
            [
                "AccessDenied",
                () => new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "Access Denied" }),
            ],
            ["NoSuchKey", () => new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: "The specified key does not exist." })],
            [
                "KMS.DisabledException",
                () =>
                    new S3ServiceException({
                        name: "KMS.DisabledException",
                        $fault: "client",
                        $metadata: { httpStatusCode: 400 },
                        message: "arn:aws:kms:eu-west-1:111122223333:key/0d1b2c3a is disabled.",
                    }),
            ],
        ];
        for (const [name, error] of permanent) {
            const world = new StageWorld();
            world.put("landing", "a.csv", "clean");
            world.moveErrors.set(1, error);
            const run = await runScanLocally(definition, world, stage, { runId: `run-${name.replace(/\W/g, "-")}` });
            assert.equal(run.status, "FAILED", name);
            assert.equal(run.errorName, name);
            assert.equal(run.states.filter(s => s === "MoveToScanBatch").length, 1, `${name}: not retried`);
            assert.equal(JSON.parse(run.failureReports[0]?.Message ?? "{}").error, name, "the notice names the error");
            assert.deepEqual(world.count(), { landing: 1, scan: 0, review: 0, scanned: 0 }, name);
        }
    });

    it("skips a second run while one holds the pipeline", async () => {
        const world = new StageWorld();
        world.put("landing", "a.csv", "clean");
        await stage.dynamo.client.send(
            new PutItemCommand({
                TableName: stage.lockTable,
                Item: { pipeline: { S: "orders" }, runId: { S: "run-active" }, expiresAt: { N: String(Date.parse("2026-12-02T10:00:00Z") / 1000 + 3600) } },
            }),
        );
        const run = await runScanLocally(definition, world, stage, { runId: "run-second" });
        assert.equal(run.status, "SUCCEEDED", run.error);
        assert.deepEqual(run.notices, ["SkippedRuns"]);
        assert.deepEqual(world.count(), { landing: 1, scan: 0, review: 0, scanned: 0 });
    });
});
