/** Errors the scan stage raises; their names are what the workflow's Retry/Catch match. */
import { TRANSFER_PERMANENT_ERRORS } from "../shared/s3-transfer/errors";

class NamedError extends Error {
    constructor(name: string, message: string) {
        super(message);
        this.name = name;
    }
}

/** Macie ended the run's job without completing it (cancelled, or expired after a pause). */
export class ScanJobFailed extends NamedError {
    constructor(message: string) {
        super("ScanJobFailed", message);
    }
}

/** What Macie reported does not fit the run (a finding or result for an object the run never moved). */
export class ScanResultsInconsistent extends NamedError {
    constructor(message: string) {
        super("ScanResultsInconsistent", message);
    }
}

/** The payload does not describe a valid scan-stage request. */
export class InvalidScanRequest extends NamedError {
    constructor(message: string) {
        super("InvalidScanRequest", message);
    }
}

/** A decision for a run that has none pending, or a second decision: nothing changes. */
export class DecisionConflict extends NamedError {
    constructor(message: string) {
        super("DecisionConflict", message);
    }
}

/** Errors a retry cannot fix: the workflow fails the run on them at once. */
export const SCAN_PERMANENT_ERRORS = ["ScanJobFailed", "ScanResultsInconsistent", "InvalidScanRequest", "DecisionConflict"] as const;

/**
 * What S3 answers when it cannot use an object's KMS key for the caller: a disabled key, a key pending deletion, a
 * missing key (error codes KMS.DisabledException, KMS.KMSInvalidStateException, KMS.NotFoundException: aws/aws-cli#4507,
 * localstack/localstack#8422); a caller without kms:Decrypt gets AccessDenied (boto/boto3#2952).
 */
const S3_KMS_ERRORS = ["KMS.DisabledException", "KMS.KMSInvalidStateException", "KMS.NotFoundException"] as const;

/**
 * Moves fail the run at once on the transfer's own permanent errors (AccessDenied, a version gone, a copy that does
 * not verify, ...), a key S3 cannot use, and a key or version S3 does not have (the SDK's NoSuchKey, NoSuchVersion).
 * Everything else — SlowDown, 5xx, throttling, timeouts, Lambda's own faults — is retried with backoff
 * (workflows/asl.ts retryUnless).
 */
export const SCAN_MOVE_PERMANENT_ERRORS = [...SCAN_PERMANENT_ERRORS, ...TRANSFER_PERMANENT_ERRORS, ...S3_KMS_ERRORS, "NoSuchKey", "NoSuchVersion"] as const;

/**
 * The run steps call Macie, S3 (discovery results) and DynamoDB: Macie's errors that mean configuration or a bad
 * request (Macie API Reference, Errors: AccessDeniedException, ResourceNotFoundException, ServiceQuotaExceededException,
 * ValidationException) and S3's AccessDenied/KMS errors fail the run; ThrottlingException, InternalServerException and
 * the rest are retried.
 */
export const SCAN_RUN_PERMANENT_ERRORS = [
    ...SCAN_PERMANENT_ERRORS,
    ...S3_KMS_ERRORS,
    "AccessDenied",
    "AccessDeniedException",
    "ResourceNotFoundException",
    "ServiceQuotaExceededException",
    "ValidationException",
] as const;
