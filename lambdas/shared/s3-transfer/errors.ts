/** Errors the transfer steps raise; their names are what Step Functions Retry/Catch match. */

class NamedError extends Error {
    constructor(name: string, message: string) {
        super(message);
        this.name = name;
    }
}

/** The payload does not describe a valid transfer. */
export class InvalidTransferRequest extends NamedError {
    constructor(message: string) {
        super("InvalidTransferRequest", message);
    }
}

/** The copy's size or checksum differs from its source. */
export class CopyVerificationFailed extends NamedError {
    constructor(message: string) {
        super("CopyVerificationFailed", message);
    }
}

/** The target key holds other content; nothing is overwritten. */
export class TargetKeyOccupied extends NamedError {
    constructor(message: string) {
        super("TargetKeyOccupied", message);
    }
}

/** A version the step relies on is gone (deleted outside the workflow). */
export class ObjectVersionMissing extends NamedError {
    constructor(message: string) {
        super("ObjectVersionMissing", message);
    }
}

/** The verified copy no longer matches what was verified; the source is kept. */
export class VerifiedCopyChanged extends NamedError {
    constructor(message: string) {
        super("VerifiedCopyChanged", message);
    }
}

/** S3 refused the request (403): a HEAD 403 arrives from the SDK as `Unknown`, so it is renamed here. */
export class S3AccessDenied extends NamedError {
    constructor(message: string) {
        super("AccessDenied", message);
    }
}

/** A concurrent conditional write to the same key (409 ConditionalRequestConflict): retried. */
export class S3ConditionalConflict extends NamedError {
    constructor(message: string) {
        super("ConditionalRequestConflict", message);
    }
}

/** No checksum of the source and copy can be compared and the source cannot be read within the bounds. */
export class NoComparableEvidence extends NamedError {
    constructor(message: string) {
        super("NoComparableEvidence", message);
    }
}

/**
 * Not retried by the workflows: ours, plus S3 errors that mean configuration (access, archived
 * storage class, missing bucket) rather than a passing fault.
 */
export const TRANSFER_PERMANENT_ERRORS = [
    "InvalidTransferRequest",
    "CopyVerificationFailed",
    "TargetKeyOccupied",
    "ObjectVersionMissing",
    "VerifiedCopyChanged",
    "NoComparableEvidence",
    "AccessDenied",
    "InvalidObjectState",
    "NoSuchBucket",
] as const;
