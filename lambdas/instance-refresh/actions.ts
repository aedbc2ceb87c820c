import type { InstanceRefresh, StartInstanceRefreshCommandInput } from "@aws-sdk/client-auto-scaling";
import type { PreparedGroup } from "../launch-template-version/contract";
import type { PollingConfig, RefreshPreferencesConfig, RefreshTracking } from "./contract";
import { ForeignRefreshInProgressError, RefreshNotFoundError } from "./errors";
import { startRefreshInput, targetsVersion } from "./preferences";
import { deadlineAfter, isActiveStatus, isPastDeadline, nextPollSeconds, outcomeOf } from "./status";

/** Start, poll and roll back one group's instance refresh; every step returns the next tracking record. */

export interface RefreshPort {
    listRefreshes(autoScalingGroupName: string): Promise<InstanceRefresh[]>;
    describeRefresh(autoScalingGroupName: string, instanceRefreshId: string): Promise<InstanceRefresh | undefined>;
    startRefresh(input: StartInstanceRefreshCommandInput): Promise<string>;
    /** Undefined when the group has no active refresh left to roll back (it finished meanwhile). */
    rollbackRefresh(autoScalingGroupName: string): Promise<string | undefined>;
}

function freshTracking(autoScalingGroupName: string, instanceRefreshId: string, status: string, polling: PollingConfig, now: Date): RefreshTracking {
    return {
        autoScalingGroupName,
        instanceRefreshId,
        status,
        outcome: "InProgress",
        statusReason: "",
        percentageComplete: 0,
        attempt: 0,
        nextPollSeconds: nextPollSeconds(0, polling),
        deadline: deadlineAfter(now, polling.timeoutSeconds),
        rollbackRequested: false,
        adopted: false,
    };
}

export async function startRefresh(
    port: RefreshPort,
    request: { group: PreparedGroup; preferences: RefreshPreferencesConfig; polling: PollingConfig },
    now: Date,
): Promise<RefreshTracking> {
    const { group, polling } = request;
    const active = (await port.listRefreshes(group.autoScalingGroupName)).find(refresh => isActiveStatus(refresh.Status));
    if (active !== undefined) {
        // A retried start finds its own refresh; anyone else's is left alone and fails this group.
        if (!targetsVersion(active, group) || active.InstanceRefreshId === undefined) {
            throw new ForeignRefreshInProgressError(
                `${group.autoScalingGroupName} already runs instance refresh ${active.InstanceRefreshId ?? "(no id)"} towards another configuration`,
            );
        }
        return { ...freshTracking(group.autoScalingGroupName, active.InstanceRefreshId, active.Status ?? "Pending", polling, now), adopted: true };
    }
    const instanceRefreshId = await port.startRefresh(startRefreshInput(group, request.preferences));
    return freshTracking(group.autoScalingGroupName, instanceRefreshId, "Pending", polling, now);
}

export async function describeRefresh(port: RefreshPort, request: { tracking: RefreshTracking; polling: PollingConfig }, now: Date): Promise<RefreshTracking> {
    const { tracking, polling } = request;
    const refresh = await port.describeRefresh(tracking.autoScalingGroupName, tracking.instanceRefreshId);
    if (refresh === undefined) {
        throw new RefreshNotFoundError(`instance refresh ${tracking.instanceRefreshId} of ${tracking.autoScalingGroupName} is not reported any more`);
    }
    const outcome = outcomeOf(refresh.Status);
    const attempt = tracking.attempt + 1;
    return {
        ...tracking,
        status: refresh.Status ?? "",
        outcome: outcome === "InProgress" && isPastDeadline(now, tracking.deadline) ? "TimedOut" : outcome,
        statusReason: refresh.StatusReason ?? "",
        percentageComplete: refresh.PercentageComplete ?? 0,
        attempt,
        nextPollSeconds: nextPollSeconds(attempt, polling),
    };
}

export async function rollbackRefresh(port: RefreshPort, request: { tracking: RefreshTracking; polling: PollingConfig }, now: Date): Promise<RefreshTracking> {
    const { tracking, polling } = request;
    const rolledBack = await port.rollbackRefresh(tracking.autoScalingGroupName);
    return {
        ...tracking,
        instanceRefreshId: rolledBack ?? tracking.instanceRefreshId,
        status: rolledBack === undefined ? tracking.status : "RollbackInProgress",
        outcome: "InProgress",
        rollbackRequested: true,
        attempt: 0,
        nextPollSeconds: nextPollSeconds(0, polling),
        deadline: deadlineAfter(now, polling.timeoutSeconds),
    };
}
