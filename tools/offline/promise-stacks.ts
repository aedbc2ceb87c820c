import * as path from "node:path";

/**
 * Pulumi's runtime captures `new Error().stack` for every promise it creates (read only by its
 * PULUMI_DEBUG_PROMISE_LEAKS report) and, with no depth limit, for every resource (the source
 * position and stack it sends the engine, which the mock monitor drops). Under ts-node each of
 * those stacks went through source-map support: a third of an offline plan's time. In the offline
 * tools those two captures get no frames (a promise's keeps them raw when the leak report is on);
 * every other stack, an error in our code or a failing test, is still source-mapped.
 *
 * Not mapping a stack still leaves V8 collecting its frames: the per-promise capture is made with
 * `Error.stackTraceLimit` 0 (unless the leak report is on), which took another ~8% of a plan.
 */
const PULUMI_SDK = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;
const leakReport = Boolean(process.env.PULUMI_DEBUG_PROMISE_LEAKS);

// The SDK calls it as a property of the module's exports (`debuggable_1.debuggablePromise(...)`), so this wrapper is what every caller gets.
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T> };
const capturing = debuggable.debuggablePromise;
if (!leakReport && !(capturing as { frameless?: true }).frameless) {
    debuggable.debuggablePromise = Object.assign(
        <T>(p: Promise<T>, ctx: string): Promise<T> => {
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 0;
            try {
                return capturing(p, ctx);
            } finally {
                Error.stackTraceLimit = limit;
            }
        },
        { frameless: true as const },
    );
}

const mapped = Error.prepareStackTrace;
if (mapped) {
    Error.prepareStackTrace = (error, frames) => {
        const top = frames[0];
        const capture = top?.getFunctionName();
        if ((capture === "debuggablePromise" || capture === "callsites") && (top.getFileName() ?? "").includes(PULUMI_SDK)) {
            return capture === "debuggablePromise" && leakReport ? `${String(error)}\n    at ${frames.join("\n    at ")}` : String(error);
        }
        return mapped(error, frames);
    };
}
