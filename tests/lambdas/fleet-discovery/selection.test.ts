import assert from "node:assert/strict";
import type { AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import type { CapacityProvider } from "@aws-sdk/client-ecs";
import fc from "fast-check";
import { autoScalingGroupNameOf, isFargateProvider } from "../../../lambdas/fleet-discovery/capacity-providers";
import type { RefreshGroup } from "../../../contracts/fleet-refresh";
import { decideGroup, type GroupPolicy } from "../../../lambdas/fleet-discovery/groups";
import { matchesAllTags } from "../../../lambdas/fleet-discovery/tags";
import { planWaves } from "../../../lambdas/fleet-discovery/waves";

const TAG = { key: "lakewarden:ami-refresh", value: "enabled" };
const POLICY: GroupPolicy = { refreshTag: TAG, requireManagedDraining: true };

function provider(overrides: Partial<NonNullable<CapacityProvider["autoScalingGroupProvider"]>> = {}): CapacityProvider {
    return {
        name: "cp-1",
        autoScalingGroupProvider: {
            autoScalingGroupArn: "arn:aws:autoscaling:eu-west-1:222222222222:autoScalingGroup:uuid:autoScalingGroupName/asg-1",
            managedScaling: { status: "ENABLED" },
            managedTerminationProtection: "ENABLED",
            managedDraining: "ENABLED",
            ...overrides,
        },
    };
}

function asg(overrides: Partial<AutoScalingGroup> = {}): AutoScalingGroup {
    return {
        AutoScalingGroupName: "asg-1",
        AutoScalingGroupARN: "arn:aws:autoscaling:eu-west-1:222222222222:autoScalingGroup:uuid:autoScalingGroupName/asg-1",
        MinSize: 1,
        MaxSize: 3,
        DesiredCapacity: 2,
        DefaultCooldown: 300,
        AvailabilityZones: ["eu-west-1a"],
        HealthCheckType: "EC2",
        CreatedTime: new Date(0),
        LaunchTemplate: { LaunchTemplateId: "lt-0123456789abcdef0", Version: "4" },
        Tags: [{ Key: TAG.key, Value: TAG.value }],
        ...overrides,
    };
}

describe("fleet-discovery selection", () => {
    describe("matchesAllTags", () => {
        const tags = [
            { key: "env", value: "prod" },
            { key: "team", value: "data" },
        ];
        it("needs every required tag with its exact value; extra tags do not matter", () => {
            assert.equal(matchesAllTags(tags, [{ key: "env", value: "prod" }]), true);
            assert.equal(
                matchesAllTags(tags, [
                    { key: "env", value: "prod" },
                    { key: "team", value: "data" },
                ]),
                true,
            );
            assert.equal(
                matchesAllTags(tags, [
                    { key: "env", value: "prod" },
                    { key: "team", value: "web" },
                ]),
                false,
            );
            assert.equal(matchesAllTags(tags, [{ key: "env", value: "Prod" }]), false, "values are case-sensitive");
            assert.equal(matchesAllTags(tags, [{ key: "owner", value: "" }]), false, "an absent key never matches, not even an empty value");
            assert.equal(matchesAllTags(undefined, [{ key: "env", value: "prod" }]), false);
        });
    });

    describe("capacity providers", () => {
        it("recognises the Fargate providers only", () => {
            assert.equal(isFargateProvider("FARGATE"), true);
            assert.equal(isFargateProvider("FARGATE_SPOT"), true);
            assert.equal(isFargateProvider("fargate-like-ec2"), false);
        });
        it("reads the group name from an ARN or takes a bare name as is", () => {
            assert.equal(autoScalingGroupNameOf("arn:aws:autoscaling:eu-west-1:1:autoScalingGroup:u:autoScalingGroupName/prod/ecs-a"), "prod/ecs-a");
            assert.equal(autoScalingGroupNameOf("ecs-a"), "ecs-a");
            assert.throws(() => autoScalingGroupNameOf("arn:aws:autoscaling:eu-west-1:1:autoScalingGroup:u"), /not an Auto Scaling group ARN/);
        });
    });

    describe("decideGroup", () => {
        it("keeps a tagged launch-template group, with managed scaling on or off", () => {
            const on = decideGroup("c", provider(), asg(), POLICY);
            assert.ok("group" in on);
            assert.deepEqual(on.group.launchTemplate, { launchTemplateId: "lt-0123456789abcdef0", version: "4" });
            assert.equal(on.group.managedScaling, true);
            const off = decideGroup("c", provider({ managedScaling: { status: "DISABLED" }, managedTerminationProtection: "DISABLED" }), asg(), POLICY);
            assert.ok("group" in off);
            assert.equal(off.group.managedScaling, false);
            assert.equal(off.group.managedTerminationProtection, false);
        });

        it("reads an unset version as $Default", () => {
            const decision = decideGroup("c", provider(), asg({ LaunchTemplate: { LaunchTemplateId: "lt-0123456789abcdef0" } }), POLICY);
            assert.ok("group" in decision);
            assert.equal(decision.group.launchTemplate.version, "$Default");
        });

        it("keeps a mixed instances policy whole, but skips one with per-type templates", () => {
            const policy = {
                LaunchTemplate: {
                    LaunchTemplateSpecification: { LaunchTemplateId: "lt-0123456789abcdef0", Version: "$Latest" },
                    Overrides: [{ InstanceType: "m7i.large" }],
                },
            };
            const mixed = decideGroup("c", provider(), asg({ LaunchTemplate: undefined, MixedInstancesPolicy: policy }), POLICY);
            assert.ok("group" in mixed);
            assert.deepEqual(mixed.group.mixedInstancesPolicy, policy);
            assert.equal(mixed.group.launchTemplate.version, "$Latest");
            const perType = {
                LaunchTemplate: {
                    LaunchTemplateSpecification: { LaunchTemplateId: "lt-0123456789abcdef0" },
                    Overrides: [{ InstanceType: "m7g.large", LaunchTemplateSpecification: { LaunchTemplateId: "lt-0fedcba9876543210" } }],
                },
            };
            assert.deepEqual(decideGroup("c", provider(), asg({ LaunchTemplate: undefined, MixedInstancesPolicy: perType }), POLICY), {
                skip: "mixed-instances-override-template",
                kind: "auto-scaling-group",
            });
        });

        it("says why a group is left alone", () => {
            const cases: [CapacityProvider, AutoScalingGroup | undefined, GroupPolicy, string][] = [
                [{ name: "cp-managed-instances" }, asg(), POLICY, "not-an-auto-scaling-group-provider"],
                [provider(), undefined, POLICY, "auto-scaling-group-not-found"],
                [provider(), asg({ LaunchTemplate: undefined, LaunchConfigurationName: "lc" }), POLICY, "launch-configuration"],
                [provider(), asg({ LaunchTemplate: { LaunchTemplateName: "by-name-only" } }), POLICY, "launch-template-id-missing"],
                [provider(), asg({ Tags: [{ Key: TAG.key, Value: "disabled" }] }), POLICY, "missing-refresh-tag"],
                [provider({ managedDraining: "DISABLED" }), asg(), POLICY, "managed-draining-disabled"],
            ];
            for (const [p, g, policy, reason] of cases) {
                const decision = decideGroup("c", p, g, policy);
                assert.ok("skip" in decision, reason);
                assert.equal(decision.skip, reason);
            }
            assert.ok("group" in decideGroup("c", provider({ managedDraining: "DISABLED" }), asg(), { ...POLICY, requireManagedDraining: false }));
        });
    });

    describe("planWaves", () => {
        const group = (cluster: string, name: string) => ({ clusterName: cluster, autoScalingGroupName: name }) as RefreshGroup;

        it("orders by cluster then group name and cuts waves of the configured size, with an optional canary", () => {
            const groups = [group("b", "b-2"), group("a", "a-2"), group("b", "b-1"), group("a", "a-1"), group("c", "c-1")];
            const waves = planWaves(groups, { size: 2 });
            assert.deepEqual(
                waves.map(w => w.groups.map(g => g.autoScalingGroupName)),
                [["a-1", "a-2"], ["b-1", "b-2"], ["c-1"]],
            );
            assert.deepEqual(
                waves.map(w => w.index),
                [0, 1, 2],
            );
            const canary = planWaves(groups, { size: 3, firstWaveSize: 1 });
            assert.deepEqual(
                canary.map(w => w.groups.length),
                [1, 3, 1],
            );
            assert.deepEqual(planWaves([], { size: 5 }), []);
            assert.throws(() => planWaves(groups, { size: 0 }), RangeError);
        });

        it("puts every group in exactly one wave, no wave larger than allowed, whatever the input order", () => {
            fc.assert(
                fc.property(
                    fc.uniqueArray(fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: 0, max: 99 })), {
                        selector: ([c, n]) => `${c}${n}`,
                        maxLength: 60,
                    }),
                    fc.integer({ min: 1, max: 10 }),
                    fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
                    (pairs, size, firstWaveSize) => {
                        const groups = pairs.map(([c, n]) => group(c, `${c}-${String(n).padStart(2, "0")}`));
                        const waves = planWaves(groups, { size, firstWaveSize });
                        const flat = waves.flatMap(w => w.groups.map(g => g.autoScalingGroupName));
                        assert.deepEqual([...flat].sort(), groups.map(g => g.autoScalingGroupName).sort());
                        waves.forEach((w, i) => assert.ok(w.groups.length >= 1 && w.groups.length <= (i === 0 ? (firstWaveSize ?? size) : size)));
                        assert.deepEqual(planWaves([...groups].reverse(), { size, firstWaveSize }), waves);
                    },
                ),
            );
        });
    });
});
