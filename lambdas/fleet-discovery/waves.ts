import type { RefreshGroup, Wave } from "../../contracts/fleet-refresh";

/**
 * Splits the groups into waves. Order is deterministic (cluster, then group name) so a re-run after a
 * halt refreshes the same groups first; an optional smaller first wave serves as a canary.
 */

export interface WavePlan {
    size: number;
    firstWaveSize?: number;
}

function byClusterThenName(a: RefreshGroup, b: RefreshGroup): number {
    return a.clusterName.localeCompare(b.clusterName, "en") || a.autoScalingGroupName.localeCompare(b.autoScalingGroupName, "en");
}

export function planWaves(groups: readonly RefreshGroup[], plan: WavePlan): Wave[] {
    if (!Number.isInteger(plan.size) || plan.size < 1) throw new RangeError(`wave size must be a positive integer, got ${plan.size}`);
    const first = plan.firstWaveSize ?? plan.size;
    if (!Number.isInteger(first) || first < 1) throw new RangeError(`first wave size must be a positive integer, got ${first}`);
    const ordered = [...groups].sort(byClusterThenName);
    const waves: Wave[] = [];
    for (let start = 0; start < ordered.length;) {
        const size = waves.length === 0 ? first : plan.size;
        waves.push({ index: waves.length, groups: ordered.slice(start, start + size) });
        start += size;
    }
    return waves;
}
