/**
 * What aws-local-stepfunctions does not enforce, computed on the real fleet-refresh definition:
 * the 256 KiB state payload and the 25,000-event execution history (Step Functions quotas), for
 * the configured production fleets and the longest refresh the default polling allows; and error
 * Causes as a Node.js Lambda really sends them.
 */
import "../../support/fleet-refresh/environment";
import assert from "node:assert/strict";
import { DEFAULT_POLLING } from "../../components/fleet/fleet-refresh";
import { MAX_GROUPS_PER_RUN } from "../../contracts/fleet-refresh";
import { buildMessage } from "../../lambdas/notify-webhook/message";
import { causeText } from "../../lambdas/notify-webhook/input";
import { buildFleetRefreshDefinition, type FleetRefreshConfig } from "../../workflows/fleet-refresh";
import { MAX_HISTORY_EVENTS } from "../../workflows/asl";
import { HISTORY_COST, maxGroupsWithin, pollsUntilTimeout, worstCaseHistoryEvents } from "../../workflows/fleet-refresh-history";
import { S3ServiceException } from "@aws-sdk/client-s3";
import { BUILD_ACCOUNT, FakeFleetCloud, NEW_IMAGE, OLD_IMAGE } from "../../support/fleet-refresh/fake-cloud";
import { runLocally, testConfig } from "../../support/fleet-refresh/harness";
import { historyEvents, largestStateBytes, MAX_STATE_BYTES } from "../../support/step-functions/history";

const PROD_FLEETS: Partial<FleetRefreshConfig>[] = [
    // Pulumi.prod.yaml lakewarden:fleets (analytics, finance).
    { waves: { size: 5, firstWaveSize: 1, maxConcurrency: 3, bakeSeconds: 1800 } },
    { waves: { size: 3, firstWaveSize: 1, bakeSeconds: 3600 } },
];

interface Measure {
    events: number;
    bytes: number;
}

async function measure(config: Partial<FleetRefreshConfig>, groups: number, polls: number): Promise<Measure> {
    const cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT).addImage(OLD_IMAGE, "amazon");
    cloud.addStandardCluster("prod-1", { "lakewarden:fleet": "prod" }, groups);
    for (let g = 1; g <= groups; g++) cloud.scenario(`asg-prod-1-${String(g).padStart(2, "0")}`, { polls, final: "Successful" });
    try {
        const result = await runLocally(buildFleetRefreshDefinition(testConfig({ ...config, polling: DEFAULT_POLLING })), { imageId: NEW_IMAGE });
        assert.equal(result.status, "SUCCEEDED", JSON.stringify(result.error));
        return { events: historyEvents(result.events), bytes: largestStateBytes(result.events) };
    } finally {
        cloud.restore();
    }
}

/** Waves discovery plans for `groups` groups (the canary wave first). */
function waveCount(config: Partial<FleetRefreshConfig>, groups: number): number {
    const { size, firstWaveSize } = config.waves as { size: number; firstWaveSize?: number };
    const first = Math.min(firstWaveSize ?? size, groups);
    return (first > 0 ? 1 : 0) + Math.ceil((groups - first) / size);
}

describe("Step Functions limits on the real fleet-refresh definition", function () {
    this.timeout(300_000);

    for (const [index, config] of PROD_FLEETS.entries()) {
        it(`prod fleet ${index + 1}: history and payload grow as measured, and say how large a fleet fits`, async () => {
            // Costs measured on runs of the real definition: per poll, per group, per wave, fixed.
            const size = (config.waves as { size: number }).size;
            const one = await measure(config, 1, 1);
            const perPoll = ((await measure(config, 1, 3)).events - one.events) / 2;
            // 2 groups and 1 + size groups make the same two waves (the canary, then one full wave).
            const two = await measure(config, 2, 1);
            const full = await measure(config, 1 + size, 1);
            assert.equal(waveCount(config, 2), waveCount(config, 1 + size));
            const perGroup = (full.events - two.events) / (size - 1);
            const perWave = two.events - one.events - perGroup;
            const predict = (groups: number, p: number) =>
                one.events + (groups - 1) * perGroup + (waveCount(config, groups) - 1) * perWave + groups * (p - 1) * perPoll;
            // The model must reproduce a run it was not fitted on.
            const check = await measure(config, 2 + size, 2);
            assert.equal(predict(2 + size, 2), check.events, "events counted on a run the model was not fitted on");

            // Longest refresh: polled until its deadline, then the rollback polled until its own.
            const polls = pollsUntilTimeout(DEFAULT_POLLING);
            const worstPolls = 2 * polls;
            let fitsHistory = 0;
            while (predict(fitsHistory + 1, worstPolls) <= MAX_HISTORY_EVENTS) fitsHistory++;
            const perGroupBytes = (full.bytes - one.bytes) / size;
            assert.ok(check.bytes > full.bytes, "state grows with the fleet");
            const fitsPayload = Math.floor((MAX_STATE_BYTES - one.bytes) / perGroupBytes) + 1;
            console.log(
                `      polls per refresh to its deadline ${polls}; history events per poll ${perPoll}, per group ${perGroup}, per wave ${perWave}; ` +
                    `largest state ${one.bytes} B + ${perGroupBytes.toFixed(0)} B per group; ` +
                    `fits 25,000 events up to ${fitsHistory} groups at the longest refresh, 256 KiB up to ${fitsPayload} groups`,
            );
            assert.ok(fitsHistory >= size && fitsPayload >= size, "a full wave at the longest refresh fits both limits");
            // The cap discovery enforces keeps this fleet's worst case under both quotas.
            assert.ok(predict(MAX_GROUPS_PER_RUN, worstPolls) <= MAX_HISTORY_EVENTS, `${MAX_GROUPS_PER_RUN} groups fit 25,000 events`);
            assert.ok(MAX_GROUPS_PER_RUN <= fitsPayload, `${MAX_GROUPS_PER_RUN} groups fit 256 KiB`);
        });
    }

    it("caps a run at the largest fleet whose worst case fits: waves of one group, each refresh and rollback polled to its deadline", async () => {
        // Waves of one make the most waves, so the most per-wave events (Map, bake Wait, alarm judgement)
        // for a given fleet; the wave loop's cost per group is then one group plus one wave.
        const config: Partial<FleetRefreshConfig> = { waves: { size: 1, bakeSeconds: 1800 } };
        const one = await measure(config, 1, 1);
        const perPoll = ((await measure(config, 1, 3)).events - one.events) / 2;
        const perGroupAndWave = (await measure(config, 2, 1)).events - one.events;
        const predict = (groups: number, p: number) => one.events + (groups - 1) * perGroupAndWave + groups * (p - 1) * perPoll;
        assert.equal(predict(3, 2), (await measure(config, 3, 2)).events, "events counted on a run the model was not fitted on");

        const worstPolls = 2 * pollsUntilTimeout(DEFAULT_POLLING);
        let ceiling = 0;
        while (predict(ceiling + 1, worstPolls) <= MAX_HISTORY_EVENTS) ceiling++;
        console.log(
            `      waves of one: ${perGroupAndWave} events per group and wave, ${perPoll} per poll, ${worstPolls} polls per group; ` +
                `${MAX_GROUPS_PER_RUN} groups (the cap) make ${predict(MAX_GROUPS_PER_RUN, worstPolls)} events, ${ceiling + 1} would make ${predict(ceiling + 1, worstPolls)}`,
        );
        assert.ok(predict(MAX_GROUPS_PER_RUN, worstPolls) <= MAX_HISTORY_EVENTS, "the cap keeps the worst case under 25,000 events");
        assert.equal(MAX_GROUPS_PER_RUN, ceiling, "MAX_GROUPS_PER_RUN is the computed ceiling: update it when the definition's cost changes");
        // The cost model the workflow derives its cap from is the measured one.
        assert.deepEqual({ base: one.events, perGroupAndWave, perPoll }, { ...HISTORY_COST }, "HISTORY_COST matches the real definition");
        assert.equal(worstCaseHistoryEvents(ceiling + 1, DEFAULT_POLLING), predict(ceiling + 1, worstPolls));
        assert.equal(maxGroupsWithin(DEFAULT_POLLING), MAX_GROUPS_PER_RUN);
    });

    describe("a custom polling gets its own cap", () => {
        const base = testConfig({ waves: { size: 1, bakeSeconds: 1800 } });
        const discoveryPayload = (config: FleetRefreshConfig) => {
            const definition = buildFleetRefreshDefinition(config) as unknown as { States: Record<string, { Parameters?: { maxGroups?: number } }> };
            return definition.States.DiscoverFleet.Parameters?.maxGroups;
        };

        it("a twelve-hour refresh timeout halves the default cap, and it is what discovery is told", () => {
            const polling = { ...DEFAULT_POLLING, timeoutSeconds: 43_200 };
            const fits = maxGroupsWithin(polling);
            assert.ok(fits > 0 && fits < MAX_GROUPS_PER_RUN, `${fits} groups`);
            assert.ok(worstCaseHistoryEvents(fits + 1, polling) > MAX_HISTORY_EVENTS);
            assert.equal(discoveryPayload({ ...base, polling }), fits);
            assert.equal(discoveryPayload({ ...base, polling: DEFAULT_POLLING }), MAX_GROUPS_PER_RUN);
        });

        it("an explicit cap above what the polling allows is refused, naming maxGroupsPerRun", () => {
            const polling = { ...DEFAULT_POLLING, timeoutSeconds: 43_200 };
            assert.throws(
                () => buildFleetRefreshDefinition({ ...base, polling, maxGroupsPerRun: MAX_GROUPS_PER_RUN }),
                /at most \d+ with this polling[\s\S]*at maxGroupsPerRun/,
            );
        });

        it("a polling under which not even one group fits is refused, naming polling", () => {
            const polling = { initialIntervalSeconds: 1, maxIntervalSeconds: 1, backoffRate: 1, timeoutSeconds: 604_800 };
            assert.equal(pollsUntilTimeout(polling) > MAX_HISTORY_EVENTS, true);
            assert.throws(() => buildFleetRefreshDefinition({ ...base, polling }), /over the 25000 quota[\s\S]*at polling/);
        });
    });
});

describe("error Causes as Lambda sends them", () => {
    /** The Node.js runtime's error payload (aws-lambda-nodejs-runtime-interface-client, src/Errors.js toRapidResponse). */
    const lambdaCause = (error: Error) => JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: (error.stack ?? "").split("\n") });

    it("shows the Lambda's error message, not its JSON payload or stack, in a failure notice", () => {
        const denied = new S3ServiceException({
            name: "AccessDenied",
            $fault: "client",
            $metadata: { httpStatusCode: 403 },
            message: "User is not authorized to perform: s3:GetObject",
        });
        const cause = lambdaCause(denied);
        assert.match(cause, /"trace":\["AccessDenied: User is not authorized/);
        assert.equal(causeText(cause), "User is not authorized to perform: s3:GetObject");
        const message = buildMessage({
            kind: "FAILED",
            workflow: "quarantine",
            executionId: "arn:aws:states:eu-west-1:111111111111:execution:lakewarden-quarantine:run-1",
            state: { error: { Error: denied.name, Cause: cause } },
        });
        assert.deepEqual(message.facts.slice(0, 2), [
            ["Error", "AccessDenied"],
            ["Cause", "User is not authorized to perform: s3:GetObject"],
        ]);
    });

    it("keeps a plain-text Cause (States.* errors) as it is", () => {
        assert.equal(causeText("Task timed out after 60.00 seconds"), "Task timed out after 60.00 seconds");
        assert.equal(causeText(undefined), "");
    });
});
