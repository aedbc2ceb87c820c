import * as assert from "node:assert/strict";
import "../../tools/offline/promise-stacks";

describe("offline stack capture", () => {
    it("gives Pulumi's per-promise capture no frames, and keeps every other stack", async () => {
        // The runtime module the SDK itself uses: the capture is identified by function and file.
        const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable") as {
            debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T> & { _debugStackTrace?: string };
        };
        const raw = Promise.resolve(1) as Promise<number> & { _debugStackTrace?: string };
        const limit = Error.stackTraceLimit;
        await debuggablePromise(raw, "test");
        assert.equal(raw._debugStackTrace, "Error");
        assert.equal(Error.stackTraceLimit, limit, "the frameless capture restores the stack trace limit");

        const ours = new Error("ours").stack ?? "";
        assert.match(ours, /^Error: ours\n {4}at .*promise-stacks\.test\.ts:\d+:\d+/);
    });
});
