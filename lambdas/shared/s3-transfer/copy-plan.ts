/**
 * How a version is copied so that the copy's S3 checksum compares like with like with the source's:
 *  - full-object checksum, up to 5 GiB: one CopyObject asking for the same algorithm;
 *  - full-object CRC checksum above 5 GiB: a multipart copy with a FULL_OBJECT checksum of that algorithm;
 *  - composite checksum: a multipart copy with the same algorithm over the source's own part layout
 *    (GetObjectAttributes ObjectParts), so the composite values are equal when the bytes are;
 *  - no checksum, or a full-object SHA checksum above 5 GiB (no full-object SHA for multipart): the
 *    copy gets a full-object CRC32 and verification reads the source, a bounded window per invocation.
 * CopyObject is limited to 5 GiB, UploadPartCopy to 10,000 parts of 5 MiB to 5 GiB (S3 API Reference).
 */
import { FULL_OBJECT_MULTIPART_ALGORITHMS, type ChecksumAlgorithm, type ChecksumType, type S3Checksum } from "./checksum";

export interface CopyLimits {
    maxSingleCopyBytes: number;
    minPartBytes: number;
    maxParts: number;
    /** Bytes one invocation copies part by part or reads for a streamed verification; the rest resumes in the next. */
    maxBytesPerInvocation: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const S3_COPY_LIMITS: CopyLimits = {
    maxSingleCopyBytes: 5 * GiB,
    minPartBytes: 512 * MiB,
    maxParts: 10_000,
    // Server-side part copies at 8 in parallel: well inside a 900 s Lambda.
    maxBytesPerInvocation: 100 * GiB,
};

export interface CopyPart {
    partNumber: number;
    /** Inclusive byte range, as CopySourceRange wants it. */
    first: number;
    last: number;
}

export type CopyPlan =
    | { kind: "single"; checksumAlgorithm: ChecksumAlgorithm }
    | { kind: "multipart"; checksumAlgorithm: ChecksumAlgorithm; checksumType: ChecksumType; parts: CopyPart[] };

function uniformParts(size: number, limits: CopyLimits): CopyPart[] {
    const spread = Math.ceil(size / limits.maxParts);
    const unit = Math.min(MiB, limits.minPartBytes);
    const partSize = Math.max(limits.minPartBytes, Math.ceil(spread / unit) * unit);
    return partsOfSizes(Array.from({ length: Math.ceil(size / partSize) }, (_, i) => Math.min(partSize, size - i * partSize)));
}

function partsOfSizes(sizes: readonly number[]): CopyPart[] {
    let first = 0;
    return sizes.map((size, index) => {
        const part = { partNumber: index + 1, first, last: first + size - 1 };
        first += size;
        return part;
    });
}

export function planCopy(size: number, checksum: S3Checksum | undefined, sourcePartSizes: readonly number[] | undefined, limits: CopyLimits): CopyPlan {
    if (checksum?.type === "COMPOSITE") {
        if (!sourcePartSizes || sourcePartSizes.reduce((a, b) => a + b, 0) !== size) {
            throw new Error(`composite ${checksum.algorithm} checksum without a part layout that adds up to ${size} bytes`);
        }
        return { kind: "multipart", checksumAlgorithm: checksum.algorithm, checksumType: "COMPOSITE", parts: partsOfSizes(sourcePartSizes) };
    }
    const fits = size <= limits.maxSingleCopyBytes;
    if (checksum && fits) return { kind: "single", checksumAlgorithm: checksum.algorithm };
    if (checksum && FULL_OBJECT_MULTIPART_ALGORITHMS.includes(checksum.algorithm)) {
        return { kind: "multipart", checksumAlgorithm: checksum.algorithm, checksumType: "FULL_OBJECT", parts: uniformParts(size, limits) };
    }
    return fits
        ? { kind: "single", checksumAlgorithm: "CRC32" }
        : { kind: "multipart", checksumAlgorithm: "CRC32", checksumType: "FULL_OBJECT", parts: uniformParts(size, limits) };
}
