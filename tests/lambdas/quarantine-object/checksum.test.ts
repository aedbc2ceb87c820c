import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { formatChecksum, isContentMd5, parseChecksum, sameEtag, sha256Checksum } from "../../../lambdas/shared/s3-transfer/checksum";
import { partSizeFor, planCopy, S3_COPY_LIMITS } from "../../../lambdas/shared/s3-transfer/copy-plan";

async function* chunks(data: Buffer, sizes: number[]): AsyncIterable<Uint8Array> {
    let offset = 0;
    for (const size of sizes) {
        if (offset >= data.length) break;
        yield data.subarray(offset, offset + size);
        offset += size;
    }
    if (offset < data.length) yield data.subarray(offset);
}

describe("quarantine-object checksums", () => {
    it("computes the full-object SHA-256 as S3 reports it (base64)", async () => {
        assert.equal(await sha256Checksum(chunks(Buffer.from("abc"), [1]), null), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    });

    it("computes the composite checksum: SHA-256 of the part digests, then -<parts>", async () => {
        const data = Buffer.from("abcdefghij");
        const parts = [data.subarray(0, 4), data.subarray(4, 8), data.subarray(8)];
        const expected = createHash("sha256")
            .update(Buffer.concat(parts.map((p) => createHash("sha256").update(p).digest())))
            .digest("base64");
        assert.equal(await sha256Checksum(chunks(data, [3, 3, 3]), 4), `${expected}-3`);
    });

    it("does not depend on how the stream is chunked (property)", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.uint8Array({ minLength: 0, maxLength: 200 }),
                fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 40 }),
                fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
                async (bytes, sizes, partSize) => {
                    const data = Buffer.from(bytes);
                    assert.equal(await sha256Checksum(chunks(data, sizes), partSize), await sha256Checksum(chunks(data, [data.length || 1]), partSize));
                },
            ),
        );
    });

    it("parses and formats S3 checksum strings", () => {
        assert.deepEqual(parseChecksum("abc="), { digest: "abc=", parts: null });
        assert.deepEqual(parseChecksum("abc=-12"), { digest: "abc=", parts: 12 });
        assert.equal(parseChecksum(undefined), undefined);
        assert.equal(formatChecksum({ digest: "abc=", parts: 12 }), "abc=-12");
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

describe("quarantine-object copy plan", () => {
    it("copies up to 5 GiB in one CopyObject", () => {
        assert.deepEqual(planCopy(5 * 1024 ** 3, S3_COPY_LIMITS), { kind: "single" });
        assert.equal(partSizeFor(0, S3_COPY_LIMITS), null);
    });

    it("splits larger objects into at most 10,000 contiguous parts of one size that depends only on the size (property)", () => {
        fc.assert(
            fc.property(fc.integer({ min: 5 * 1024 ** 3 + 1, max: 5 * 1024 ** 4 }), (size) => {
                const plan = planCopy(size, S3_COPY_LIMITS);
                assert.equal(plan.kind, "multipart");
                if (plan.kind !== "multipart") return;
                assert.ok(plan.parts.length <= 10_000);
                assert.ok(plan.partSize >= 512 * 1024 ** 2 && plan.partSize <= 5 * 1024 ** 3);
                assert.equal(plan.parts[0].first, 0);
                assert.equal(plan.parts.at(-1)?.last, size - 1);
                plan.parts.slice(1).forEach((part, i) => assert.equal(part.first, plan.parts[i].last + 1));
                assert.deepEqual(planCopy(size, S3_COPY_LIMITS), plan);
            }),
        );
    });
});
