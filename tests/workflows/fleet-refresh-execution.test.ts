import "../../support/fleet-refresh/environment";
import assert from "node:assert/strict";
import { awsFixture } from "../fixtures/aws/load";
import { AutoScalingClient, StartInstanceRefreshCommand } from "@aws-sdk/client-auto-scaling";
import { handler as discoveryHandler } from "../../lambdas/fleet-discovery/handler";
import { handler as refreshHandler } from "../../lambdas/instance-refresh/handler";
import type { RefreshTracking } from "../../lambdas/instance-refresh/contract";
import { buildFleetRefreshDefinition, type FleetRefreshConfig, FleetState, NotificationEvent } from "../../workflows/fleet-refresh";
import { BUILD_ACCOUNT, FakeFleetCloud, IMAGE_PARAMETER, NEW_IMAGE, OLD_IMAGE } from "../../support/fleet-refresh/fake-cloud";
import { EXECUTION_ID, type RunOptions, type RunResult, runLocally, testConfig } from "../../support/fleet-refresh/harness";

/** The definition run end to end in aws-local-stepfunctions, the three Lambdas answered by a fake fleet. */

const PROD = { "lakewarden:fleet": "prod" };

function fleet(clusters: number, groupsPerCluster: number): FakeFleetCloud {
    const cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT).addImage(OLD_IMAGE, "amazon");
    for (let c = 1; c <= clusters; c++) cloud.addStandardCluster(`prod-${c}`, PROD, groupsPerCluster);
    return cloud;
}

const name = (cluster: number, group: number) => `asg-prod-${cluster}-${String(group).padStart(2, "0")}`;

function run(config: Partial<FleetRefreshConfig>, input: unknown = { imageId: NEW_IMAGE }, options: RunOptions = {}): Promise<RunResult> {
    return runLocally(buildFleetRefreshDefinition(testConfig(config)), input, options);
}

/** Waves as the launch-template step received them from discovery. */
function wavesOf(result: RunResult): string[][] {
    const call = result.calls.find(c => c.state === FleetState.createVersions);
    assert.ok(call, "launch template versions were prepared");
    return (call.input.waves as { groups: { autoScalingGroupName: string }[] }[]).map(w => w.groups.map(g => g.autoScalingGroupName));
}

function started(cloud: FakeFleetCloud): string[] {
    return cloud.events.filter(e => e.kind === "refresh-started").map(e => e.subject);
}

function eventSeq(cloud: FakeFleetCloud, kind: string, group: string): number {
    const event = cloud.events.find(e => e.kind === kind && e.subject === group);
    assert.ok(event, `${kind} for ${group}`);
    return event.seq;
}

/** Most refreshes in flight at once among `groups`, replayed from the fake cloud's event order. */
function peakConcurrency(cloud: FakeFleetCloud, groups: readonly string[]): number {
    const active = new Set<string>();
    let peak = 0;
    for (const event of cloud.events) {
        if (!groups.includes(event.subject)) continue;
        if (event.kind === "refresh-started") active.add(event.subject);
        if (event.kind === "refresh-ended") active.delete(event.subject);
        peak = Math.max(peak, active.size);
    }
    return peak;
}

const eventsOf = (result: RunResult) => result.notices.map(n => n.event);

describe("fleet-refresh executed locally", () => {
    let cloud: FakeFleetCloud;
    afterEach(() => cloud.restore());

    it("runs the waves one after another, each with at most MaxConcurrency refreshes at a time", async () => {
        cloud = fleet(3, 4);
        for (let g = 1; g <= 4; g++) for (let c = 1; c <= 3; c++) cloud.scenario(name(c, g), { polls: g, final: "Successful" });

        const result = await run({ waves: { size: 4, maxConcurrency: 2, bakeSeconds: 300 } });

        assert.equal(result.status, "SUCCEEDED", JSON.stringify(result.error));
        const waves = wavesOf(result);
        assert.deepEqual(
            waves.map(w => w.length),
            [4, 4, 4],
        );
        for (const wave of waves) assert.equal(peakConcurrency(cloud, wave), 2, `wave ${wave.join(",")} used its 2 slots and no more`);
        assert.equal(cloud.maxActive, 2);
        for (let k = 1; k < waves.length; k++) {
            const lastEnd = Math.max(...waves[k - 1].map(g => eventSeq(cloud, "refresh-ended", g)));
            const firstStart = Math.min(...waves[k].map(g => eventSeq(cloud, "refresh-started", g)));
            assert.ok(lastEnd < firstStart, `wave ${k} starts only after wave ${k - 1} has ended`);
        }
        assert.equal(result.calls.filter(c => c.state === FleetState.checkAlarms).length, 3, "the alarms are checked after every wave's bake");
    });

    it("succeeds only once every refresh has reported Successful", async () => {
        cloud = fleet(2, 2);
        for (let c = 1; c <= 2; c++) for (let g = 1; g <= 2; g++) cloud.scenario(name(c, g), { polls: 4, final: "Successful" });

        const result = await run({ waves: { size: 2, bakeSeconds: 60 } });

        assert.equal(result.status, "SUCCEEDED");
        assert.deepEqual(eventsOf(result), [
            NotificationEvent.rolloutStarted,
            ...Array(4).fill(NotificationEvent.groupSucceeded),
            NotificationEvent.rolloutSucceeded,
        ]);
        assert.ok(
            result.notices.every(n => n.execution === EXECUTION_ID),
            "every notice names the execution",
        );
        const describes = result.calls.filter(c => c.state === FleetState.describeRefresh);
        assert.equal(describes.length, 4 * 5, "each group is polled until its refresh ends");
        const succeededAt = result.calls.find(c => c.state === FleetState.notifySucceeded)?.seq ?? 0;
        assert.ok(describes.every(c => c.seq < succeededAt));
        for (let c = 1; c <= 2; c++) {
            for (let g = 1; g <= 2; g++) {
                const spec = cloud.group(name(c, g)).LaunchTemplate;
                const version = cloud.templateVersions(spec?.LaunchTemplateId ?? "").find(v => String(v.version) === spec?.Version);
                assert.equal(version?.imageId, NEW_IMAGE, `${name(c, g)} runs the new image`);
            }
        }
    });

    it("stops at a wave with a rolled-back group: notifies the rollback, follows the wave to its end, never starts later waves", async () => {
        cloud = fleet(4, 3);
        cloud.scenario(name(2, 2), { polls: 1, final: "RollbackSuccessful" });
        cloud.scenario(name(2, 3), { polls: 5, final: "Successful" });

        const result = await run({ waves: { size: 3, bakeSeconds: 300 } });

        assert.equal(result.status, "FAILED");
        assert.equal(result.error?.name, "RolloutHalted");
        const waves = wavesOf(result);
        assert.deepEqual(waves[1], [name(2, 1), name(2, 2), name(2, 3)]);
        const untouched = waves.slice(2).flat();
        assert.equal(untouched.length, 6);
        for (const group of untouched) {
            assert.deepEqual(cloud.refreshesOf(group), [], `${group} was never refreshed`);
            assert.equal(cloud.group(group).LaunchTemplate?.Version, "1", `${group} still runs its old version`);
        }
        assert.ok(
            !result.calls.some(
                c => c.state === FleetState.startRefresh && untouched.includes((c.input.group as { autoScalingGroupName: string }).autoScalingGroupName),
            ),
        );

        const rolledBack = result.notices.find(n => n.event === NotificationEvent.groupRolledBack);
        assert.equal(rolledBack?.autoScalingGroupName, name(2, 2));
        assert.equal(rolledBack?.status, "RollbackSuccessful");
        assert.equal(rolledBack?.waveIndex, 1);
        const events = eventsOf(result);
        assert.ok(
            events.indexOf(NotificationEvent.groupSucceeded, 4) < events.indexOf(NotificationEvent.rolloutHalted),
            "the slow group of the failed wave finished first",
        );
        const halted = result.notices.find(n => n.event === NotificationEvent.rolloutHalted);
        assert.equal(halted?.reason, "wave-failed");
        assert.equal(halted?.waveIndex, 1);
        assert.equal(halted?.waveCount, 4);
        assert.ok(!events.includes(NotificationEvent.rolloutSucceeded));
        assert.equal(cloud.group(name(2, 3)).LaunchTemplate?.Version, "2", "the wave's successful group keeps its new version");
    });

    it("treats a failed refresh like a rollback: the wave fails and the rollout halts", async () => {
        cloud = fleet(2, 2);
        cloud.scenario(name(1, 2), { polls: 0, final: "Failed" });
        const result = await run({ waves: { size: 2, bakeSeconds: 0 } });
        assert.equal(result.error?.name, "RolloutHalted");
        assert.equal(result.notices.find(n => n.event === NotificationEvent.groupFailed)?.statusReason, "Instance failed to launch");
        assert.deepEqual(started(cloud), [name(1, 1), name(1, 2)]);
    });

    it("rolls a group back when its refresh outlives the timeout, and reports the rollback", async () => {
        cloud = fleet(1, 2);
        cloud.scenario(name(1, 1), { polls: 0, final: "Never" });
        const expire = async (input: Record<string, unknown>) => {
            const tracking = input.tracking as RefreshTracking;
            // Simulated clock: the stuck group's refresh is past its deadline; the rollback's own deadline is honoured.
            const stuck = tracking.autoScalingGroupName === name(1, 1) && !tracking.rollbackRequested;
            const late = stuck ? { ...tracking, deadline: new Date(0).toISOString() } : tracking;
            return refreshHandler({ ...input, tracking: late });
        };

        const result = await run({ waves: { size: 2, bakeSeconds: 0 } }, { imageId: NEW_IMAGE }, { overrides: { [FleetState.describeRefresh]: expire } });

        assert.equal(result.error?.name, "RolloutHalted");
        assert.ok(cloud.events.some(e => e.kind === "rollback-requested" && e.subject === name(1, 1)));
        const notice = result.notices.find(n => n.autoScalingGroupName === name(1, 1));
        assert.equal(notice?.event, NotificationEvent.groupRolledBack);
        assert.equal(notice?.rollbackRequested, true);
        assert.equal(result.calls.filter(c => c.state === FleetState.requestRollback).length, 1);
    });

    it("halts before the next wave when a configured alarm is in ALARM after the bake", async () => {
        cloud = fleet(3, 1);
        const result = await run(
            { waves: { size: 1, bakeSeconds: 900 } },
            { imageId: NEW_IMAGE },
            { alarmsInAlarm: (check: number) => (check === 1 ? ["lakewarden-fleet-5xx"] : []) },
        );
        assert.equal(result.error?.name, "RolloutHalted");
        const halted = result.notices.find(n => n.event === NotificationEvent.rolloutHalted);
        assert.equal(halted?.reason, "alarm");
        assert.deepEqual(started(cloud), [name(1, 1)]);
    });

    it("fails group by group on a foreign refresh without retrying it, and halts", async () => {
        cloud = fleet(1, 2);
        await new AutoScalingClient({}).send(
            new StartInstanceRefreshCommand({
                AutoScalingGroupName: name(1, 2),
                DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: "lt-0fedcba9876543210", Version: "9" } },
            }),
        );
        const result = await run({ waves: { size: 2, bakeSeconds: 0 } });
        assert.equal(result.error?.name, "RolloutHalted");
        const failed = result.notices.find(n => n.autoScalingGroupName === name(1, 2));
        assert.equal(failed?.event, NotificationEvent.groupFailed);
        assert.equal((failed?.error as { Error: string }).Error, "ForeignRefreshInProgress");
        assert.equal(
            result.calls.filter(
                c => c.state === FleetState.startRefresh && (c.input.group as { autoScalingGroupName: string }).autoScalingGroupName === name(1, 2),
            ).length,
            1,
        );
    });

    it("fails and notifies on an image it may not roll out, without retrying or touching the fleet", async () => {
        cloud = fleet(1, 1).addImage("ami-0ddddddddddddddd3", "999999999999");
        const result = await run({}, { imageId: "ami-0ddddddddddddddd3" });
        assert.equal(result.error?.name, "ImageNotAllowed");
        assert.deepEqual(eventsOf(result), [NotificationEvent.rolloutFailed]);
        assert.equal(result.calls.filter(c => c.state === FleetState.discover).length, 1);
        assert.ok(!result.calls.some(c => c.state === FleetState.createVersions));
    });

    it("fails and notifies on a fleet larger than maxGroupsPerRun, without retrying, truncating or touching it", async () => {
        cloud = fleet(2, 3);
        const result = await run({ maxGroupsPerRun: 5 });
        assert.equal(result.status, "FAILED");
        assert.equal(result.error?.name, "FleetTooLarge");
        assert.deepEqual(eventsOf(result), [NotificationEvent.rolloutFailed]);
        assert.equal(result.calls.filter(c => c.state === FleetState.discover).length, 1);
        assert.ok(!result.calls.some(c => c.state === FleetState.createVersions));
        assert.equal(cloud.autoScaling.commandCalls(StartInstanceRefreshCommand).length, 0);
    });

    it("retries a transient discovery error and carries on", async () => {
        cloud = fleet(1, 1);
        let attempts = 0;
        const flaky = async (input: Record<string, unknown>) => {
            if (++attempts === 1) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
            return discoveryHandler(input);
        };
        const result = await run({ waves: { size: 1, bakeSeconds: 0 } }, { imageId: NEW_IMAGE }, { overrides: { [FleetState.discover]: flaky } });
        assert.equal(result.status, "SUCCEEDED", JSON.stringify(result.error));
        assert.equal(attempts, 2);
    });

    it("finishes quietly when no group matches, and says so", async () => {
        cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT);
        cloud.addStandardCluster("dev-1", { "lakewarden:fleet": "dev" }, 2);
        const result = await run({});
        assert.equal(result.status, "SUCCEEDED");
        assert.deepEqual(eventsOf(result), [NotificationEvent.nothingToRefresh]);
        assert.ok(!result.calls.some(c => c.state === FleetState.createVersions));
    });

    it("keeps rolling out when a notification cannot be delivered", async () => {
        cloud = fleet(1, 1);
        let tries = 0;
        const broken = async () => {
            tries += 1;
            throw Object.assign(new Error("KMS key disabled"), { name: "SNS.KMSDisabledException" });
        };
        const result = await run({ waves: { size: 1, bakeSeconds: 0 } }, { imageId: NEW_IMAGE }, { overrides: { [FleetState.notifyStarted]: broken } });
        assert.equal(result.status, "SUCCEEDED");
        assert.equal(tries, 6, "tried once and retried five times before moving on");
        assert.equal(cloud.group(name(1, 1)).LaunchTemplate?.Version, "2");
    });

    it("starts from the Image Builder AVAILABLE event and reads the AMI from the distribution's parameter", async () => {
        cloud = fleet(1, 1).setImageParameter(NEW_IMAGE);
        const event = awsFixture("imagebuilder/image-state-change-available.json");
        const result = await run({ waves: { size: 1, bakeSeconds: 0 } }, event);
        assert.equal(result.status, "SUCCEEDED");
        assert.equal(result.notices[0].imageId, NEW_IMAGE);
        assert.equal(IMAGE_PARAMETER, process.env.IMAGE_PARAMETER_NAME);
    });
});
