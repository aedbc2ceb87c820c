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

/** Where a copy goes. */
export interface CopyTarget {
    bucket: string;
    key: string;
    /** Tags the copy gets in addition to the source's own (a same-named source tag is replaced). */
    addTags?: Record<string, string>;
    /**
     * The copy may become a new version of a key that already serves an object (the scan stage's
     * curated buckets); the caller makes the copy idempotent. Default: create-once (If-None-Match).
     */
    newVersion?: boolean;
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
     * Copies the source version to the target (same or another bucket of the account) with its
     * metadata, tags, website redirect, storage class and encryption, following the plan, at most
     * `maxBytesPerInvocation` bytes of parts per call (an open upload for the target key is resumed);
     * does nothing (created: false) when the target key already exists, unless target.newVersion.
     */
    copyStep(source: ObjectHead, target: CopyTarget, plan: CopyPlan): Promise<CopyStepResult>;
    /** Aborts every open multipart upload for the key; returns how many. */
    abortUploads(bucket: string, key: string): Promise<number>;
    deleteVersion(ref: VersionedRef): Promise<void>;
    /** The key's current version (possibly a delete marker), null when the key has no versions. */
    latest(bucket: string, key: string): Promise<{ versionId: string; deleteMarker: boolean } | null>;
    /** Puts a delete marker on the key (the key stops serving content); returns the marker's version id. */
    putDeleteMarker(bucket: string, key: string): Promise<string>;
    containment(ref: VersionedRef): Promise<Containment>;
}
