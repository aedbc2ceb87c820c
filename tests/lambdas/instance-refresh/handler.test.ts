import "../../../support/fleet-refresh/environment";
import assert from "node:assert/strict";
import { StartInstanceRefreshCommand } from "@aws-sdk/client-auto-scaling";
import type { PollingConfig, RefreshPreferencesConfig, RefreshTracking } from "../../../lambdas/instance-refresh/contract";
import { handler } from "../../../lambdas/instance-refresh/handler";
import type { PreparedGroup } from "../../../lambdas/launch-template-version/contract";
import { FakeFleetCloud } from "../../../support/fleet-refresh/fake-cloud";

const TEMPLATE = "lt-00000000000000a01";
const PREFERENCES: RefreshPreferencesConfig = { minHealthyPercentage: 90, instanceWarmupSeconds: 120, alarmNames: ["fleet-5xx"], skipMatching: true };
const POLLING: PollingConfig = { initialIntervalSeconds: 30, maxIntervalSeconds: 120, backoffRate: 2, timeoutSeconds: 3600 };

function prepared(name: string, targetVersion = "2"): PreparedGroup {
    return {
        clusterName: "prod",
        capacityProviderName: `cp-${name}`,
        autoScalingGroupName: name,
        autoScalingGroupArn: `arn:aws:autoscaling:eu-west-1:222222222222:autoScalingGroup:u:autoScalingGroupName/${name}`,
        launchTemplate: { launchTemplateId: TEMPLATE, version: "1" },
        managedScaling: true,
        managedTerminationProtection: true,
        managedDraining: true,
        desiredCapacity: 3,
        sourceVersion: "1",
        targetVersion,
    };
}

const start = (group: PreparedGroup) => handler({ action: "start", group, preferences: PREFERENCES, polling: POLLING });
const describe_ = (tracking: RefreshTracking) => handler({ action: "describe", tracking, polling: POLLING });

describe("instance-refresh handler", () => {
    let cloud: FakeFleetCloud;
    beforeEach(() => {
        cloud = new FakeFleetCloud().addLaunchTemplate(TEMPLATE, { versions: 2 });
    });
    afterEach(() => cloud.restore());

    it("starts a rolling refresh with ECS-friendly preferences and follows it to Successful with growing waits", async () => {
        cloud.addGroup("asg-a", { launchTemplateId: TEMPLATE }).scenario("asg-a", { polls: 3, final: "Successful" });
        let tracking = await start(prepared("asg-a"));
        const input = cloud.autoScaling.commandCalls(StartInstanceRefreshCommand)[0].args[0].input;
        assert.deepEqual(input.DesiredConfiguration, { LaunchTemplate: { LaunchTemplateId: TEMPLATE, Version: "2" } });
        assert.equal(input.Preferences?.ScaleInProtectedInstances, "Refresh");
        assert.equal(input.Preferences?.StandbyInstances, "Terminate");
        assert.equal(input.Preferences?.AutoRollback, true);
        assert.deepEqual(input.Preferences?.AlarmSpecification, { Alarms: ["fleet-5xx"] });
        assert.equal(tracking.outcome, "InProgress");
        assert.equal(tracking.nextPollSeconds, 30);

        const seen: [string, number][] = [];
        while (tracking.outcome === "InProgress") {
            tracking = await describe_(tracking);
            seen.push([tracking.outcome, tracking.nextPollSeconds]);
        }
        assert.deepEqual(seen, [
            ["InProgress", 60],
            ["InProgress", 120],
            ["InProgress", 120],
            ["Successful", 120],
        ]);
        assert.equal(tracking.percentageComplete, 100);
        assert.deepEqual(cloud.group("asg-a").LaunchTemplate, { LaunchTemplateId: TEMPLATE, Version: "2" }, "the group now runs the new version");
    });

    it("adopts its own refresh when a start is retried, and never starts a second one", async () => {
        cloud.addGroup("asg-a", { launchTemplateId: TEMPLATE });
        const first = await start(prepared("asg-a"));
        const retried = await start(prepared("asg-a"));
        assert.equal(retried.instanceRefreshId, first.instanceRefreshId);
        assert.equal(retried.adopted, true);
        assert.equal(cloud.autoScaling.commandCalls(StartInstanceRefreshCommand).length, 1);
    });

    it("leaves someone else's refresh alone and fails the group", async () => {
        cloud.addGroup("asg-a", { launchTemplateId: TEMPLATE });
        await start(prepared("asg-a", "2"));
        await assert.rejects(start(prepared("asg-a", "3")), { name: "ForeignRefreshInProgress" });
    });

    it("reports rollbacks and failures as such", async () => {
        cloud.addGroup("asg-rb", { launchTemplateId: TEMPLATE }).scenario("asg-rb", { polls: 1, final: "RollbackSuccessful" });
        cloud.addGroup("asg-f", { launchTemplateId: TEMPLATE }).scenario("asg-f", { polls: 0, final: "Failed" });
        let rb = await start(prepared("asg-rb"));
        const statuses: string[] = [];
        while (rb.outcome === "InProgress") {
            rb = await describe_(rb);
            statuses.push(rb.status);
        }
        assert.deepEqual(statuses, ["InProgress", "RollbackInProgress", "RollbackSuccessful"]);
        assert.equal(rb.outcome, "RollbackSuccessful");
        assert.match(rb.statusReason, /ALARM/);
        assert.equal(cloud.group("asg-rb").LaunchTemplate?.Version, "1", "a rolled back group keeps its old version");
        const failed = await describe_(await start(prepared("asg-f")));
        assert.equal(failed.outcome, "Failed");
    });

    it("calls a refresh past its deadline TimedOut, then rolls it back", async () => {
        cloud.addGroup("asg-slow", { launchTemplateId: TEMPLATE }).scenario("asg-slow", { polls: 0, final: "Never" });
        const started = await start(prepared("asg-slow"));
        const late = await describe_({ ...started, deadline: new Date(Date.now() - 1000).toISOString() });
        assert.equal(late.outcome, "TimedOut");
        const rolling = await handler({ action: "rollback", tracking: late, polling: POLLING });
        assert.equal(rolling.rollbackRequested, true);
        assert.equal(rolling.status, "RollbackInProgress");
        assert.ok(Date.parse(rolling.deadline) > Date.now(), "the rollback gets its own deadline");
        const done = await describe_(rolling);
        assert.equal(done.outcome, "RollbackSuccessful");
        const again = await handler({ action: "rollback", tracking: done, polling: POLLING });
        assert.equal(again.instanceRefreshId, done.instanceRefreshId, "nothing left to roll back: the next poll reports the end state");
    });

    it("refuses malformed requests", async () => {
        await assert.rejects(handler({ action: "restart" }), { name: "InvalidRequest" });
        await assert.rejects(handler({ action: "start", group: prepared("x", "$Latest"), preferences: PREFERENCES, polling: POLLING }), {
            name: "InvalidRequest",
        });
    });
});
