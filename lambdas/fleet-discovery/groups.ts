import type { AutoScalingGroup, LaunchTemplateSpecification } from "@aws-sdk/client-auto-scaling";
import type { CapacityProvider } from "@aws-sdk/client-ecs";
import type { RefreshGroup, SkipReason, TagFilter } from "../../contracts/fleet-refresh";
import { fromAwsTags, matchesAllTags } from "./tags";

/** Turns one capacity provider and its Auto Scaling group into a refresh target, or says why not. */

export interface GroupPolicy {
    refreshTag: TagFilter;
    requireManagedDraining: boolean;
}

export type GroupDecision = { group: RefreshGroup } | { skip: SkipReason; kind: "capacity-provider" | "auto-scaling-group" };

// An unset version in the group's specification means the template's default version.
const DEFAULT_VERSION = "$Default";

interface TemplateChoice {
    spec: LaunchTemplateSpecification;
    mixed: boolean;
}

function templateOf(asg: AutoScalingGroup): TemplateChoice | SkipReason {
    if (asg.LaunchTemplate !== undefined) return { spec: asg.LaunchTemplate, mixed: false };
    const mixedTemplate = asg.MixedInstancesPolicy?.LaunchTemplate;
    if (mixedTemplate?.LaunchTemplateSpecification !== undefined) {
        // Per-instance-type templates (e.g. one per architecture) cannot all take one image.
        const overridden = (mixedTemplate.Overrides ?? []).some(override => override.LaunchTemplateSpecification !== undefined);
        return overridden ? "mixed-instances-override-template" : { spec: mixedTemplate.LaunchTemplateSpecification, mixed: true };
    }
    return "launch-configuration";
}

export function decideGroup(clusterName: string, provider: CapacityProvider, asg: AutoScalingGroup | undefined, policy: GroupPolicy): GroupDecision {
    const asgProvider = provider.autoScalingGroupProvider;
    if (asgProvider === undefined) return { skip: "not-an-auto-scaling-group-provider", kind: "capacity-provider" };
    if (asg === undefined) return { skip: "auto-scaling-group-not-found", kind: "auto-scaling-group" };
    const template = templateOf(asg);
    if (typeof template === "string") return { skip: template, kind: "auto-scaling-group" };
    if (template.spec.LaunchTemplateId === undefined) return { skip: "launch-template-id-missing", kind: "auto-scaling-group" };
    if (!matchesAllTags(fromAwsTags(asg.Tags), [policy.refreshTag])) return { skip: "missing-refresh-tag", kind: "auto-scaling-group" };
    const managedDraining = asgProvider.managedDraining === "ENABLED";
    if (policy.requireManagedDraining && !managedDraining) return { skip: "managed-draining-disabled", kind: "capacity-provider" };
    return {
        group: {
            clusterName,
            capacityProviderName: provider.name ?? "",
            autoScalingGroupName: asg.AutoScalingGroupName ?? "",
            autoScalingGroupArn: asg.AutoScalingGroupARN ?? "",
            launchTemplate: {
                launchTemplateId: template.spec.LaunchTemplateId,
                ...(template.spec.LaunchTemplateName !== undefined ? { launchTemplateName: template.spec.LaunchTemplateName } : {}),
                version: template.spec.Version ?? DEFAULT_VERSION,
            },
            ...(template.mixed && asg.MixedInstancesPolicy !== undefined ? { mixedInstancesPolicy: asg.MixedInstancesPolicy } : {}),
            managedScaling: asgProvider.managedScaling?.status === "ENABLED",
            managedTerminationProtection: asgProvider.managedTerminationProtection === "ENABLED",
            managedDraining,
            desiredCapacity: asg.DesiredCapacity ?? 0,
        },
    };
}
