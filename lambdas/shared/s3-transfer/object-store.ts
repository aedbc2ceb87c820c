/** The object operations the transfer steps need, independent of the S3 client behind them. */
import type { S3Checksum } from "./checksum";
import type { CopyPlan } from "./copy-plan";

export interface ObjectRef {
    bucket: string;
    key: string;
    /** Absent: the current version of the key. */
    versionId?: string;
}

export interface VersionedRef extends ObjectRef {
    versionId: string;
}

export interface ObjectHead {
    bucket: string;
    key: string;
    versionId: string;
    size: number;
    eTag: string;
    checksum?: S3Checksum;
    serverSideEncryption?: string;
    sseCustomerAlgorithm?: string;
    sseKmsKeyId?: string;
    bucketKeyEnabled?: boolean;
    storageClass?: string;
    contentType?: string;
    cacheControl?: string;
    contentDisposition?: string;
    contentEncoding?: string;
    contentLanguage?: string;
    expires?: Date;
    websiteRedirectLocation?: string;
    metadata: Record<string, string>;
}

/** One bounded step of a copy: done, refused because the target exists, or parts still to copy. */
export type CopyStepResult = { created: true; versionId: string } | { created: false } | { inProgress: true; partsDone: number; partsTotal: number };

/** Why removing a version would not contain it, or would lock or leak the copy. */
export interface Containment {
    /** Enabled replication rules whose filter covers the key (a version delete is not replicated). */
    replicationRules: string[];
    /** The bucket's Object Lock default retention (it would lock the quarantine copy). */
    defaultRetention?: string;
    legalHold: boolean;
    /** The version's retention while it lasts (its deletion is refused). */
    retainUntil?: Date;
}

export interface ObjectStore {
    /** null when the key (or that version of it) does not exist, or its current version is a delete marker. */
    head(ref: ObjectRef): Promise<ObjectHead | null>;
    /** Bytes [first, last] of a version. */
    readRange(ref: VersionedRef, first: number, last: number): AsyncIterable<Uint8Array>;
    /** The sizes of the parts a multipart-uploaded version was made of (GetObjectAttributes ObjectParts). */
    partSizes(ref: VersionedRef): Promise<number[]>;
    /**
     * Copies the source version to targetKey in the same bucket with its metadata, tags,
     * website redirect, storage class and encryption, following the plan, at most
     * `maxBytesPerInvocation` bytes of parts per call (an open upload for targetKey is resumed);
     * does nothing (created: false) when targetKey already exists.
     */
    copyStep(source: ObjectHead, targetKey: string, plan: CopyPlan): Promise<CopyStepResult>;
    /** Aborts every open multipart upload for the key; returns how many. */
    abortUploads(bucket: string, key: string): Promise<number>;
    deleteVersion(ref: VersionedRef): Promise<void>;
    /** The key's current version (possibly a delete marker), null when the key has no versions. */
    latest(bucket: string, key: string): Promise<{ versionId: string; deleteMarker: boolean } | null>;
    /** Puts a delete marker on the key (the key stops serving content); returns the marker's version id. */
    putDeleteMarker(bucket: string, key: string): Promise<string>;
    containment(ref: VersionedRef): Promise<Containment>;
}
