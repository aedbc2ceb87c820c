import assert from "node:assert/strict";
import { createLimiter } from "../../../lambdas/ou-reconciler/concurrency";

const tick = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

describe("ou-reconciler limiter", () => {
    it("never runs more than the limit at once, even when newcomers arrive as slots free up", async () => {
        const limit = createLimiter(3);
        let running = 0;
        let peak = 0;
        const task = async (ms: number): Promise<number> => {
            running += 1;
            peak = Math.max(peak, running);
            await tick(ms);
            running -= 1;
            return ms;
        };
        const first = Array.from({ length: 10 }, (_, i) => limit(() => task(1 + (i % 3))));
        await tick(2);
        const late = Array.from({ length: 10 }, () => limit(() => task(1)));
        const results = await Promise.all([...first, ...late]);
        assert.equal(results.length, 20);
        assert.equal(peak, 3);
    });

    it("frees the slot of a task that fails", async () => {
        const limit = createLimiter(1);
        await assert.rejects(
            limit(() => Promise.reject(new Error("boom"))),
            /boom/,
        );
        assert.equal(await limit(async () => "next"), "next");
    });

    it("rejects a limit that is not a positive integer", () => {
        assert.throws(() => createLimiter(0), /positive integer/);
    });
});
