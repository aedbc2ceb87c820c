import "../../../support/fleet-refresh/environment";
import assert from "node:assert/strict";
import { handler } from "../../../lambdas/instance-refresh/handler";
import { instanceRefreshStatements } from "../../../lambdas/instance-refresh/role-policy";
import type { PreparedGroup } from "../../../lambdas/launch-template-version/contract";
import { FakeFleetCloud } from "../../../support/fleet-refresh/fake-cloud";
import { assertNoWildcards } from "../fleet-discovery/role-policy-checks";
import { assertLaunchScoped, LAUNCH_CHECKS, LAUNCH_SCOPE } from "../launch-template-version/launch-policy-checks";

describe("instance-refresh role policy", () => {
    let cloud: FakeFleetCloud;
    afterEach(() => cloud.restore());

    it("grants start, poll and rollback on tagged groups plus the launch checks, nothing else", async () => {
        cloud = new FakeFleetCloud().addLaunchTemplate("lt-00000000000000a01", { versions: 2 });
        cloud.addGroup("asg-a", { launchTemplateId: "lt-00000000000000a01" }).scenario("asg-a", { polls: 5, final: "Successful" });
        const group = {
            autoScalingGroupName: "asg-a",
            launchTemplate: { launchTemplateId: "lt-00000000000000a01", version: "1" },
            sourceVersion: "1",
            targetVersion: "2",
        } as PreparedGroup;
        const polling = { initialIntervalSeconds: 30, maxIntervalSeconds: 60, backoffRate: 2, timeoutSeconds: 600 };
        const tracking = await handler({
            action: "start",
            group,
            preferences: { minHealthyPercentage: 90, instanceWarmupSeconds: 60, alarmNames: [], skipMatching: true },
            polling,
        });
        const polled = await handler({ action: "describe", tracking, polling });
        await handler({ action: "rollback", tracking: polled, polling });

        const statements = instanceRefreshStatements(LAUNCH_SCOPE);
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
