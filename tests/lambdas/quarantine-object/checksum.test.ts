import assert from "node:assert/strict";
import { crc32 } from "node:zlib";
import fc from "fast-check";
import {
    checksumFrom,
    crc32Base64,
    crc32Update,
    formatChecksum,
    isContentMd5,
    parseRecordedChecksum,
    sameEtag,
    sameKind,
} from "../../../lambdas/shared/s3-transfer/checksum";
import { planCopy, S3_COPY_LIMITS } from "../../../lambdas/shared/s3-transfer/copy-plan";
import { HISTORY_EVENTS_PER_ITERATION, MAX_HISTORY_EVENTS } from "../../../workflows/asl";
import { crc64nvme, digest } from "../../../support/remediation/fake-s3";

const GiB = 1024 ** 3;

describe("s3-transfer checksums", () => {
    it("reads the checksum S3 reports, with its type (a '-N' suffix is composite)", () => {
        assert.deepEqual(checksumFrom({ ChecksumCRC64NVME: "AAAAAAAAAAA=", ChecksumType: "FULL_OBJECT" }), {
            algorithm: "CRC64NVME",
            type: "FULL_OBJECT",
            value: "AAAAAAAAAAA=",
        });
        assert.deepEqual(checksumFrom({ ChecksumSHA256: "abc=-12" }), { algorithm: "SHA256", type: "COMPOSITE", value: "abc=-12" });
        assert.equal(checksumFrom({}), undefined);
    });

    it("compares like with like only: same algorithm and same type", () => {
        const full = { algorithm: "CRC32", type: "FULL_OBJECT", value: "x" } as const;
        assert.equal(sameKind(full, { ...full, value: "y" }), true);
        assert.equal(sameKind(full, { ...full, type: "COMPOSITE" }), false);
        assert.equal(sameKind(full, { ...full, algorithm: "CRC64NVME" }), false);
    });

    it("round-trips the recorded form", () => {
        const checksum = { algorithm: "SHA256", type: "COMPOSITE", value: "q+/w==-3" } as const;
        assert.deepEqual(parseRecordedChecksum(formatChecksum(checksum)), checksum);
        assert.equal(parseRecordedChecksum("MD5:FULL_OBJECT:x"), undefined);
    });

    it("computes a resumable CRC32 that does not depend on where a call stopped (property)", () => {
        fc.assert(
            fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 300 }), (bytes, cut) => {
                const data = Buffer.from(bytes);
                const at = Math.min(cut, data.length);
                const resumed = crc32Update(crc32Update(0, data.subarray(0, at)), data.subarray(at));
                assert.equal(crc32Base64(resumed), digest("CRC32", data).toString("base64"));
            }),
        );
        assert.equal(crc32Base64(crc32(Buffer.from("123456789"))), Buffer.from("cbf43926", "hex").toString("base64"), "CRC-32 check value");
    });

    it("the fake's CRC64NVME matches the CRC-64/NVME check value", () => {
        assert.equal(crc64nvme(Buffer.from("123456789")).toString("hex"), "ae8b14860a799888");
    });

    it("trusts an ETag as content MD5 only for single-part SSE-S3 or unencrypted objects", () => {
        const md5 = '"900150983cd24fb0d6963f7d28e17f72"';
        assert.equal(isContentMd5(md5, "AES256", false), true);
        assert.equal(isContentMd5(md5, undefined, false), true);
        assert.equal(isContentMd5(md5, "aws:kms", false), false);
        assert.equal(isContentMd5(md5, "AES256", true), false);
        assert.equal(isContentMd5('"900150983cd24fb0d6963f7d28e17f72-3"', "AES256", false), false);
        assert.equal(sameEtag(md5, md5.replace(/"/g, "")), true);
    });
});

describe("s3-transfer copy plan", () => {
    const crc64 = { algorithm: "CRC64NVME", type: "FULL_OBJECT", value: "x" } as const;

    it("copies a full-object checksum up to 5 GiB in one CopyObject asking for the same algorithm", () => {
        assert.deepEqual(planCopy(5 * GiB, crc64, undefined, S3_COPY_LIMITS), { kind: "single", checksumAlgorithm: "CRC64NVME" });
        assert.deepEqual(planCopy(10, undefined, undefined, S3_COPY_LIMITS), { kind: "single", checksumAlgorithm: "CRC32" });
    });

    it("mirrors a composite source's part layout, whatever its size", () => {
        const plan = planCopy(25, { algorithm: "SHA256", type: "COMPOSITE", value: "x-3" }, [10, 10, 5], S3_COPY_LIMITS);
        assert.deepEqual(plan, {
            kind: "multipart",
            checksumAlgorithm: "SHA256",
            checksumType: "COMPOSITE",
            parts: [
                { partNumber: 1, first: 0, last: 9 },
                { partNumber: 2, first: 10, last: 19 },
                { partNumber: 3, first: 20, last: 24 },
            ],
        });
        assert.throws(() => planCopy(26, { algorithm: "SHA256", type: "COMPOSITE", value: "x-3" }, [10, 10, 5], S3_COPY_LIMITS));
    });

    it("above 5 GiB: full-object CRC multipart of the same algorithm; SHA-256 (no full-object multipart) falls back to CRC32", () => {
        const big = 6 * GiB;
        const same = planCopy(big, crc64, undefined, S3_COPY_LIMITS);
        assert.equal(same.kind === "multipart" && `${same.checksumAlgorithm}/${same.checksumType}`, "CRC64NVME/FULL_OBJECT");
        const sha = planCopy(big, { algorithm: "SHA256", type: "FULL_OBJECT", value: "x" }, undefined, S3_COPY_LIMITS);
        assert.equal(sha.kind === "multipart" && `${sha.checksumAlgorithm}/${sha.checksumType}`, "CRC32/FULL_OBJECT");
    });

    it("splits large objects into at most 10,000 contiguous parts within S3's part sizes (property)", () => {
        fc.assert(
            fc.property(fc.integer({ min: 5 * GiB + 1, max: 10_000 * 5 * GiB }), size => {
                const plan = planCopy(size, undefined, undefined, S3_COPY_LIMITS);
                assert.equal(plan.kind, "multipart");
                if (plan.kind !== "multipart") return;
                assert.ok(plan.parts.length <= 10_000);
                for (const part of plan.parts.slice(0, -1)) {
                    const bytes = part.last - part.first + 1;
                    assert.ok(bytes >= 5 * 1024 ** 2 && bytes <= 5 * GiB);
                }
                assert.equal(plan.parts[0].first, 0);
                assert.equal(plan.parts.at(-1)?.last, size - 1);
                plan.parts.slice(1).forEach((part, i) => assert.equal(part.first, plan.parts[i].last + 1));
            }),
        );
    });

    it("keeps the largest multipart object (10,000 parts of 5 GiB) inside one execution's 25,000 history events", () => {
        const largest = 10_000 * 5 * GiB;
        const callsPerLoop = Math.ceil(largest / S3_COPY_LIMITS.maxBytesPerInvocation);
        // Copy and streamed verification are each one loop; the rest of the workflow is under 100 events.
        const events = 2 * callsPerLoop * HISTORY_EVENTS_PER_ITERATION + 100;
        assert.ok(events < MAX_HISTORY_EVENTS, `${events} events for ${callsPerLoop} calls per loop`);
    });
});
