/**
 * The fleet-refresh execution's history cost, so a fleet cap can be derived from the polling it
 * runs with. A standard execution records at most 25,000 history events (Step Functions Developer
 * Guide, "Step Functions service quotas"); a run over it fails. The constants are the costs of the
 * worst case (waves of one group: the most per-wave events), and
 * tests/workflows/step-functions-limits.test.ts measures them on the real definition and fails when
 * they drift.
 */
import type { PollingConfig } from "../lambdas/instance-refresh/contract";
import { nextPollSeconds } from "../lambdas/instance-refresh/status";
import { MAX_HISTORY_EVENTS } from "./asl";

export const HISTORY_COST = {
    /** One group in one wave, polled once: the execution's fixed cost. */
    base: 91,
    /** Each further group, which in waves of one is also a further wave. */
    perGroupAndWave: 57,
    /** Each further poll of a refresh or rollback (Wait, describe Task, Choice). */
    perPoll: 9,
} as const;

/** Polls of one refresh that runs until its deadline: the waits until the timeout is spent. */
export function pollsUntilTimeout(polling: PollingConfig): number {
    let waited = 0;
    let polls = 0;
    while (waited <= polling.timeoutSeconds) waited += nextPollSeconds(polls++, polling);
    return polls;
}

/** Worst-case history events of a run over `groups` groups: every refresh and its rollback polled to their deadlines. */
export function worstCaseHistoryEvents(groups: number, polling: PollingConfig): number {
    const polls = 2 * pollsUntilTimeout(polling);
    return HISTORY_COST.base + (groups - 1) * HISTORY_COST.perGroupAndWave + groups * (polls - 1) * HISTORY_COST.perPoll;
}

/** The largest fleet whose worst case stays within the history quota under `polling` (0 if not even one group does). */
export function maxGroupsWithin(polling: PollingConfig): number {
    let groups = 0;
    while (worstCaseHistoryEvents(groups + 1, polling) <= MAX_HISTORY_EVENTS) groups++;
    return groups;
}
