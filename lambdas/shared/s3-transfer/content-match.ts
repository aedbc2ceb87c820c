/**
 * Whether two object versions hold the same bytes, using the cheapest evidence that is
 * conclusive: S3 checksums of the same form, then content-MD5 ETags, then a SHA-256 computed
 * by reading the source in the form of the target's checksum.
 */
import { isContentMd5, parseChecksum, sameEtag, sha256Checksum } from "./checksum";
import { partSizeFor, type CopyLimits } from "./copy-plan";
import type { ObjectHead, ObjectStore } from "./object-store";

export type MatchMethod = "size" | "checksum" | "etag-md5" | "streamed-sha256";

export interface ContentMatch {
    equal: boolean;
    method: MatchMethod;
    /** The target's SHA-256 checksum in S3 form (from S3, or computed when S3 has none). */
    targetChecksumSHA256?: string;
    detail: string;
}

const md5Etag = (head: ObjectHead): boolean =>
    isContentMd5(head.eTag, head.serverSideEncryption, head.sseCustomerAlgorithm !== undefined);

export async function compareContent(
    store: ObjectStore,
    source: ObjectHead,
    target: ObjectHead,
    limits: CopyLimits,
): Promise<ContentMatch> {
    if (source.size !== target.size) {
        return { equal: false, method: "size", detail: `size ${target.size} differs from source size ${source.size}` };
    }
    const sourceSum = parseChecksum(source.checksumSHA256);
    const targetSum = parseChecksum(target.checksumSHA256);
    if (sourceSum && targetSum && sourceSum.parts === targetSum.parts) {
        if (sourceSum.digest === targetSum.digest) {
            return { equal: true, method: "checksum", targetChecksumSHA256: target.checksumSHA256, detail: "SHA-256 checksums equal" };
        }
        // Full-object digests of different content differ; composites may differ by part layout only.
        if (sourceSum.parts === null) {
            return { equal: false, method: "checksum", targetChecksumSHA256: target.checksumSHA256, detail: "SHA-256 checksums differ" };
        }
    }
    if (md5Etag(source) && md5Etag(target)) {
        const equal = sameEtag(source.eTag, target.eTag);
        return {
            equal,
            method: "etag-md5",
            targetChecksumSHA256: target.checksumSHA256,
            detail: equal ? "content MD5 ETags equal" : "content MD5 ETags differ",
        };
    }
    const computed = await streamedChecksums(store, source, target, limits);
    const equal = computed.source === computed.target;
    return {
        equal,
        method: "streamed-sha256",
        targetChecksumSHA256: target.checksumSHA256 ?? computed.target,
        detail: equal
            ? "SHA-256 of the source content equals the target's"
            : `source content SHA-256 ${computed.source} differs from ${computed.target}`,
    };
}

/**
 * Reads the source in the form of the target's S3 checksum when that form is known (full, or
 * composite with our copy layout), else reads both and compares full-object digests.
 */
async function streamedChecksums(
    store: ObjectStore,
    source: ObjectHead,
    target: ObjectHead,
    limits: CopyLimits,
): Promise<{ source: string; target: string }> {
    const targetSum = parseChecksum(target.checksumSHA256);
    if (target.checksumSHA256 && targetSum) {
        if (targetSum.parts === null) {
            return { source: await sha256Checksum(store.read(source), null), target: target.checksumSHA256 };
        }
        const partSize = partSizeFor(target.size, limits);
        if (partSize !== null && Math.ceil(target.size / partSize) === targetSum.parts) {
            return { source: await sha256Checksum(store.read(source), partSize), target: target.checksumSHA256 };
        }
    }
    const [sourceSum, targetFull] = await Promise.all([
        sha256Checksum(store.read(source), null),
        sha256Checksum(store.read(target), null),
    ]);
    return { source: sourceSum, target: targetFull };
}
