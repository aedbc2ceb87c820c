import "../../../support/fleet-refresh/environment";
import assert from "node:assert/strict";
import { awsFixture } from "../../fixtures/aws/load";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeCapacityProvidersCommand, DescribeClustersCommand, ListClustersCommand } from "@aws-sdk/client-ecs";
import { type DiscoveryRequest, MAX_GROUPS_PER_RUN } from "../../../contracts/fleet-refresh";
import { handler } from "../../../lambdas/fleet-discovery/handler";
import { BUILD_ACCOUNT, FakeFleetCloud, NEW_IMAGE, OLD_IMAGE } from "../../../support/fleet-refresh/fake-cloud";

const PROD = { "lakewarden:fleet": "prod", team: "data" };

function request(overrides: Partial<DiscoveryRequest> = {}): DiscoveryRequest {
    return {
        source: { imageId: NEW_IMAGE },
        selection: {
            requiredClusterTags: [
                { key: "lakewarden:fleet", value: "prod" },
                { key: "team", value: "data" },
            ],
            requireManagedDraining: true,
        },
        waves: { size: 5 },
        maxGroups: MAX_GROUPS_PER_RUN,
        ...overrides,
    };
}

const groupNames = (result: Awaited<ReturnType<typeof handler>>) => result.waves.flatMap(w => w.groups.map(g => g.autoScalingGroupName));

describe("fleet-discovery handler", () => {
    let cloud: FakeFleetCloud;
    afterEach(() => cloud.restore());

    it("pages through ListClusters and describes clusters with their tags in batches of at most 100", async () => {
        cloud = new FakeFleetCloud({ clusters: 7, groups: 100 }).addImage(NEW_IMAGE, BUILD_ACCOUNT);
        for (let i = 0; i < 240; i++)
            cloud.addCluster(`other-${String(i).padStart(3, "0")}`, { tags: { "lakewarden:fleet": "dev", team: "data" }, providers: [] });
        for (let i = 1; i <= 12; i++) cloud.addStandardCluster(`prod-${String(i).padStart(2, "0")}`, PROD, 1);

        const result = await handler(request());

        assert.equal(cloud.ecs.commandCalls(ListClustersCommand).length, Math.ceil(252 / 7));
        const describes = cloud.ecs.commandCalls(DescribeClustersCommand).map(call => call.args[0].input);
        assert.deepEqual(
            describes.map(input => input.clusters?.length),
            [100, 100, 52],
        );
        assert.ok(
            describes.every(input => input.include?.includes("TAGS")),
            "tags are only returned when asked for",
        );
        assert.equal(result.clusterCount, 12);
        assert.equal(result.groupCount, 12);
        assert.deepEqual(
            result.waves.map(w => w.groups.length),
            [5, 5, 2],
        );
    });

    it("selects only clusters carrying every required tag with its value", async () => {
        cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT);
        cloud.addStandardCluster("all-tags", { ...PROD, extra: "ignored" }, 1);
        cloud.addStandardCluster("one-tag-missing", { "lakewarden:fleet": "prod" }, 1);
        cloud.addStandardCluster("wrong-value", { "lakewarden:fleet": "production", team: "data" }, 1);
        cloud.addStandardCluster("untagged", {}, 1);

        const result = await handler(request());

        assert.deepEqual(groupNames(result), ["asg-all-tags-01"]);
        assert.equal(result.clusterCount, 1);
    });

    it("skips Fargate, handles EC2 providers with managed scaling on or off, and names what it left out", async () => {
        cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT);
        cloud
            .addLaunchTemplate("lt-00000000000000a01")
            .addGroup("asg-scaling-on", { launchTemplateId: "lt-00000000000000a01" })
            .addGroup("asg-scaling-off", { launchTemplateId: "lt-00000000000000a01", version: "$Latest" })
            .addGroup("asg-untagged", { launchTemplateId: "lt-00000000000000a01", tagged: false })
            .addGroup("asg-no-draining", { launchTemplateId: "lt-00000000000000a01" })
            .addGroup("asg-launch-config", { launchTemplateId: "lt-00000000000000a01", launchConfiguration: true })
            .addProvider("cp-on", { group: "asg-scaling-on" })
            .addProvider("cp-off", { group: "asg-scaling-off", managedScaling: false, arnStyle: "name" })
            .addProvider("cp-untagged", { group: "asg-untagged" })
            .addProvider("cp-no-draining", { group: "asg-no-draining", managedDraining: false })
            .addProvider("cp-launch-config", { group: "asg-launch-config" })
            .addProvider("cp-managed-instances")
            .addCluster("mixed", {
                tags: PROD,
                providers: [
                    "FARGATE",
                    "FARGATE_SPOT",
                    "cp-on",
                    "cp-off",
                    "cp-untagged",
                    "cp-no-draining",
                    "cp-launch-config",
                    "cp-managed-instances",
                    "cp-deleted",
                ],
            })
            .addCluster("stopped", { tags: PROD, providers: ["cp-on"], status: "INACTIVE" });

        const result = await handler(request());

        assert.deepEqual(groupNames(result), ["asg-scaling-off", "asg-scaling-on"]);
        const byName = new Map(result.waves.flatMap(w => w.groups).map(g => [g.autoScalingGroupName, g]));
        assert.equal(byName.get("asg-scaling-on")?.managedScaling, true);
        assert.equal(byName.get("asg-scaling-off")?.managedScaling, false);
        assert.equal(byName.get("asg-scaling-off")?.launchTemplate.version, "$Latest");
        assert.deepEqual(result.skipped.map(s => `${s.clusterName}/${s.name}: ${s.reason}`).sort(), [
            "mixed/FARGATE: fargate-provider",
            "mixed/FARGATE_SPOT: fargate-provider",
            "mixed/asg-launch-config: launch-configuration",
            "mixed/asg-untagged: missing-refresh-tag",
            "mixed/cp-deleted: capacity-provider-not-found",
            "mixed/cp-managed-instances: not-an-auto-scaling-group-provider",
            "mixed/cp-no-draining: managed-draining-disabled",
            "stopped/stopped: cluster-inactive",
        ]);
        const asked = cloud.ecs.commandCalls(DescribeCapacityProvidersCommand).flatMap(call => call.args[0].input.capacityProviders ?? []);
        assert.ok(!asked.includes("FARGATE") && !asked.includes("FARGATE_SPOT"), "Fargate providers are never described");
    });

    it("counts every group of a large fleet (capacity providers paged by ten, groups described by 50) and refuses it past the cap", async () => {
        cloud = new FakeFleetCloud({ clusters: 100, groups: 20 }).addImage(NEW_IMAGE, BUILD_ACCOUNT);
        cloud.addStandardCluster("big", PROD, 64);

        await assert.rejects(handler(request({ waves: { size: 10, firstWaveSize: 1 } })), {
            name: "FleetTooLarge",
            message: /^64 Auto Scaling groups in 1 clusters match the fleet; one run refreshes at most 32 \(maxGroupsPerRun\)/,
        });
        const providerCalls = cloud.ecs.commandCalls(DescribeCapacityProvidersCommand).map(call => call.args[0].input);
        assert.equal(providerCalls.length, 7);
        assert.ok(providerCalls.slice(1).every(input => input.nextToken !== undefined));
        const groupCalls = cloud.autoScaling.commandCalls(DescribeAutoScalingGroupsCommand).map(call => call.args[0].input);
        assert.ok(groupCalls.every(input => (input.AutoScalingGroupNames?.length ?? 0) <= 50));
        assert.deepEqual(new Set(groupCalls.map(input => input.AutoScalingGroupNames?.length)), new Set([50, 14]));
    });

    it("plans a fleet of exactly the cap, and refuses one group more rather than dropping it", async () => {
        cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT);
        cloud.addStandardCluster("prod-a", PROD, MAX_GROUPS_PER_RUN - 1);
        cloud.addStandardCluster("prod-b", PROD, 1);
        const result = await handler(request({ waves: { size: 10, firstWaveSize: 1 } }));
        assert.equal(result.groupCount, MAX_GROUPS_PER_RUN);
        assert.equal(groupNames(result).length, MAX_GROUPS_PER_RUN);
        assert.deepEqual(
            result.waves.map(w => w.groups.length),
            [1, 10, 10, 10, 1],
        );

        await assert.rejects(handler(request({ maxGroups: MAX_GROUPS_PER_RUN - 1 })), { name: "FleetTooLarge" });
        await assert.rejects(handler(request({ maxGroups: MAX_GROUPS_PER_RUN + 1 })), { name: "InvalidRequest" });
    });

    it("takes the AMI from the SSM parameter when started by an Image Builder event", async () => {
        cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT).setImageParameter(NEW_IMAGE);
        cloud.addStandardCluster("prod", PROD, 1);
        const result = await handler(request({ source: awsFixture("imagebuilder/image-state-change-available.json") }));
        assert.equal(result.imageId, NEW_IMAGE);
    });

    it("refuses an AMI from an account outside the allow-list before reading the fleet", async () => {
        cloud = new FakeFleetCloud().addImage(OLD_IMAGE, "999999999999");
        cloud.addStandardCluster("prod", PROD, 1);
        await assert.rejects(handler(request({ source: { imageId: OLD_IMAGE } })), { name: "ImageNotAllowed" });
        await assert.rejects(handler(request({ source: { imageId: "ami-0ccccccccccccccc2" } })), { name: "ImageNotAllowed" });
        assert.equal(cloud.ecs.commandCalls(ListClustersCommand).length, 0);
    });

    it("refuses a request without cluster tags rather than selecting every cluster", async () => {
        cloud = new FakeFleetCloud();
        await assert.rejects(handler({ ...request(), selection: { requiredClusterTags: [], requireManagedDraining: true } }), { name: "InvalidRequest" });
    });
});
