/** Errors the scan stage raises; their names are what the workflow's Retry/Catch match. */

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
