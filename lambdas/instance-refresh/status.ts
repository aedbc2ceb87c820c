import type { InstanceRefreshStatus } from "@aws-sdk/client-auto-scaling";
import type { PollingConfig, RefreshOutcome } from "./contract";
import { UnknownRefreshStatusError } from "./errors";

/** Auto Scaling statuses reduced to what the workflow acts on, and when to look again. */

const OUTCOME_OF: Readonly<Record<InstanceRefreshStatus, RefreshOutcome>> = {
    Pending: "InProgress",
    InProgress: "InProgress",
    Baking: "InProgress",
    Cancelling: "InProgress",
    RollbackInProgress: "InProgress",
    Successful: "Successful",
    Failed: "Failed",
    Cancelled: "Cancelled",
    RollbackSuccessful: "RollbackSuccessful",
    RollbackFailed: "RollbackFailed",
};

export function isActiveStatus(status: string | undefined): boolean {
    return status !== undefined && Object.hasOwn(OUTCOME_OF, status) && OUTCOME_OF[status as InstanceRefreshStatus] === "InProgress";
}

/** A status this code does not know fails the group rather than being taken for success or progress. */
export function outcomeOf(status: string | undefined): RefreshOutcome {
    if (status === undefined || !Object.hasOwn(OUTCOME_OF, status))
        throw new UnknownRefreshStatusError(`unknown instance refresh status ${JSON.stringify(status)}`);
    return OUTCOME_OF[status as InstanceRefreshStatus];
}

/** Exponential backoff, capped: `attempt` 0 is the first wait after the refresh started. */
export function nextPollSeconds(attempt: number, polling: PollingConfig): number {
    const seconds = Math.round(polling.initialIntervalSeconds * polling.backoffRate ** attempt);
    return Math.min(polling.maxIntervalSeconds, Math.max(1, seconds));
}

export function deadlineAfter(now: Date, seconds: number): string {
    return new Date(now.getTime() + seconds * 1000).toISOString();
}

export function isPastDeadline(now: Date, deadline: string): boolean {
    return now.getTime() > Date.parse(deadline);
}
