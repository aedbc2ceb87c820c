import "../../../support/fleet-refresh/environment";
import assert from "node:assert/strict";
import { UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateVersionCommand } from "@aws-sdk/client-ec2";
import type { RefreshGroup, Wave } from "../../../contracts/fleet-refresh";
import { handler } from "../../../lambdas/launch-template-version/handler";
import { BUILD_ACCOUNT, FakeFleetCloud, NEW_IMAGE, OLD_IMAGE } from "../../../support/fleet-refresh/fake-cloud";

const SHARED = "lt-00000000000000a01";
const OTHER = "lt-00000000000000b02";

function groupOf(cloud: FakeFleetCloud, name: string): RefreshGroup {
    const asg = cloud.group(name);
    const spec = asg.LaunchTemplate ?? asg.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    return {
        clusterName: "prod",
        capacityProviderName: `cp-${name}`,
        autoScalingGroupName: name,
        autoScalingGroupArn: asg.AutoScalingGroupARN ?? "",
        launchTemplate: { launchTemplateId: spec?.LaunchTemplateId ?? "", version: spec?.Version ?? "$Default" },
        ...(asg.MixedInstancesPolicy ? { mixedInstancesPolicy: asg.MixedInstancesPolicy } : {}),
        managedScaling: true,
        managedTerminationProtection: true,
        managedDraining: true,
        desiredCapacity: 3,
    };
}

function waves(cloud: FakeFleetCloud, ...names: string[][]): Wave[] {
    return names.map((wave, index) => ({ index, groups: wave.map(name => groupOf(cloud, name)) }));
}

describe("launch-template-version handler", () => {
    let cloud: FakeFleetCloud;
    beforeEach(() => {
        cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT).addImage(OLD_IMAGE, "amazon");
    });
    afterEach(() => cloud.restore());

    it("creates one version per shared template, from the groups' version with only the image changed", async () => {
        cloud.addLaunchTemplate(SHARED, { versions: 3, defaultVersion: 2 });
        for (const name of ["asg-a", "asg-b", "asg-c"]) cloud.addGroup(name, { launchTemplateId: SHARED, version: "2" });

        const result = await handler({ imageId: NEW_IMAGE, waves: waves(cloud, ["asg-a", "asg-b"], ["asg-c"]) });

        assert.equal(cloud.ec2.commandCalls(CreateLaunchTemplateVersionCommand).length, 1);
        const created = cloud.ec2.commandCalls(CreateLaunchTemplateVersionCommand)[0].args[0].input;
        assert.equal(created.SourceVersion, "2");
        assert.deepEqual(created.LaunchTemplateData, { ImageId: NEW_IMAGE });
        const versions = cloud.templateVersions(SHARED);
        const newVersion = versions.find(v => v.version === 4);
        assert.deepEqual({ imageId: newVersion?.imageId }, { imageId: NEW_IMAGE });
        assert.equal(versions.find(v => v.version === 2)?.imageId, OLD_IMAGE);
        assert.deepEqual(result.templates, [
            { launchTemplateId: SHARED, sourceVersion: 2, version: 4, action: "created", autoScalingGroups: ["asg-a", "asg-b", "asg-c"] },
        ]);
        assert.deepEqual(
            result.waves.flatMap(w => w.groups.map(g => [g.autoScalingGroupName, g.sourceVersion, g.targetVersion])),
            [
                ["asg-a", "2", "4"],
                ["asg-b", "2", "4"],
                ["asg-c", "2", "4"],
            ],
        );
        assert.equal(cloud.autoScaling.commandCalls(UpdateAutoScalingGroupCommand).length, 0, "numbered groups are not touched");
    });

    it("pins $Latest and $Default groups to the number they run before creating the new version", async () => {
        cloud.addLaunchTemplate(SHARED, { versions: 3, defaultVersion: 1 }).addLaunchTemplate(OTHER, { versions: 2, defaultVersion: 2 });
        cloud.addGroup("asg-latest", { launchTemplateId: SHARED, version: "$Latest" });
        cloud.addGroup("asg-default", { launchTemplateId: SHARED, version: "$Default" });
        cloud.addGroup("asg-mixed", { launchTemplateId: OTHER, version: "$Latest", mixed: true });

        const result = await handler({ imageId: NEW_IMAGE, waves: waves(cloud, ["asg-latest", "asg-default", "asg-mixed"]) });

        const order = cloud.events.map(e => `${e.kind} ${e.subject}`);
        const lastPin = Math.max(...order.map((e, i) => (e.startsWith("group-pinned") ? i : -1)));
        const firstCreate = order.findIndex(e => e.startsWith("version-created"));
        assert.ok(lastPin < firstCreate, `pins come first: ${order.join(", ")}`);
        assert.deepEqual(cloud.group("asg-latest").LaunchTemplate, { LaunchTemplateId: SHARED, Version: "3" });
        assert.deepEqual(cloud.group("asg-default").LaunchTemplate, { LaunchTemplateId: SHARED, Version: "1" });
        const mixed = cloud.group("asg-mixed").MixedInstancesPolicy;
        assert.deepEqual(mixed?.LaunchTemplate?.LaunchTemplateSpecification, { LaunchTemplateId: OTHER, Version: "2" });
        assert.equal(mixed?.LaunchTemplate?.Overrides?.length, 2, "instance types survive the pin");
        assert.deepEqual(mixed?.InstancesDistribution, { OnDemandPercentageAboveBaseCapacity: 50 });

        const byGroup = new Map(result.waves[0].groups.map(g => [g.autoScalingGroupName, g]));
        assert.deepEqual(
            [byGroup.get("asg-latest")?.pinnedFrom, byGroup.get("asg-latest")?.sourceVersion, byGroup.get("asg-latest")?.targetVersion],
            ["$Latest", "3", "4"],
        );
        assert.deepEqual(
            [byGroup.get("asg-default")?.pinnedFrom, byGroup.get("asg-default")?.sourceVersion, byGroup.get("asg-default")?.targetVersion],
            ["$Default", "1", "5"],
        );
        assert.deepEqual([byGroup.get("asg-mixed")?.sourceVersion, byGroup.get("asg-mixed")?.targetVersion], ["2", "3"]);
        assert.deepEqual(
            result.templates.map(t => [t.launchTemplateId, t.sourceVersion, t.version]),
            [
                [SHARED, 3, 4],
                [SHARED, 1, 5],
                [OTHER, 2, 3],
            ],
        );
    });

    it("is idempotent: a second run finds its versions instead of creating more", async () => {
        cloud.addLaunchTemplate(SHARED, { versions: 1 });
        cloud.addGroup("asg-a", { launchTemplateId: SHARED, version: "1" }).addGroup("asg-b", { launchTemplateId: SHARED, version: "1" });
        const input = { imageId: NEW_IMAGE, waves: waves(cloud, ["asg-a", "asg-b"]) };

        const first = await handler(input);
        const second = await handler(input);

        assert.equal(cloud.templateVersions(SHARED).length, 2);
        assert.deepEqual(second.waves, first.waves);
        assert.deepEqual(
            second.templates.map(t => t.action),
            ["reused"],
        );
    });

    it("leaves a template alone when the group's version already has the image", async () => {
        cloud.addLaunchTemplate(SHARED, { versions: 2, imageId: NEW_IMAGE });
        cloud.addGroup("asg-a", { launchTemplateId: SHARED, version: "2" });
        const result = await handler({ imageId: NEW_IMAGE, waves: waves(cloud, ["asg-a"]) });
        assert.deepEqual(
            result.templates.map(t => [t.action, t.version]),
            [["unchanged", 2]],
        );
        assert.equal(cloud.ec2.commandCalls(CreateLaunchTemplateVersionCommand).length, 0);
    });

    it("writes nothing when a template is untagged or the image is not allowed", async () => {
        cloud.addLaunchTemplate(SHARED, { versions: 1 }).addLaunchTemplate(OTHER, { versions: 1, tagged: false });
        cloud.addGroup("asg-a", { launchTemplateId: SHARED, version: "$Latest" }).addGroup("asg-b", { launchTemplateId: OTHER, version: "1" });
        await assert.rejects(handler({ imageId: NEW_IMAGE, waves: waves(cloud, ["asg-a", "asg-b"]) }), { name: "LaunchTemplateNotTagged" });
        await assert.rejects(handler({ imageId: OLD_IMAGE, waves: waves(cloud, ["asg-a"]) }), { name: "ImageNotAllowed" });
        assert.equal(cloud.ec2.commandCalls(CreateLaunchTemplateVersionCommand).length, 0);
        assert.equal(cloud.autoScaling.commandCalls(UpdateAutoScalingGroupCommand).length, 0);
    });

    it("refuses a source version whose ImageId is a resolve:ssm: alias, before writing anything", async () => {
        // As DescribeLaunchTemplateVersions returns it without ResolveAlias (the default).
        const alias = "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
        cloud.addLaunchTemplate(SHARED, { versions: 2, imageId: alias });
        cloud.addGroup("asg-a", { launchTemplateId: SHARED, version: "$Latest" });
        await assert.rejects(handler({ imageId: NEW_IMAGE, waves: waves(cloud, ["asg-a"]) }), (error: Error) => {
            assert.equal(error.name, "ImageAliasNotRollbackable");
            assert.match(error.message, new RegExp(`${SHARED} version 2 \\(groups asg-a\\) takes its AMI from resolve:ssm:/aws/service/ecs/`));
            return true;
        });
        assert.equal(cloud.ec2.commandCalls(CreateLaunchTemplateVersionCommand).length, 0);
        assert.equal(cloud.autoScaling.commandCalls(UpdateAutoScalingGroupCommand).length, 0, "not even the $Latest pin");
    });

    it("refuses a malformed request", async () => {
        await assert.rejects(handler({ imageId: NEW_IMAGE, waves: [{ index: 0, groups: [{ autoScalingGroupName: "x" }] }] }), { name: "InvalidRequest" });
    });
});
