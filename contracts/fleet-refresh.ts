import type { MixedInstancesPolicy } from "@aws-sdk/client-auto-scaling";

/**
 * The data the fleet-refresh workflow carries between its Lambdas. Everything here is plain JSON:
 * it travels through Step Functions state (256 KiB limit), so it holds only what later steps need.
 */

export interface TagFilter {
    key: string;
    value: string;
}

/** A launch template exactly as the Auto Scaling group references it ("$Latest", "$Default" or a number). */
interface LaunchTemplateRef {
    launchTemplateId: string;
    launchTemplateName?: string;
    version: string;
}

export interface RefreshGroup {
    clusterName: string;
    capacityProviderName: string;
    autoScalingGroupName: string;
    autoScalingGroupArn: string;
    launchTemplate: LaunchTemplateRef;
    /** Present when the group launches through a mixed instances policy; the refresh must send it back whole. */
    mixedInstancesPolicy?: MixedInstancesPolicy;
    managedScaling: boolean;
    managedTerminationProtection: boolean;
    managedDraining: boolean;
    desiredCapacity: number;
}

export interface Wave {
    index: number;
    groups: RefreshGroup[];
}

const SKIP_REASONS = [
    "cluster-inactive",
    "fargate-provider",
    "not-an-auto-scaling-group-provider",
    "capacity-provider-not-found",
    "auto-scaling-group-not-found",
    "launch-configuration",
    "launch-template-id-missing",
    "mixed-instances-override-template",
    "missing-refresh-tag",
    "managed-draining-disabled",
    "duplicate-auto-scaling-group",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface Skipped {
    kind: "cluster" | "capacity-provider" | "auto-scaling-group";
    name: string;
    clusterName: string;
    reason: SkipReason;
}

/**
 * Most Auto Scaling groups one fleet-refresh execution may roll out. A standard execution's history
 * holds at most 25,000 events (Step Functions service quotas); a refresh polled to its deadline and
 * then rolled back, polled to its own, in waves of one group (the most per-wave events) costs about
 * 770 events per group, so 32 groups (24,610 events) is the largest fleet that stays under the quota,
 * as tests/workflows/step-functions-limits.test.ts computes on the real definition. Larger fleets are
 * refused (split them by cluster tags), never truncated. A slower polling lowers the cap further:
 * workflows/fleet-refresh-history.ts derives it from the polling the workflow runs with.
 */
export const MAX_GROUPS_PER_RUN = 32;

export interface DiscoveryRequest {
    /** The execution input: `{ "imageId": "ami-..." }` or the forwarded Image Builder state-change event. */
    source: unknown;
    selection: {
        requiredClusterTags: TagFilter[];
        requireManagedDraining: boolean;
    };
    waves: {
        size: number;
        firstWaveSize?: number;
    };
    /** Refuse the fleet when it has more groups than this (at most MAX_GROUPS_PER_RUN). */
    maxGroups: number;
}

export interface DiscoveryResult {
    imageId: string;
    clusterCount: number;
    groupCount: number;
    waves: Wave[];
    skipped: Skipped[];
}
