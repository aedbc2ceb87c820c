/**
 * How an object is copied: one CopyObject up to S3's 5 GiB limit, else a multipart copy whose
 * part size depends only on the object size, so every copy of an object (quarantine and
 * release) has the same composite checksum and copies compare without re-reading content.
 */
export interface CopyLimits {
    maxSingleCopyBytes: number;
    minPartBytes: number;
    maxParts: number;
}

const MiB = 1024 * 1024;

export const S3_COPY_LIMITS: CopyLimits = {
    maxSingleCopyBytes: 5 * 1024 * MiB,
    minPartBytes: 512 * MiB,
    maxParts: 10_000,
};

export interface CopyPart {
    partNumber: number;
    /** Inclusive byte range, as CopySourceRange wants it. */
    first: number;
    last: number;
}

export type CopyPlan = { kind: "single" } | { kind: "multipart"; partSize: number; parts: CopyPart[] };

export function partSizeFor(size: number, limits: CopyLimits): number | null {
    if (size <= limits.maxSingleCopyBytes) return null;
    const spread = Math.ceil(size / limits.maxParts);
    const unit = Math.min(MiB, limits.minPartBytes);
    return Math.max(limits.minPartBytes, Math.ceil(spread / unit) * unit);
}

export function planCopy(size: number, limits: CopyLimits): CopyPlan {
    const partSize = partSizeFor(size, limits);
    if (partSize === null) return { kind: "single" };
    const parts: CopyPart[] = [];
    for (let first = 0, partNumber = 1; first < size; first += partSize, partNumber++) {
        parts.push({ partNumber, first, last: Math.min(first + partSize, size) - 1 });
    }
    return { kind: "multipart", partSize, parts };
}
