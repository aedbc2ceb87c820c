import type { InstanceRefresh, RefreshPreferences, StartInstanceRefreshCommandInput } from "@aws-sdk/client-auto-scaling";
import { launchSettingsAt } from "../fleet-discovery/launch-template-spec";
import type { PreparedGroup } from "../launch-template-version/contract";
import type { RefreshPreferencesConfig } from "./contract";

/**
 * Instance refresh settings that work with ECS: instances ECS protects from scale-in while they run tasks
 * are replaced (managed draining moves the tasks first) instead of stalling the refresh for an hour, and a
 * failed refresh or a breached alarm rolls the group back to the version it ran before.
 */

export function refreshPreferences(config: RefreshPreferencesConfig): RefreshPreferences {
    return {
        MinHealthyPercentage: config.minHealthyPercentage,
        ...(config.maxHealthyPercentage !== undefined ? { MaxHealthyPercentage: config.maxHealthyPercentage } : {}),
        InstanceWarmup: config.instanceWarmupSeconds,
        SkipMatching: config.skipMatching,
        AutoRollback: true,
        ScaleInProtectedInstances: "Refresh",
        StandbyInstances: "Terminate",
        ...(config.alarmNames.length > 0 ? { AlarmSpecification: { Alarms: [...config.alarmNames] } } : {}),
        ...(config.checkpointPercentages !== undefined && config.checkpointPercentages.length > 0
            ? {
                  CheckpointPercentages: [...config.checkpointPercentages],
                  ...(config.checkpointDelaySeconds !== undefined ? { CheckpointDelay: config.checkpointDelaySeconds } : {}),
              }
            : {}),
        ...(config.bakeTimeSeconds !== undefined ? { BakeTime: config.bakeTimeSeconds } : {}),
    };
}

export function startRefreshInput(group: PreparedGroup, config: RefreshPreferencesConfig): StartInstanceRefreshCommandInput {
    return {
        AutoScalingGroupName: group.autoScalingGroupName,
        Strategy: "Rolling",
        DesiredConfiguration: launchSettingsAt(group, group.targetVersion),
        Preferences: refreshPreferences(config),
    };
}

/** Whether a refresh already under way rolls out exactly this run's launch template version. */
export function targetsVersion(refresh: InstanceRefresh, group: PreparedGroup): boolean {
    const desired = refresh.DesiredConfiguration;
    const spec = desired?.LaunchTemplate ?? desired?.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    return spec?.LaunchTemplateId === group.launchTemplate.launchTemplateId && spec?.Version === group.targetVersion;
}
