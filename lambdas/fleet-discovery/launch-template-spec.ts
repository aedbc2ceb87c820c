import type { LaunchTemplateSpecification, MixedInstancesPolicy } from "@aws-sdk/client-auto-scaling";
import type { RefreshGroup } from "../../contracts/fleet-refresh";

/**
 * The group's launch configuration with only the launch template version changed, in the shape
 * UpdateAutoScalingGroup and StartInstanceRefresh's DesiredConfiguration both take. A group with a
 * mixed instances policy gets its whole policy back, so instance types and distribution stay as they are.
 */

export type LaunchSettings = { LaunchTemplate: LaunchTemplateSpecification } | { MixedInstancesPolicy: MixedInstancesPolicy };

export function launchSettingsAt(group: RefreshGroup, version: string): LaunchSettings {
    const specification: LaunchTemplateSpecification = { LaunchTemplateId: group.launchTemplate.launchTemplateId, Version: version };
    if (group.mixedInstancesPolicy === undefined) return { LaunchTemplate: specification };
    return {
        MixedInstancesPolicy: {
            ...group.mixedInstancesPolicy,
            LaunchTemplate: { ...group.mixedInstancesPolicy.LaunchTemplate, LaunchTemplateSpecification: specification },
        },
    };
}
