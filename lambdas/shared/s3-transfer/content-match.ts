/**
 * Whether a copy holds the same bytes as its source, using the evidence S3 already has, like with
 * like: checksums of the same algorithm and type, then content-MD5 ETags; only when neither exists
 * (objects uploaded before S3 kept checksums) the source is read and its CRC32 compared with the
 * copy's full-object CRC32 (copy-plan.ts gives such copies one), one bounded window per call.
 */
import { crc32Base64, crc32Update, isContentMd5, sameEtag, sameKind } from "./checksum";
import type { CopyLimits } from "./copy-plan";
import { NoComparableEvidence } from "./errors";
import type { ObjectHead, ObjectStore } from "./object-store";

export type MatchMethod = "size" | "checksum" | "etag-md5" | "streamed-crc32";

/** How far a streamed comparison got: the next byte to read and the CRC32 so far. */
export interface StreamProgress {
    offset: number;
    crc32: number;
}

export type ContentMatch = { equal: boolean; method: MatchMethod; detail: string } | { inProgress: StreamProgress };

const md5Etag = (head: ObjectHead): boolean => isContentMd5(head.eTag, head.serverSideEncryption, head.sseCustomerAlgorithm !== undefined);

export async function compareContent(
    store: ObjectStore,
    source: ObjectHead,
    target: ObjectHead,
    limits: CopyLimits,
    progress: StreamProgress = { offset: 0, crc32: 0 },
): Promise<ContentMatch> {
    if (source.size !== target.size) {
        return { equal: false, method: "size", detail: `size ${target.size} differs from source size ${source.size}` };
    }
    if (source.checksum && target.checksum && sameKind(source.checksum, target.checksum)) {
        const equal = source.checksum.value === target.checksum.value;
        const kind = `${source.checksum.type} ${source.checksum.algorithm}`;
        return { equal, method: "checksum", detail: equal ? `${kind} checksums equal` : `${kind} checksums differ` };
    }
    if (md5Etag(source) && md5Etag(target)) {
        const equal = sameEtag(source.eTag, target.eTag);
        return { equal, method: "etag-md5", detail: equal ? "content MD5 ETags equal" : "content MD5 ETags differ" };
    }
    const targetCrc = target.checksum?.algorithm === "CRC32" && target.checksum.type === "FULL_OBJECT" ? target.checksum.value : undefined;
    if (!targetCrc) {
        throw new NoComparableEvidence(
            `s3://${target.bucket}/${target.key}: no checksum comparable with the source's (${source.checksum?.algorithm ?? "none"}) and no full-object CRC32`,
        );
    }
    let { offset, crc32 } = progress;
    const last = Math.min(source.size, offset + limits.maxBytesPerInvocation) - 1;
    if (last >= offset) {
        for await (const chunk of store.readRange(source, offset, last)) crc32 = crc32Update(crc32, chunk);
        offset = last + 1;
    }
    if (offset < source.size) return { inProgress: { offset, crc32 } };
    const equal = crc32Base64(crc32) === targetCrc;
    return {
        equal,
        method: "streamed-crc32",
        detail: equal ? "CRC32 of the source content equals the copy's" : `source content CRC32 ${crc32Base64(crc32)} differs from ${targetCrc}`,
    };
}
