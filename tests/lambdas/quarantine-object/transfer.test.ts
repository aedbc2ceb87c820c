import assert from "node:assert/strict";
import { TRANSFER_PERMANENT_ERRORS } from "../../../lambdas/shared/s3-transfer/errors";
import type { ObjectStore } from "../../../lambdas/shared/s3-transfer/object-store";
import { openStore, type StepKind } from "../../../lambdas/quarantine-object/steps";
import {
    abortCopy,
    checkContainment,
    copyVersion,
    deleteVerifiedSource,
    verifyCopy,
    type CopyOutcome,
    type Verification,
} from "../../../lambdas/shared/s3-transfer/transfer";
import { fakeMemberAccount, type InstalledFakes } from "../../../support/remediation/fake-aws";
import { s3Error, type FakeS3, type FixtureOptions } from "../../../support/remediation/fake-s3";
import { useRemediationEnvironment } from "../../../support/remediation/remediation-environment";

const ACCOUNT = "222222222222";
const BUCKET = "data-transfer";
const ROLE = "lakewarden-macie-quarantine";
/**
 * Scaled S3 limits so objects "over 5 GiB" are a few dozen bytes: single copy up to 40 bytes,
 * 16-byte parts, 32 bytes of parts (or of streamed reading) per invocation.
 */
const LIMITS = { maxSingleCopyBytes: 40, minPartBytes: 16, maxParts: 10_000, maxBytesPerInvocation: 32 };
const BIG = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"; // 62 bytes > 40

describe("s3-transfer steps over S3 (fake S3, real S3ObjectStore, member-role sessions)", () => {
    useRemediationEnvironment();
    let s3: FakeS3;
    let installed: InstalledFakes;

    beforeEach(() => {
        ({ s3, installed } = fakeMemberAccount("quarantine", ACCOUNT, BUCKET, ROLE, LIMITS.maxSingleCopyBytes));
    });
    afterEach(() => installed.restore());

    const store = (step: StepKind, key: string, targetKey: string): Promise<ObjectStore> =>
        openStore(
            { stsRegion: "eu-west-1", roleName: ROLE, limits: LIMITS },
            {
                purpose: "quarantine",
                step,
                findingId: "f1",
                location: { accountId: ACCOUNT, region: "eu-west-1", partition: "aws", bucket: BUCKET },
                source: { key, widenTo: "" },
                target: { key: targetKey, widenTo: "quarantine/" },
            },
        );

    function put(key: string, body: string, options: FixtureOptions = {}) {
        return { key, versionId: s3.putObject(BUCKET, key, Buffer.from(body), options) };
    }

    /** Calls the bounded copy until it is done, as the workflow loop does; returns the calls made. */
    async function copyUntilDone(source: { key: string; versionId: string }, target: string): Promise<{ result: CopyOutcome; calls: number }> {
        for (let calls = 1; calls <= 20; calls++) {
            const result = await copyVersion(await store("copy", source.key, target), BUCKET, source, target, LIMITS);
            if (result.outcome !== "IN_PROGRESS") return { result, calls };
        }
        throw new Error("copy did not finish");
    }

    async function verifyUntilDone(source: { key: string; versionId: string }, target: { key: string; versionId: string }) {
        let result: Verification = { outcome: "IN_PROGRESS", progress: { offset: 0, crc32: 0 } };
        let calls = 0;
        while (result.outcome === "IN_PROGRESS") {
            calls++;
            result = await verifyCopy(await store("verify", source.key, target.key), BUCKET, source, target, LIMITS, result.progress);
        }
        return { result, calls };
    }

    const reads = () => s3.requests.filter(r => r.action === "s3:GetObjectVersion" || r.action === "s3:GetObject").length;

    it("copies an object over the single-copy limit in bounded calls that resume the same upload, keeping metadata, tags, class and redirect", async () => {
        const source = put("big/file.bin", BIG, {
            checksum: "none",
            contentType: "application/octet-stream",
            metadata: { owner: "payments" },
            tags: { classification: "pii" },
            storageClass: "STANDARD_IA",
            websiteRedirectLocation: "/moved.html",
        });
        const target = "quarantine/v/big/file.bin";

        const { result, calls } = await copyUntilDone(source, target);

        assert.equal(result.outcome, "COPIED");
        assert.equal(calls, 2, "parts of 16+16+16+14 bytes, at most 32 bytes per call");
        const [copy] = s3.versions(BUCKET, target);
        assert.equal(copy.body.toString(), BIG);
        assert.deepEqual(copy.checksum?.algorithm, "CRC32", "a source without checksum gets a full-object CRC32 copy");
        assert.equal(copy.checksum?.type, "FULL_OBJECT");
        assert.deepEqual(
            [copy.contentType, copy.metadata, copy.tags, copy.storageClass, copy.websiteRedirectLocation],
            ["application/octet-stream", { owner: "payments" }, { classification: "pii" }, "STANDARD_IA", "/moved.html"],
        );
        assert.equal(s3.openUploads(), 0);
        const verified = await verifyUntilDone(source, { key: target, versionId: copy.versionId });
        assert.equal(verified.calls, 2, "62 bytes read 32 per call");
        assert.deepEqual(verified.result, { outcome: "VERIFIED", size: 62, checksum: `CRC32:FULL_OBJECT:${copy.checksum?.value}`, method: "streamed-crc32" });
    });

    it("keeps WebsiteRedirectLocation on the single-copy path (CopyObject does not copy it with the metadata)", async () => {
        const source = put("site/old.html", "<html/>", { websiteRedirectLocation: "https://example.com/new" });
        const { result } = await copyUntilDone(source, "quarantine/v/site/old.html");
        assert.equal(result.outcome, "COPIED");
        assert.equal(s3.versions(BUCKET, "quarantine/v/site/old.html")[0].websiteRedirectLocation, "https://example.com/new");
    });

    it("verifies a composite SHA-256 object by its own checksum: the copy mirrors the source's part layout, nothing is read", async () => {
        const source = put("mp/data.json", BIG, { checksum: { algorithm: "SHA256", multipartPartSize: 20 } });
        const { result } = await copyUntilDone(source, "quarantine/v/mp/data.json");
        assert.equal(result.outcome, "COPIED");
        const [copy] = s3.versions(BUCKET, "quarantine/v/mp/data.json");
        const [original] = s3.versions(BUCKET, source.key);
        assert.deepEqual(copy.partSizes, [20, 20, 20, 2]);
        assert.equal(copy.checksum?.value, original.checksum?.value, "same composite value, like with like");
        const before = reads();
        const { result: verified, calls } = await verifyUntilDone(source, { key: "quarantine/v/mp/data.json", versionId: copy.versionId });
        assert.equal(calls, 1);
        assert.equal(verified.outcome === "VERIFIED" && verified.method, "checksum");
        assert.equal(reads() - before, 2, "two HEADs, no GET of the content");
    });

    for (const [title, body] of [
        ["up to the single-copy limit (CopyObject)", "small csv,with,CRC64NVME"],
        ["over it (multipart with a FULL_OBJECT checksum)", BIG],
    ] as const) {
        it(`verifies a CRC64NVME object ${title} by comparing full-object CRC64NVME values`, async () => {
            const source = put("crc/object.bin", body, { checksum: { algorithm: "CRC64NVME" } });
            const { result } = await copyUntilDone(source, "quarantine/v/crc/object.bin");
            assert.equal(result.outcome, "COPIED");
            const [copy] = s3.versions(BUCKET, "quarantine/v/crc/object.bin");
            assert.deepEqual(copy.checksum, s3.versions(BUCKET, source.key)[0].checksum);
            const { result: verified } = await verifyUntilDone(source, { key: "quarantine/v/crc/object.bin", versionId: copy.versionId });
            assert.equal(verified.outcome === "VERIFIED" && verified.method, "checksum");
        });
    }

    it("keeps the upload open across a failed part so the next call resumes it; abortCopy leaves nothing billed", async () => {
        const source = put("big/fail.bin", BIG, { checksum: "none" });
        const target = "quarantine/v/big/fail.bin";
        s3.failCall("uploadPartCopy", 2);
        await assert.rejects(copyVersion(await store("copy", source.key, target), BUCKET, source, target, LIMITS), { name: "InternalError" });
        assert.equal(s3.openUploads(), 1, "kept for the retry");
        const resumed = await copyVersion(await store("copy", source.key, target), BUCKET, source, target, LIMITS);
        assert.equal(resumed.outcome, "IN_PROGRESS");
        assert.equal(s3.openUploads(), 1, "the same upload, not a second one");

        assert.deepEqual(await abortCopy(await store("abort", source.key, target), BUCKET, target), { aborted: 1 });
        assert.equal(s3.openUploads(), 0);
        assert.equal(s3.versions(BUCKET, target).length, 0);
    });

    it("reports an existing identical copy instead of copying twice (If-None-Match)", async () => {
        const source = put("a.csv", "same content", { checksum: "full" });
        const target = "quarantine/v/a.csv";
        const first = await copyVersion(await store("copy", source.key, target), BUCKET, source, target, LIMITS);
        const second = await copyVersion(await store("copy", source.key, target), BUCKET, source, target, LIMITS);
        assert.equal(first.outcome, "COPIED");
        assert.deepEqual(second, { ...first, outcome: "ALREADY_COPIED" });
        assert.equal(s3.versions(BUCKET, target).length, 1);
    });

    it("refuses to treat other content at the target key as its copy", async () => {
        const source = put("b.csv", "the sensitive content");
        const target = put("quarantine/v/b.csv", "something else entirely");
        await assert.rejects(copyVersion(await store("copy", source.key, target.key), BUCKET, source, target.key, LIMITS), { name: "TargetKeyOccupied" });
        assert.equal(s3.versions(BUCKET, target.key).length, 1);
    });

    it("reports SOURCE_MISSING when the version is gone", async () => {
        const source = put("c.csv", "content");
        s3.removeVersion(BUCKET, source.key, source.versionId);
        const outcome = await copyVersion(await store("copy", source.key, "quarantine/v/c.csv"), BUCKET, source, "quarantine/v/c.csv", LIMITS);
        assert.deepEqual(outcome, { outcome: "SOURCE_MISSING", targetKey: "quarantine/v/c.csv", targetExists: false });
    });

    it("fails verification when checksums differ", async () => {
        const source = put("d.csv", "original bytes", { checksum: "full" });
        const other = put("quarantine/v/d.csv", "original byteZ", { checksum: "full" });
        await assert.rejects(verifyCopy(await store("verify", source.key, other.key), BUCKET, source, other, LIMITS), { name: "CopyVerificationFailed" });
    });

    it("turns a HeadObject 403 (the SDK's `Unknown` with status 403) into the permanent AccessDenied", async () => {
        put("secret/x.csv", "content");
        const raw = s3Error("Unknown", 403, "UnknownError");
        assert.equal(raw.name, "Unknown", "what the SDK's deserialiser produces for a HEAD 403");
        // The verify session may read only its two objects.
        const narrow = await store("verify", "d.csv", "quarantine/v/d.csv");
        await assert.rejects(narrow.head({ bucket: BUCKET, key: "secret/x.csv" }), (error: Error) => {
            assert.equal(error.name, "AccessDenied");
            assert.ok((TRANSFER_PERMANENT_ERRORS as readonly string[]).includes(error.name), "not retried by the workflows");
            return true;
        });
    });

    describe("versioned keys: the key stops serving the flagged content", () => {
        async function quarantine(source: { key: string; versionId: string }) {
            const target = `quarantine/${source.versionId}/${source.key}`;
            const { result } = await copyUntilDone(source, target);
            assert.ok(result.outcome === "COPIED");
            const kept = { key: target, versionId: result.targetVersionId };
            const { result: verified } = await verifyUntilDone(source, kept);
            assert.ok(verified.outcome === "VERIFIED");
            const expected = { size: verified.size, checksum: verified.checksum };
            return {
                kept,
                expected,
                delete: async () => deleteVerifiedSource(await store("deleteSource", source.key, target), BUCKET, source, kept, expected, { hideKey: true }),
            };
        }

        it("hides the key with a delete marker when the flagged version is current, so the older unscanned version does not become current", async () => {
            const older = put("e.csv", "older, never scanned");
            const source = put("e.csv", "sensitive version", { checksum: "full" });
            const moved = await quarantine(source);

            await assert.rejects(
                deleteVerifiedSource(
                    await store("deleteSource", source.key, moved.kept.key),
                    BUCKET,
                    source,
                    moved.kept,
                    { ...moved.expected, checksum: "tampered" },
                    { hideKey: true },
                ),
                { name: "VerifiedCopyChanged" },
            );
            assert.equal(s3.versions(BUCKET, "e.csv").length, 2, "nothing deleted");

            const deleted = await moved.delete();
            const again = await moved.delete();
            assert.equal(deleted.outcome, "DELETED");
            assert.ok(deleted.deleteMarkerVersionId);
            assert.deepEqual(again, { outcome: "ALREADY_DELETED", deleteMarkerVersionId: deleted.deleteMarkerVersionId }, "a re-run finds its marker");
            assert.equal(s3.current(BUCKET, "e.csv"), undefined, "the key serves nothing");
            assert.deepEqual(
                s3.versions(BUCKET, "e.csv").map(v => [v.versionId, v.deleteMarker]),
                [
                    [older.versionId, false],
                    [deleted.deleteMarkerVersionId, true],
                ],
            );
        });

        it("deletes only the flagged version when the key was overwritten after the finding: the newer version keeps serving", async () => {
            const source = put("g.csv", "sensitive version", { checksum: "full" });
            const newer = put("g.csv", "newer content written after the finding");
            const moved = await quarantine(source);
            const deleted = await moved.delete();
            assert.deepEqual(deleted, { outcome: "DELETED" });
            assert.equal(s3.current(BUCKET, "g.csv")?.versionId, newer.versionId);
        });
    });

    describe("containment checks (replication, Object Lock, legal hold)", () => {
        const check = async (key: string, versionId: string) => checkContainment(await store("containment", key, key), BUCKET, { key, versionId });

        it("is CLEAR for a bucket without replication or Object Lock", async () => {
            const source = put("h.csv", "content");
            assert.deepEqual(await check(source.key, source.versionId), { outcome: "CLEAR" });
        });

        it("BLOCKS a key a replication rule covers, not one outside its prefix", async () => {
            s3.configureBucket(BUCKET, {
                replication: [
                    {
                        ID: "to-dr",
                        Status: "Enabled",
                        Priority: 1,
                        Filter: { Prefix: "exports/" },
                        Destination: { Bucket: "arn:aws:s3:::dr" },
                        DeleteMarkerReplication: { Status: "Disabled" },
                    },
                ],
            });
            const covered = put("exports/h.csv", "content");
            const outside = put("other/h.csv", "content");
            const blocked = await check(covered.key, covered.versionId);
            assert.equal(blocked.outcome, "BLOCKED");
            assert.match(blocked.outcome === "BLOCKED" ? blocked.reasons[0] : "", /replication rule to-dr/);
            assert.deepEqual(await check(outside.key, outside.versionId), { outcome: "CLEAR" });
        });

        it("BLOCKS under an Object Lock default retention, a legal hold, and a running retention", async () => {
            s3.configureBucket(BUCKET, { objectLock: { defaultRetention: { Mode: "GOVERNANCE", Days: 30 } } });
            const held = put("i.csv", "content");
            s3.lockVersion(BUCKET, held.key, held.versionId, { legalHold: true, retainUntil: new Date(Date.now() + 86_400_000) });
            const result = await check(held.key, held.versionId);
            assert.equal(result.outcome, "BLOCKED");
            const reasons = result.outcome === "BLOCKED" ? result.reasons.join("\n") : "";
            assert.match(reasons, /default retention \(GOVERNANCE 30 days\)/);
            assert.match(reasons, /legal hold/);
            assert.match(reasons, /retention until/);
        });
    });

    it("never issues a request outside the step's session policy", async () => {
        const source = put("f.csv", "content");
        await copyVersion(await store("copy", source.key, "quarantine/v/f.csv"), BUCKET, source, "quarantine/v/f.csv", LIMITS);
        const actions = new Set(s3.requests.map(r => r.action));
        assert.ok(!actions.has("s3:DeleteObjectVersion"));
        assert.ok(s3.requests.every(r => r.resource.startsWith(`arn:aws:s3:::${BUCKET}`)));
    });
});
