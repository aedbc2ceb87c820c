/**
 * S3StageMover (lambdas/scan-stage/s3-mover.ts) over the SDK's S3Client, routed by aws-sdk-client-mock
 * to the stateful S3 fake (support/remediation/fake-s3.ts), which authorises every request against
 * the session's policy: here the move Lambda's IAM contract as lambdas/scan-stage/move-handler.ts
 * documents it, so a call outside that contract fails as it would in AWS. Errors are the SDK's own
 * exception classes (S3ServiceException, NotFound, NoSuchKey) as the fake raises them.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import type { CopyLimits } from "../../../lambdas/shared/s3-transfer/copy-plan";
import { S3ObjectStore } from "../../../lambdas/shared/s3-transfer/s3-object-store";
import type { MoveOutcome, VersionRef } from "../../../lambdas/scan-stage/move";
import { S3StageMover } from "../../../lambdas/scan-stage/s3-mover";
import { s3Error } from "../../../support/remediation/fake-s3";
import type { PolicyDoc } from "../../../support/remediation/iam-eval";
import { ACCOUNT, BUCKETS, movePolicy, stageS3, type StageS3 } from "./stage-s3";

const S3_LIKE: CopyLimits = { maxSingleCopyBytes: 5 * 1024 ** 3, minPartBytes: 512 * 1024 ** 2, maxParts: 10_000, maxBytesPerInvocation: 100 * 1024 ** 3 };
/** Scaled down so a 384 KiB object takes the multipart path in 64 KiB parts, two parts per call. */
const KiB = 1024;
const SMALL: CopyLimits = { maxSingleCopyBytes: 256 * KiB, minPartBytes: 64 * KiB, maxParts: 10_000, maxBytesPerInvocation: 128 * KiB };

describe("scan stage S3StageMover on S3", () => {
    let stage: StageS3;
    let s3: StageS3["s3"];

    /** A mover whose S3 client carries a session of the move role with `policy`. */
    function moverWith(policy: PolicyDoc, limits: CopyLimits = S3_LIKE, accountId = ACCOUNT): S3StageMover {
        const client = new S3Client({ region: "eu-west-1", credentials: stage.session(policy) });
        return new S3StageMover(client, new S3ObjectStore(client, accountId, limits), accountId, limits);
    }

    function world(maxSingleCopyBytes?: number): void {
        stage = stageS3(maxSingleCopyBytes);
        s3 = stage.s3;
    }

    // The fake is stateful per test; its client mock is installed and restored with it.
    afterEach(() => stage.fakes.restore());

    const at = (bucket: keyof typeof BUCKETS, key: string, versionId: string): VersionRef => ({ bucket: BUCKETS[bucket], key, versionId });
    const keysIn = (bucket: keyof typeof BUCKETS) => s3.listVersions(BUCKETS[bucket]).map(e => `${e.key}@${e.version.versionId}`);

    it("moves exactly the version: copy with its own tags and metadata plus the stage's, verified, then the source version deleted", async () => {
        world();
        const older = s3.putObject(BUCKETS.landing, "in/orders 2024.csv", Buffer.from("id,total\n1,10\n"));
        const current = s3.putObject(BUCKETS.landing, "in/orders 2024.csv", Buffer.from("id,total\n1,10\n2,20\n"), {
            contentType: "text/csv",
            metadata: { source: "erp" },
            tags: { BucketOwner: "sales" },
        });
        const moved = await moverWith(movePolicy()).move(at("landing", "in/orders 2024.csv", current), BUCKETS.scan, { "lakewarden:scan-run": "run-1" });
        assert.equal(moved.state, "MOVED");
        const copy = s3.current(BUCKETS.scan, "in/orders 2024.csv");
        assert.equal(moved.state === "MOVED" && moved.versionId, copy?.versionId);
        assert.deepEqual(copy?.tags, { BucketOwner: "sales", "lakewarden:scan-run": "run-1", "lakewarden:moved-from": current });
        assert.deepEqual([copy?.contentType, copy?.metadata, copy?.body.toString()], ["text/csv", { source: "erp" }, "id,total\n1,10\n2,20\n"]);
        // Only the moved version left landing; the older one is not the mover's to touch.
        assert.deepEqual(
            s3.versions(BUCKETS.landing, "in/orders 2024.csv").map(v => v.versionId),
            [older],
        );
    });

    it("finishes a move a failed call left verified in both buckets, without a second copy", async () => {
        world();
        const version = s3.putObject(BUCKETS.landing, "a.csv", Buffer.from("a,b\n"));
        // First call: a role without s3:DeleteObjectVersion on landing gets the copy made and verified, then AccessDenied.
        const crippled = moverWith(movePolicy([{ action: "s3:DeleteObjectVersion", bucket: "landing" }]));
        await assert.rejects(crippled.move(at("landing", "a.csv", version), BUCKETS.scan, { "lakewarden:scan-run": "run-1" }), { name: "AccessDenied" });
        assert.equal(keysIn("scan").length, 1);
        assert.equal(keysIn("landing").length, 1);
        // The re-run (fixed role) finds its earlier copy by the moved-from tag and only deletes.
        const moved = await moverWith(movePolicy()).move(at("landing", "a.csv", version), BUCKETS.scan, { "lakewarden:scan-run": "run-1" });
        assert.deepEqual(moved, { state: "MOVED", versionId: s3.current(BUCKETS.scan, "a.csv")?.versionId });
        assert.deepEqual([keysIn("landing").length, keysIn("scan").length], [0, 1]);
    });

    it("reports MOVED when an earlier call already deleted the source, and fails when the source is gone without a copy", async () => {
        world();
        const mover = moverWith(movePolicy());
        const version = s3.putObject(BUCKETS.scan, "b.csv", Buffer.from("b\n"));
        const first = await mover.move(at("scan", "b.csv", version), BUCKETS.scanned, { "lakewarden:scan-verdict": "CLEAN" });
        assert.deepEqual(await mover.move(at("scan", "b.csv", version), BUCKETS.scanned, { "lakewarden:scan-verdict": "CLEAN" }), first);
        assert.equal(keysIn("scanned").length, 1);
        const lost = s3.putObject(BUCKETS.scan, "c.csv", Buffer.from("c\n"));
        s3.removeVersion(BUCKETS.scan, "c.csv", lost);
        await assert.rejects(mover.move(at("scan", "c.csv", lost), BUCKETS.scanned, {}), {
            name: "ObjectVersionMissing",
            message: /c\.csv version .* is gone/,
        });
        assert.equal(s3.current(BUCKETS.scanned, "c.csv"), undefined);
    });

    it("copies above the single-copy limit in parts across calls (PENDING), keeping the stage's tags, with one upload", async () => {
        world(SMALL.maxSingleCopyBytes);
        const body = randomBytes(384 * KiB);
        const version = s3.putObject(BUCKETS.scan, "big.parquet", body, { checksum: { algorithm: "CRC64NVME" }, tags: { BucketOwner: "sales" } });
        const mover = moverWith(movePolicy(), SMALL);
        const states: MoveOutcome["state"][] = [];
        let outcome: MoveOutcome;
        do {
            outcome = await mover.move(at("scan", "big.parquet", version), BUCKETS.review, { "lakewarden:scan-verdict": "SENSITIVE_DATA" });
            states.push(outcome.state);
            assert.ok(s3.openUploads() <= 1, "one open upload at most");
        } while (outcome.state === "PENDING" && states.length < 10);
        assert.deepEqual(states, ["PENDING", "PENDING", "MOVED"]);
        const copy = s3.current(BUCKETS.review, "big.parquet");
        assert.ok(copy?.body.equals(body));
        assert.deepEqual(copy?.tags, { BucketOwner: "sales", "lakewarden:scan-verdict": "SENSITIVE_DATA", "lakewarden:moved-from": version });
        assert.deepEqual([s3.openUploads(), keysIn("scan").length], [0, 0]);
    });

    it("verifies by reading the source a bounded window per call when no checksum compares (resume carried between calls)", async () => {
        world(SMALL.maxSingleCopyBytes);
        const body = randomBytes(320 * KiB);
        // A full-object SHA-256 above the single-copy limit: no multipart SHA full-object checksum exists, so the copy is read back.
        const version = s3.putObject(BUCKETS.review, "wide.csv", body, { checksum: { algorithm: "SHA256" } });
        const mover = moverWith(movePolicy(), SMALL);
        const outcomes: MoveOutcome[] = [];
        let resume: Extract<MoveOutcome, { state: "PENDING" }>["resume"];
        for (let call = 0; call < 10; call++) {
            const outcome = await mover.move(at("review", "wide.csv", version), BUCKETS.scanned, { "lakewarden:scan-verdict": "APPROVED" }, resume);
            outcomes.push(outcome);
            if (outcome.state === "MOVED") break;
            resume = outcome.resume;
        }
        assert.equal(outcomes.at(-1)?.state, "MOVED");
        assert.ok(
            outcomes.some(o => o.state === "PENDING" && o.resume),
            "a streamed verification hands its progress to the next call",
        );
        assert.ok(s3.current(BUCKETS.scanned, "wide.csv")?.body.equals(body));
    });

    it("aborts the open upload on a permanent error, and keeps it for the retry on a transient one", async () => {
        world(SMALL.maxSingleCopyBytes);
        const body = randomBytes(384 * KiB);
        const version = s3.putObject(BUCKETS.scan, "p.bin", body, { checksum: { algorithm: "CRC32" } });
        const mover = moverWith(movePolicy(), SMALL);
        s3.failCall("uploadPartCopy", 1);
        await assert.rejects(mover.move(at("scan", "p.bin", version), BUCKETS.review, {}), { name: "InternalError" });
        assert.equal(s3.openUploads(), 1, "a 500 is retried: the upload and its parts stay");
        s3.failCall("uploadPartCopy", 1, s3Error("AccessDenied", 403, "Access Denied"));
        await assert.rejects(mover.move(at("scan", "p.bin", version), BUCKETS.review, {}), { name: "AccessDenied" });
        assert.equal(s3.openUploads(), 0, "a permanent error aborts the upload: nothing half-copied stays billed");
        assert.equal(keysIn("scan").length, 1, "the source is kept");
    });

    it("tags exactly one version and deletes exactly one; a version already gone is success", async () => {
        world();
        const mover = moverWith(movePolicy());
        const first = s3.putObject(BUCKETS.scan, "left.csv", Buffer.from("1"), { tags: { BucketOwner: "sales" } });
        const second = s3.putObject(BUCKETS.scan, "left.csv", Buffer.from("2"));
        await mover.tag(at("scan", "left.csv", second), { "lakewarden:scan-run": "run-2" });
        assert.deepEqual(
            s3.versions(BUCKETS.scan, "left.csv").map(v => v.tags),
            [{ BucketOwner: "sales" }, { "lakewarden:scan-run": "run-2" }],
        );
        const denied = s3.putObject(BUCKETS.review, "denied.csv", Buffer.from("x"));
        await mover.deleteVersion(at("review", "denied.csv", denied));
        await mover.deleteVersion(at("review", "denied.csv", denied));
        assert.deepEqual(s3.versions(BUCKETS.review, "denied.csv"), []);
        assert.deepEqual(
            s3.versions(BUCKETS.scan, "left.csv").map(v => v.versionId),
            [first, second],
        );
    });

    it("stays inside the move role's documented permissions, and fails visibly outside them", async () => {
        world();
        const version = s3.putObject(BUCKETS.landing, "d.csv", Buffer.from("d\n"));
        // Without s3:ListBucketVersions on the target the mover cannot look for an earlier copy: it must not copy blind.
        const blind = moverWith(movePolicy([{ action: "s3:ListBucketVersions", bucket: "scan" }]));
        await assert.rejects(blind.move(at("landing", "d.csv", version), BUCKETS.scan, {}), { name: "AccessDenied" });
        assert.deepEqual([keysIn("landing").length, keysIn("scan").length], [1, 0]);
        // ExpectedBucketOwner on every request: a mover configured for another account touches nothing.
        const foreign = moverWith(movePolicy(), S3_LIKE, "444455556666");
        await assert.rejects(foreign.move(at("landing", "d.csv", version), BUCKETS.scan, {}), { name: "AccessDenied" });
        assert.deepEqual([keysIn("landing").length, keysIn("scan").length], [1, 0]);
    });
});
