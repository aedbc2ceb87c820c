import assert from "node:assert/strict";
import { InstanceRefreshStatus } from "@aws-sdk/client-auto-scaling";
import fc from "fast-check";
import { deadlineAfter, isActiveStatus, isPastDeadline, nextPollSeconds, outcomeOf } from "../../../lambdas/instance-refresh/status";

const POLLING = { initialIntervalSeconds: 30, maxIntervalSeconds: 300, backoffRate: 2, timeoutSeconds: 3600 };

describe("instance-refresh status", () => {
    it("maps every Auto Scaling status: terminal ones to themselves, the rest to waiting", () => {
        const terminal = new Set(["Successful", "Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"]);
        const all: string[] = Object.values(InstanceRefreshStatus);
        assert.equal(all.filter(status => terminal.has(status)).length, terminal.size, "every terminal status exists in the SDK");
        for (const status of all) {
            assert.equal(outcomeOf(status), terminal.has(status) ? status : "InProgress", status);
            assert.equal(isActiveStatus(status), !terminal.has(status), status);
        }
        assert.deepEqual(all.filter(status => !terminal.has(status)).sort(), ["Baking", "Cancelling", "InProgress", "Pending", "RollbackInProgress"]);
    });

    it("fails closed on a status it does not know", () => {
        assert.throws(() => outcomeOf("Paused"), { name: "UnknownRefreshStatus" });
        assert.throws(() => outcomeOf(undefined), { name: "UnknownRefreshStatus" });
        assert.equal(isActiveStatus("toString"), false);
    });

    it("backs off exponentially up to the cap", () => {
        assert.deepEqual(
            [0, 1, 2, 3, 4, 5].map(attempt => nextPollSeconds(attempt, POLLING)),
            [30, 60, 120, 240, 300, 300],
        );
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 200 }),
                fc.integer({ min: 1, max: 600 }),
                fc.integer({ min: 1, max: 3600 }),
                fc.double({ min: 1, max: 10, noNaN: true }),
                (attempt, initial, extra, rate) => {
                    const polling = { initialIntervalSeconds: initial, maxIntervalSeconds: initial + extra, backoffRate: rate, timeoutSeconds: 3600 };
                    const wait = nextPollSeconds(attempt, polling);
                    assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= polling.maxIntervalSeconds);
                    assert.ok(nextPollSeconds(attempt + 1, polling) >= wait, "never shrinks");
                },
            ),
        );
    });

    it("computes and checks deadlines", () => {
        const now = new Date("2025-01-01T00:00:00Z");
        const deadline = deadlineAfter(now, 3600);
        assert.equal(deadline, "2025-01-01T01:00:00.000Z");
        assert.equal(isPastDeadline(new Date("2025-01-01T00:59:59Z"), deadline), false);
        assert.equal(isPastDeadline(new Date("2025-01-01T01:00:01Z"), deadline), true);
    });
});
