/**
 * S3 object checksums as HeadObject (ChecksumMode ENABLED) reports them. S3 User Guide, "Checking
 * object integrity in Amazon S3": an object carries one checksum algorithm; a FULL_OBJECT checksum
 * covers the whole content, a COMPOSITE one is the checksum of the part checksums with "-<parts>"
 * appended, so it depends on the part layout; CRC64NVME is full-object only; multipart uploads can
 * have full-object checksums only for CRC64NVME, CRC32 and CRC32C; S3 adds CRC64NVME to objects
 * uploaded without a checksum. Two checksums compare only when algorithm and type are the same.
 * ETags are content MD5s only for single-part objects not encrypted with SSE-KMS or SSE-C.
 */
import { crc32 } from "node:zlib";

const CHECKSUM_ALGORITHMS = ["CRC64NVME", "CRC32", "CRC32C", "SHA1", "SHA256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
export type ChecksumType = "FULL_OBJECT" | "COMPOSITE";

/** Algorithms a multipart upload can carry as a full-object checksum. */
export const FULL_OBJECT_MULTIPART_ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC64NVME", "CRC32", "CRC32C"];

export interface S3Checksum {
    algorithm: ChecksumAlgorithm;
    type: ChecksumType;
    /** As S3 reports it: base64, with "-<parts>" for a composite checksum. */
    value: string;
}

/** The Checksum* fields of HeadObject, CopyPartResult, ListParts parts and similar outputs. */
export type ChecksumFields = { [A in ChecksumAlgorithm as `Checksum${A}`]?: string } & { ChecksumType?: string };

export function checksumFrom(fields: ChecksumFields): S3Checksum | undefined {
    for (const algorithm of CHECKSUM_ALGORITHMS) {
        const value = fields[`Checksum${algorithm}`];
        if (value) {
            const composite = fields.ChecksumType === "COMPOSITE" || /-\d+$/.test(value);
            return { algorithm, type: composite ? "COMPOSITE" : "FULL_OBJECT", value };
        }
    }
    return undefined;
}

/** The request/response field that carries a checksum of this algorithm. */
export function checksumField(algorithm: ChecksumAlgorithm): `Checksum${ChecksumAlgorithm}` {
    return `Checksum${algorithm}`;
}

export const sameKind = (a: S3Checksum, b: S3Checksum): boolean => a.algorithm === b.algorithm && a.type === b.type;

/** "ALGORITHM:TYPE:value" (base64 has no colon), as the tracking record keeps it. */
export function formatChecksum(checksum: S3Checksum): string {
    return `${checksum.algorithm}:${checksum.type}:${checksum.value}`;
}

export function parseRecordedChecksum(text: string): S3Checksum | undefined {
    const [algorithm, type, value] = text.split(":");
    if (!value || !(CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm) || (type !== "FULL_OBJECT" && type !== "COMPOSITE")) {
        return undefined;
    }
    return { algorithm: algorithm as ChecksumAlgorithm, type, value };
}

/** A running CRC32 (zlib's, the same polynomial as S3's CRC32): resumable across invocations. */
export function crc32Update(running: number, chunk: Uint8Array): number {
    return crc32(chunk, running);
}

/** CRC32 in S3's form: the big-endian 4 bytes, base64. */
export function crc32Base64(value: number): string {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value >>> 0);
    return bytes.toString("base64");
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
