import * as path from "node:path";

/**
 * Pulumi's runtime captures `new Error().stack` for every promise it creates (read only by its
 * PULUMI_DEBUG_PROMISE_LEAKS report) and, with no depth limit, for every resource (the source
 * position and stack it sends the engine, which the mock monitor drops). Under ts-node each of
 * those stacks went through source-map support: a third of an offline plan's time. In the offline
 * tools those two captures get no frames (a promise's keeps them raw when the leak report is on);
 * every other stack, an error in our code or a failing test, is still source-mapped.
 */
const PULUMI_SDK = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;
const leakReport = Boolean(process.env.PULUMI_DEBUG_PROMISE_LEAKS);

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
