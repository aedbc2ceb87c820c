import assert from "node:assert/strict";
import type { RefreshPreferencesConfig } from "../../../lambdas/instance-refresh/contract";
import { refreshPreferences, startRefreshInput, targetsVersion } from "../../../lambdas/instance-refresh/preferences";
import { refreshPreferencesSchema } from "../../../lambdas/instance-refresh/request";
import type { PreparedGroup } from "../../../lambdas/launch-template-version/contract";

const CONFIG: RefreshPreferencesConfig = {
    minHealthyPercentage: 90,
    maxHealthyPercentage: 150,
    instanceWarmupSeconds: 300,
    checkpointPercentages: [25, 100],
    checkpointDelaySeconds: 600,
    bakeTimeSeconds: 900,
    alarmNames: ["fleet-5xx", "fleet-cpu"],
    skipMatching: true,
};

const GROUP = {
    autoScalingGroupName: "asg-a",
    launchTemplate: { launchTemplateId: "lt-0123456789abcdef0", version: "$Latest" },
    sourceVersion: "3",
    targetVersion: "4",
} as PreparedGroup;

describe("instance-refresh preferences", () => {
    it("replaces scale-in protected instances, terminates standby ones and rolls back on failure or alarm", () => {
        assert.deepEqual(refreshPreferences(CONFIG), {
            MinHealthyPercentage: 90,
            MaxHealthyPercentage: 150,
            InstanceWarmup: 300,
            SkipMatching: true,
            AutoRollback: true,
            ScaleInProtectedInstances: "Refresh",
            StandbyInstances: "Terminate",
            AlarmSpecification: { Alarms: ["fleet-5xx", "fleet-cpu"] },
            CheckpointPercentages: [25, 100],
            CheckpointDelay: 600,
            BakeTime: 900,
        });
    });

    it("leaves out what is not configured instead of sending empty values", () => {
        const minimal = refreshPreferences({ minHealthyPercentage: 100, instanceWarmupSeconds: 60, alarmNames: [], skipMatching: false });
        assert.deepEqual(Object.keys(minimal).sort(), [
            "AutoRollback",
            "InstanceWarmup",
            "MinHealthyPercentage",
            "ScaleInProtectedInstances",
            "SkipMatching",
            "StandbyInstances",
        ]);
    });

    it("targets the new version explicitly, whole mixed instances policy included", () => {
        assert.deepEqual(startRefreshInput(GROUP, CONFIG).DesiredConfiguration, { LaunchTemplate: { LaunchTemplateId: "lt-0123456789abcdef0", Version: "4" } });
        assert.equal(startRefreshInput(GROUP, CONFIG).Strategy, "Rolling");
        const policy = {
            LaunchTemplate: {
                LaunchTemplateSpecification: { LaunchTemplateId: "lt-0123456789abcdef0", Version: "3" },
                Overrides: [{ InstanceType: "m7i.large" }],
            },
            InstancesDistribution: { SpotAllocationStrategy: "price-capacity-optimized" },
        };
        const mixed = startRefreshInput({ ...GROUP, mixedInstancesPolicy: policy }, CONFIG).DesiredConfiguration;
        assert.deepEqual(mixed, {
            MixedInstancesPolicy: {
                ...policy,
                LaunchTemplate: { ...policy.LaunchTemplate, LaunchTemplateSpecification: { LaunchTemplateId: "lt-0123456789abcdef0", Version: "4" } },
            },
        });
    });

    it("recognises a refresh towards this run's version only", () => {
        assert.equal(targetsVersion({ DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: "lt-0123456789abcdef0", Version: "4" } } }, GROUP), true);
        assert.equal(targetsVersion({ DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: "lt-0123456789abcdef0", Version: "5" } } }, GROUP), false);
        assert.equal(targetsVersion({}, GROUP), false, "a refresh without desired configuration is someone else's");
    });

    it("validates the settings the way Auto Scaling constrains them", () => {
        assert.equal(refreshPreferencesSchema.safeParse(CONFIG).success, true);
        const bad: Partial<RefreshPreferencesConfig>[] = [
            { checkpointPercentages: [50, 90] },
            { checkpointPercentages: [60, 50, 100] },
            { maxHealthyPercentage: 250 },
            { minHealthyPercentage: 20, maxHealthyPercentage: 150 },
            { checkpointPercentages: undefined, checkpointDelaySeconds: 60 },
            { alarmNames: Array.from({ length: 11 }, (_, i) => `alarm-${i}`) },
        ];
        for (const change of bad) assert.equal(refreshPreferencesSchema.safeParse({ ...CONFIG, ...change }).success, false, JSON.stringify(change));
    });
});
