/** The object operations the transfer steps need, independent of the S3 client behind them. */

export interface ObjectRef {
    bucket: string;
    key: string;
    /** Absent: the current version of the key. */
    versionId?: string;
}

export interface ObjectHead {
    bucket: string;
    key: string;
    versionId: string;
    size: number;
    eTag: string;
    checksumSHA256?: string;
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

export type CopyIfAbsentResult = { created: true; versionId: string } | { created: false };

export interface ObjectStore {
    /** null when the key (or that version of it) does not exist. */
    head(ref: ObjectRef): Promise<ObjectHead | null>;
    read(ref: ObjectRef & { versionId: string }): AsyncIterable<Uint8Array>;
    /**
     * Copies the source version to targetKey in the same bucket with its metadata, tags,
     * storage class and encryption, computing a SHA-256 checksum; does nothing (created: false)
     * when targetKey already exists, so concurrent or repeated copies never duplicate.
     */
    copyIfAbsent(source: ObjectHead, targetKey: string): Promise<CopyIfAbsentResult>;
    deleteVersion(ref: ObjectRef & { versionId: string }): Promise<void>;
}
