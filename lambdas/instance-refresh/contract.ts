import type { PreparedGroup } from "../launch-template-version/contract";

/** Requests the refresh steps of the workflow send, and the tracking record they pass from poll to poll. */

export interface RefreshPreferencesConfig {
    minHealthyPercentage: number;
    maxHealthyPercentage?: number;
    instanceWarmupSeconds: number;
    checkpointPercentages?: number[];
    checkpointDelaySeconds?: number;
    /** Auto Scaling keeps watching the alarms this long after the last replacement before calling it done. */
    bakeTimeSeconds?: number;
    alarmNames: string[];
    skipMatching: boolean;
}

export interface PollingConfig {
    initialIntervalSeconds: number;
    maxIntervalSeconds: number;
    backoffRate: number;
    /** Per group: after this long in progress the workflow asks Auto Scaling to roll the group back. */
    timeoutSeconds: number;
}

export const OUTCOMES = ["InProgress", "Successful", "Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed", "TimedOut"] as const;
export type RefreshOutcome = (typeof OUTCOMES)[number];

export interface RefreshTracking {
    autoScalingGroupName: string;
    instanceRefreshId: string;
    /** The raw Auto Scaling status, e.g. "Baking" while `outcome` is "InProgress". */
    status: string;
    outcome: RefreshOutcome;
    /** Always present (empty when Auto Scaling gives none): the state machine quotes it in notifications. */
    statusReason: string;
    percentageComplete: number;
    attempt: number;
    nextPollSeconds: number;
    /** ISO timestamp after which an unfinished refresh counts as timed out. */
    deadline: string;
    rollbackRequested: boolean;
    /** True when the run found its own refresh already started (a retried start) instead of starting one. */
    adopted: boolean;
}

export type RefreshRequest =
    | { action: "start"; group: PreparedGroup; preferences: RefreshPreferencesConfig; polling: PollingConfig }
    | { action: "describe"; tracking: RefreshTracking; polling: PollingConfig }
    | { action: "rollback"; tracking: RefreshTracking; polling: PollingConfig };
