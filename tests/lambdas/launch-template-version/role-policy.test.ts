import "../../../support/fleet-refresh/environment";
import assert from "node:assert/strict";
import { handler } from "../../../lambdas/launch-template-version/handler";
import { launchTemplateVersionStatements } from "../../../lambdas/launch-template-version/role-policy";
import { BUILD_ACCOUNT, FakeFleetCloud, NEW_IMAGE } from "../../../support/fleet-refresh/fake-cloud";
import { assertNoWildcards } from "../fleet-discovery/role-policy-checks";
import { assertLaunchScoped, LAUNCH_CHECKS, LAUNCH_SCOPE } from "./launch-policy-checks";

describe("launch-template-version role policy", () => {
    let cloud: FakeFleetCloud;
    afterEach(() => cloud.restore());

    it("grants the calls the Lambda makes plus the launch checks, scoped to tagged resources", async () => {
        cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT).addLaunchTemplate("lt-00000000000000a01", { versions: 2 });
        cloud.addGroup("asg-a", { launchTemplateId: "lt-00000000000000a01", version: "$Latest" });
        const group = {
            clusterName: "prod",
            capacityProviderName: "cp-a",
            autoScalingGroupName: "asg-a",
            autoScalingGroupArn: cloud.group("asg-a").AutoScalingGroupARN,
            launchTemplate: { launchTemplateId: "lt-00000000000000a01", version: "$Latest" },
            managedScaling: true,
            managedTerminationProtection: true,
            managedDraining: true,
            desiredCapacity: 3,
        };
        await handler({ imageId: NEW_IMAGE, waves: [{ index: 0, groups: [group] }] });

        const statements = launchTemplateVersionStatements(LAUNCH_SCOPE);
        const granted = new Set(statements.flatMap(s => s.Action));
        assert.deepEqual([...granted].filter(a => !cloud.actionsCalled().has(a)).sort(), LAUNCH_CHECKS);
        assert.deepEqual(
            [...cloud.actionsCalled()].filter(a => !granted.has(a)),
            [],
        );
        assertNoWildcards(statements);
        assertLaunchScoped(statements);
    });
});
