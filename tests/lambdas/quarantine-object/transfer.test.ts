import assert from "node:assert/strict";
import { STSClient } from "@aws-sdk/client-sts";
import type { ObjectStore } from "../../../lambdas/shared/s3-transfer/object-store";
import { openStore, type StepKind } from "../../../lambdas/quarantine-object/steps";
import { copyVersion, deleteVerifiedSource, verifyCopy } from "../../../lambdas/shared/s3-transfer/transfer";
import { fakeMemberAccount, type InstalledFakes } from "../../../support/remediation/fake-aws";
import type { FakeS3, FixtureOptions } from "../../../support/remediation/fake-s3";
import { useRemediationEnvironment } from "../../../support/remediation/remediation-environment";

const ACCOUNT = "222222222222";
const BUCKET = "data-transfer";
const ROLE = "lakewarden-macie-quarantine";
/** Small limits so the multipart path runs on small objects: single copy up to 40 bytes, 16-byte parts. */
const LIMITS = { maxSingleCopyBytes: 40, minPartBytes: 16, maxParts: 10_000 };

describe("quarantine-object transfer steps over S3 (fake S3, real S3ObjectStore)", () => {
    useRemediationEnvironment();
    let s3: FakeS3;
    let installed: InstalledFakes;

    beforeEach(() => {
        ({ s3, installed } = fakeMemberAccount("quarantine", ACCOUNT, BUCKET, ROLE, LIMITS.maxSingleCopyBytes));
    });
    afterEach(() => installed.restore());

    const store = (step: StepKind, key: string, targetKey: string): Promise<ObjectStore> =>
        openStore(
            { sts: new STSClient({ region: "eu-west-1" }), roleName: ROLE, limits: LIMITS },
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

    it("copies an object over the single-copy limit part by part, keeping metadata, tags and class, and verifies it", async () => {
        const body = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"; // 62 bytes > 40
        const source = put("big/file.bin", body, {
            checksum: "none",
            contentType: "application/octet-stream",
            metadata: { owner: "payments" },
            tags: { classification: "pii" },
            storageClass: "STANDARD_IA",
        });
        const target = "quarantine/v/big/file.bin";

        const copied = await copyVersion(await store("copy", source.key, target), BUCKET, source, target, LIMITS);

        assert.equal(copied.outcome, "COPIED");
        const [copy] = s3.versions(BUCKET, target);
        assert.equal(copy.body.toString(), body);
        assert.equal(copy.checksumType, "COMPOSITE");
        assert.match(copy.checksumSHA256 ?? "", /-4$/, "62 bytes in 16-byte parts");
        assert.deepEqual([copy.contentType, copy.metadata, copy.tags, copy.storageClass], [
            "application/octet-stream",
            { owner: "payments" },
            { classification: "pii" },
            "STANDARD_IA",
        ]);
        const verified = await verifyCopy(
            await store("verify", source.key, target),
            BUCKET,
            source,
            { key: target, versionId: copy.versionId },
            LIMITS,
        );
        assert.deepEqual(verified, { size: 62, checksumSHA256: copy.checksumSHA256, method: "streamed-sha256" });
        assert.equal(s3.openUploads(), 0);
    });

    it("aborts the multipart upload when a part fails, leaving no copy and no open upload", async () => {
        const source = put("big/fail.bin", "x".repeat(50), { checksum: "none" });
        s3.failCall("uploadPartCopy", 2);

        await assert.rejects(
            copyVersion(await store("copy", source.key, "quarantine/v/big/fail.bin"), BUCKET, source, "quarantine/v/big/fail.bin", LIMITS),
            { name: "InternalError" },
        );

        assert.equal(s3.versions(BUCKET, "quarantine/v/big/fail.bin").length, 0);
        assert.equal(s3.openUploads(), 0);
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
        await assert.rejects(copyVersion(await store("copy", source.key, target.key), BUCKET, source, target.key, LIMITS), {
            name: "TargetKeyOccupied",
        });
        assert.equal(s3.versions(BUCKET, target.key).length, 1);
    });

    it("reports SOURCE_MISSING when the version is gone", async () => {
        const source = put("c.csv", "content");
        s3.removeVersion(BUCKET, source.key, source.versionId);
        const outcome = await copyVersion(await store("copy", source.key, "quarantine/v/c.csv"), BUCKET, source, "quarantine/v/c.csv", LIMITS);
        assert.deepEqual(outcome, { outcome: "SOURCE_MISSING", targetKey: "quarantine/v/c.csv", targetExists: false });
    });

    it("fails verification when sizes or checksums differ", async () => {
        const source = put("d.csv", "original bytes", { checksum: "full" });
        const other = put("quarantine/v/d.csv", "original byteZ", { checksum: "full" });
        await assert.rejects(verifyCopy(await store("verify", source.key, other.key), BUCKET, source, other, LIMITS), {
            name: "CopyVerificationFailed",
        });
    });

    it("deletes exactly the source version, and only while the kept copy still matches what was verified", async () => {
        const older = put("e.csv", "older version");
        const source = put("e.csv", "sensitive version", { checksum: "full" });
        const target = "quarantine/v/e.csv";
        const copied = await copyVersion(await store("copy", source.key, target), BUCKET, source, target, LIMITS);
        assert.equal(copied.outcome, "COPIED");
        const kept = { key: target, versionId: copied.outcome === "COPIED" ? copied.targetVersionId : "" };
        const verified = await verifyCopy(await store("verify", source.key, target), BUCKET, source, kept, LIMITS);

        await assert.rejects(
            deleteVerifiedSource(await store("deleteSource", source.key, target), BUCKET, source, kept, { size: verified.size, checksumSHA256: "tampered" }),
            { name: "VerifiedCopyChanged" },
        );
        assert.equal(s3.versions(BUCKET, "e.csv").length, 2, "nothing deleted");

        const deleted = await deleteVerifiedSource(await store("deleteSource", source.key, target), BUCKET, source, kept, verified);
        const again = await deleteVerifiedSource(await store("deleteSource", source.key, target), BUCKET, source, kept, verified);
        assert.deepEqual([deleted.outcome, again.outcome], ["DELETED", "ALREADY_DELETED"]);
        assert.deepEqual(
            s3.versions(BUCKET, "e.csv").map((v) => v.versionId),
            [older.versionId],
            "the older version is untouched",
        );
    });

    it("never issues a request outside the step's session policy", async () => {
        const source = put("f.csv", "content");
        await copyVersion(await store("copy", source.key, "quarantine/v/f.csv"), BUCKET, source, "quarantine/v/f.csv", LIMITS);
        const actions = new Set(s3.requests.map((r) => r.action));
        assert.ok(!actions.has("s3:DeleteObjectVersion"));
        assert.ok(s3.requests.every((r) => r.resource.startsWith(`arn:aws:s3:::${BUCKET}`)));
    });
});
