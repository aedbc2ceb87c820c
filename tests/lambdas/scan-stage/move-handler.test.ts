/**
 * The move Lambda (lambdas/scan-stage/move-handler.ts) as Lambda runs it: its own S3Client with the
 * session credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (Lambda
 * Developer Guide, "Defined runtime environment variables"), the stage's buckets from its environment,
 * the workflow's payloads, and the invocation's remaining time from the context. S3 is the fake under
 * the move role's documented policy (./stage-s3.ts).
 */
import { strict as assert } from "node:assert";
import type * as MoveHandler from "../../../lambdas/scan-stage/move-handler";
import { loadSilently, useStageEnvironment } from "./handler-environment";
import { ACCOUNT, BUCKETS, movePolicy, stageS3, type StageS3 } from "./stage-s3";

const { handler } = loadSilently(() => require("../../../lambdas/scan-stage/move-handler") as typeof MoveHandler);

const RUN = { pipeline: "orders", runId: "run-2024-03-11T19-30-00Z" };
/** Fifteen minutes left: Lambda's maximum timeout, as the workflow's move task uses it. */
const fresh = { getRemainingTimeInMillis: () => 900_000 };

describe("scan stage move Lambda", () => {
    let stage: StageS3;
    before(() => {
        stage = stageS3();
    });
    useStageEnvironment(() => {
        const credentials = stage.session(movePolicy());
        return {
            AWS_REGION: "eu-west-1",
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            AWS_SESSION_TOKEN: credentials.sessionToken,
            ACCOUNT_ID: ACCOUNT,
            LANDING_BUCKET: BUCKETS.landing,
            SCAN_BUCKET: BUCKETS.scan,
            REVIEW_BUCKET: BUCKETS.review,
            SCANNED_BUCKET: BUCKETS.scanned,
        };
    });
    after(() => stage.fakes.restore());

    const current = (bucket: keyof typeof BUCKETS, key: string) => stage.s3.current(BUCKETS[bucket], key);

    it("refuses a payload the workflow does not send, naming the field", async () => {
        await assert.rejects(handler({ action: "landingToScan", ...RUN, batch: [] }, fresh), { name: "InvalidScanRequest", message: /batch/ });
        await assert.rejects(handler({ action: "moveEverything", ...RUN, batch: [{ key: "a", versionId: "v" }] }, fresh), {
            name: "InvalidScanRequest",
            message: /action/,
        });
    });

    it("takes a run's objects into the scan bucket tagged with the run; a failed run's leftover in scan is only tagged", async () => {
        const landed = stage.s3.putObject(BUCKETS.landing, "in/2024-03-11.csv", Buffer.from("id\n1\n"));
        const leftover = stage.s3.putObject(BUCKETS.scan, "in/2024-03-10.csv", Buffer.from("id\n0\n"), { tags: { "lakewarden:scan-run": "run-old" } });
        const result = await handler(
            {
                action: "landingToScan",
                ...RUN,
                batch: [
                    { bucket: "landing", key: "in/2024-03-11.csv", versionId: landed },
                    { bucket: "scan", key: "in/2024-03-10.csv", versionId: leftover },
                ],
            },
            fresh,
        );
        assert.equal(result.done, true);
        const copy = current("scan", "in/2024-03-11.csv");
        assert.deepEqual(result.batch, [
            { key: "in/2024-03-11.csv", versionId: copy?.versionId },
            { key: "in/2024-03-10.csv", versionId: leftover },
        ]);
        assert.equal(copy?.tags["lakewarden:scan-run"], RUN.runId);
        assert.equal(current("scan", "in/2024-03-10.csv")?.tags["lakewarden:scan-run"], RUN.runId);
        assert.equal(current("landing", "in/2024-03-11.csv"), undefined);
    });

    it("hands the batch back undone when the invocation has less than a minute left, moving nothing", async () => {
        const version = stage.s3.putObject(BUCKETS.landing, "in/late.csv", Buffer.from("x\n"));
        const batch = [{ bucket: "landing" as const, key: "in/late.csv", versionId: version }];
        const result = await handler({ action: "landingToScan", ...RUN, batch }, { getRemainingTimeInMillis: () => 45_000 });
        assert.deepEqual(result, { runId: RUN.runId, done: false, batch });
        assert.equal(current("landing", "in/late.csv")?.versionId, version);
    });

    it("moves flagged objects to review with their verdict, and refuses a review item without one", async () => {
        const version = stage.s3.putObject(BUCKETS.scan, "in/cards.csv", Buffer.from("pan\n4111111111111111\n"));
        const flagged = { key: "in/cards.csv", versionId: version, why: "SENSITIVE_DATA" as const, detail: ["SensitiveData:S3Object/Financial High"] };
        const result = await handler({ action: "scanToReview", ...RUN, batch: [flagged] }, fresh);
        const copy = current("review", "in/cards.csv");
        assert.deepEqual(result.batch, [{ ...flagged, versionId: copy?.versionId }]);
        assert.equal(copy?.tags["lakewarden:scan-verdict"], "SENSITIVE_DATA");
        const other = stage.s3.putObject(BUCKETS.scan, "in/other.csv", Buffer.from("y\n"));
        await assert.rejects(handler({ action: "scanToReview", ...RUN, batch: [{ key: "in/other.csv", versionId: other }] }, fresh), {
            name: "InvalidScanRequest",
            message: /in\/other\.csv has no verdict/,
        });
        assert.ok(current("scan", "in/other.csv"), "nothing moved");
    });

    it("deletes exactly the denied versions in review", async () => {
        const denied = stage.s3.putObject(BUCKETS.review, "in/denied.csv", Buffer.from("ssn\n078-05-1120\n"));
        const result = await handler({ action: "deleteReviewed", ...RUN, batch: [{ key: "in/denied.csv", versionId: denied, why: "SENSITIVE_DATA" }] }, fresh);
        assert.equal(result.done, true);
        assert.deepEqual(stage.s3.versions(BUCKETS.review, "in/denied.csv"), []);
    });

    it("fails with S3's error name when the object's version is gone, so the run fails visibly", async () => {
        const version = stage.s3.putObject(BUCKETS.scan, "in/gone.csv", Buffer.from("z\n"));
        stage.s3.removeVersion(BUCKETS.scan, "in/gone.csv", version);
        await assert.rejects(handler({ action: "scanToScanned", ...RUN, batch: [{ key: "in/gone.csv", versionId: version }] }, fresh), {
            name: "ObjectVersionMissing",
        });
    });
});
