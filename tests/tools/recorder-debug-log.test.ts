import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { recordProgram } from "../../tools/offline/recorder";

describe("offline recorder: the SDK's per-registration debug line", () => {
    it("names the resource without rendering its whole state", async () => {
        // resource.js formats `resp: ${innerResponse}` for log.debug, which it calls through the module's exports.
        const log = require("@pulumi/pulumi/log") as { debug(message: string, ...rest: unknown[]): Promise<void> };
        const original = log.debug;
        const lines: string[] = [];
        log.debug = (message: string, ...rest: unknown[]) => {
            lines.push(message);
            return original(message, ...rest);
        };
        try {
            const code = "x".repeat(1_000_000);
            const recording = await recordProgram("dev", {}, () => {
                new aws.ssm.Parameter("big", { type: "String", value: code });
            });
            const big = recording.resources.find(r => r.name === "big");
            assert.equal(big?.props.value, code, "the recording keeps the whole input");
            const finished = lines.filter(l => l.startsWith("RegisterResource RPC finished: resource:big"));
            assert.equal(finished.length, 1, lines.join("\n"));
            assert.ok(finished[0].includes(big.urn), finished[0]);
            assert.ok(finished[0].length < 1000, `the debug line is ${finished[0].length} characters`);
        } finally {
            log.debug = original;
        }
    });
});
