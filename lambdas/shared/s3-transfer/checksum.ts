/**
 * S3 SHA-256 checksums as S3 reports them: a full-object checksum is the base64 digest of the
 * content; a composite (multipart) checksum is the base64 digest of the concatenated part
 * digests followed by "-<part count>". ETags are content MD5s only for single-part objects that
 * are not encrypted with SSE-KMS or SSE-C, so they compare only in that case.
 */
import { createHash, type Hash } from "node:crypto";

export interface S3Checksum {
    digest: string;
    /** Number of parts for a composite checksum, null for a full-object checksum. */
    parts: number | null;
}

export function parseChecksum(value: string | undefined): S3Checksum | undefined {
    if (!value) return undefined;
    const composite = /^([A-Za-z0-9+/=]+)-(\d+)$/.exec(value);
    return composite ? { digest: composite[1], parts: Number(composite[2]) } : { digest: value, parts: null };
}

export function formatChecksum(checksum: S3Checksum): string {
    return checksum.parts === null ? checksum.digest : `${checksum.digest}-${checksum.parts}`;
}

/**
 * SHA-256 of a byte stream in S3's form: full-object when partSize is null, else composite
 * over parts of partSize bytes (the last part shorter).
 */
export async function sha256Checksum(body: AsyncIterable<Uint8Array>, partSize: number | null): Promise<string> {
    if (partSize === null) {
        const hash = createHash("sha256");
        for await (const chunk of body) hash.update(chunk);
        return hash.digest("base64");
    }
    const partDigests: Buffer[] = [];
    let part: Hash = createHash("sha256");
    let filled = 0;
    for await (const chunk of body) {
        let offset = 0;
        while (offset < chunk.length) {
            const take = Math.min(partSize - filled, chunk.length - offset);
            part.update(chunk.subarray(offset, offset + take));
            filled += take;
            offset += take;
            if (filled === partSize) {
                partDigests.push(part.digest());
                part = createHash("sha256");
                filled = 0;
            }
        }
    }
    if (filled > 0 || partDigests.length === 0) partDigests.push(part.digest());
    const digest = createHash("sha256").update(Buffer.concat(partDigests)).digest("base64");
    return `${digest}-${partDigests.length}`;
}

const stripQuotes = (etag: string): string => etag.replace(/^"|"$/g, "");

/** True when the ETag is the MD5 of the content (single part, SSE-S3 or unencrypted). */
export function isContentMd5(etag: string | undefined, serverSideEncryption: string | undefined, sseCustomer: boolean): boolean {
    if (!etag || sseCustomer) return false;
    if (serverSideEncryption && serverSideEncryption !== "AES256") return false;
    return /^[0-9a-f]{32}$/.test(stripQuotes(etag));
}

export function sameEtag(a: string, b: string): boolean {
    return stripQuotes(a) === stripQuotes(b);
}
