/**
 * The three idempotent steps of moving one object version to another key of its bucket:
 * copy (create-once), verify (size and checksum), delete the source version (only when the
 * verified copy is still there, unchanged). Quarantine moves original -> quarantine key;
 * release moves quarantine copy -> original key.
 */
import { sha256Checksum } from "./checksum";
import { compareContent, type MatchMethod } from "./content-match";
import type { CopyLimits } from "./copy-plan";
import { CopyVerificationFailed, ObjectVersionMissing, TargetKeyOccupied, VerifiedCopyChanged } from "./errors";
import type { ObjectHead, ObjectStore } from "./object-store";

export interface VersionRef {
    key: string;
    versionId: string;
}

export type CopyOutcome =
    | { outcome: "COPIED" | "ALREADY_COPIED"; targetKey: string; targetVersionId: string; size: number }
    | { outcome: "SOURCE_MISSING"; targetKey: string; targetExists: boolean };

/**
 * Copies source to targetKey unless targetKey already holds the same content (a previous or
 * concurrent run), in which case that version is reported. Never overwrites other content.
 */
export async function copyVersion(
    store: ObjectStore,
    bucket: string,
    source: VersionRef,
    targetKey: string,
    limits: CopyLimits,
): Promise<CopyOutcome> {
    const sourceHead = await store.head({ bucket, ...source });
    if (!sourceHead) {
        const existing = await store.head({ bucket, key: targetKey });
        return { outcome: "SOURCE_MISSING", targetKey, targetExists: existing !== null };
    }
    const copied = await store.copyIfAbsent(sourceHead, targetKey);
    if (copied.created) {
        return { outcome: "COPIED", targetKey, targetVersionId: copied.versionId, size: sourceHead.size };
    }
    const existing = await store.head({ bucket, key: targetKey });
    if (!existing) {
        // Deleted between the conditional copy and this read: let the retry copy again.
        throw new Error(`s3://${bucket}/${targetKey} existed a moment ago and is gone now`);
    }
    const match = await compareContent(store, sourceHead, existing, limits);
    if (!match.equal) {
        throw new TargetKeyOccupied(`s3://${bucket}/${targetKey} holds other content (${match.detail}); nothing overwritten`);
    }
    return { outcome: "ALREADY_COPIED", targetKey, targetVersionId: existing.versionId, size: existing.size };
}

export interface Verification {
    size: number;
    checksumSHA256: string;
    method: MatchMethod;
}

async function requireVersion(store: ObjectStore, bucket: string, ref: VersionRef, role: string): Promise<ObjectHead> {
    const head = await store.head({ bucket, ...ref });
    if (!head) {
        throw new ObjectVersionMissing(`${role} s3://${bucket}/${ref.key} version ${ref.versionId} does not exist`);
    }
    return head;
}

export async function verifyCopy(
    store: ObjectStore,
    bucket: string,
    source: VersionRef,
    target: VersionRef,
    limits: CopyLimits,
): Promise<Verification> {
    const sourceHead = await requireVersion(store, bucket, source, "source");
    const targetHead = await requireVersion(store, bucket, target, "copy");
    const match = await compareContent(store, sourceHead, targetHead, limits);
    if (!match.equal || !match.targetChecksumSHA256) {
        throw new CopyVerificationFailed(`copy s3://${bucket}/${target.key} does not match its source: ${match.detail}`);
    }
    return { size: targetHead.size, checksumSHA256: match.targetChecksumSHA256, method: match.method };
}

export interface Expected {
    size: number;
    checksumSHA256: string;
}

/**
 * Deletes exactly the source version, after checking that the kept copy still has the size
 * and checksum that were verified. A source version already gone is success (a re-run).
 */
export async function deleteVerifiedSource(
    store: ObjectStore,
    bucket: string,
    source: VersionRef,
    kept: VersionRef,
    expected: Expected,
): Promise<{ outcome: "DELETED" | "ALREADY_DELETED" }> {
    const keptHead = await store.head({ bucket, ...kept });
    if (!keptHead) {
        throw new VerifiedCopyChanged(`verified copy s3://${bucket}/${kept.key} version ${kept.versionId} is gone; source kept`);
    }
    const keptChecksum = keptHead.checksumSHA256 ?? (await sha256Checksum(store.read(keptHead), null));
    if (keptHead.size !== expected.size || keptChecksum !== expected.checksumSHA256) {
        throw new VerifiedCopyChanged(
            `copy s3://${bucket}/${kept.key} is ${keptHead.size} bytes / ${keptChecksum}, verified ${expected.size} bytes / ${expected.checksumSHA256}; source kept`,
        );
    }
    if (!(await store.head({ bucket, ...source }))) {
        return { outcome: "ALREADY_DELETED" };
    }
    await store.deleteVersion({ bucket, ...source });
    return { outcome: "DELETED" };
}
