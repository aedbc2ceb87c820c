// The pack is served by @pulumi/policy's server with patches/@pulumi+policy+*.patch applied
// (`npm install` runs patch-package). The patch only saves work: one build of the stack per
// AnalyzeStack, one view of each resource per Analyze, and one serialisation of each answer that
// carries no diagnostics. Its answers must be the published server's, byte for byte. This serves
// the pack in two processes, as the engine would, on the installed server and on the published one
// (the patch reversed), and compares every answer over the dev program (recorded, and as a first
// preview sees it, with unknowns) and violating fixtures, a second time from the patched server's
// kept answers, and after a Configure that changes levels.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import type * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type { PlannedResource } from "../../policy/runner";
import {
    call,
    analyzeRequest,
    configureRequest,
    connect,
    type EngineConfig,
    lakewardenEngineConfig,
    packEnvironment,
    type PackProcess,
    sendRaw,
    servedPackArgs,
    stackRequest,
    startPackProcess,
    stopPackProcess,
} from "../../support/policy-engine";
import { publishedSource } from "../../support/policy-server-patch";
import { readStackConfig } from "../../tools/offline/stack-config";
import { sharedStack } from "../helpers/program";
import { doc } from "./fixtures";
import { PROVIDERS, typed, UNKNOWN } from "./helpers";

/** SHA-256 of server.js as @pulumi/policy 1.21.0 publishes it (the file npm ci installed before the patch). */
const PUBLISHED_SHA256 = "0aa32052092307cc6ed5ba39971f393e21876d91f7b24fca2aee90dc3dabd3a1";

const DEV_CONFIG = path.join(__dirname, "..", "..", "policy", "config", "dev.json");

const violating: PlannedResource[] = [
    typed(aws.iam.RolePolicy, "wild", { role: "lakewarden-reader", policy: doc({ Effect: "Allow", Action: "s3:*", Resource: [UNKNOWN] }) }),
    typed(aws.iam.RolePolicy, "opaque", { role: "lakewarden-reader", policy: UNKNOWN }),
    typed(aws.kms.Key, "unrotated", { enableKeyRotation: false, policy: doc({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }) }),
    typed(aws.sqs.Queue, "plain", {}),
];

describe("the patched @pulumi/policy server answers as the published one", function () {
    this.timeout(240_000);
    const packs: PackProcess[] = [];
    let published: analyzerGrpc.AnalyzerClient;
    let patched: analyzerGrpc.AnalyzerClient;

    before(async () => {
        const env = packEnvironment({ name: "dev", config: readStackConfig("dev") });
        const started = await Promise.allSettled(["lakewarden-published", "lakewarden"].map(kind => startPackProcess(servedPackArgs(kind), { env })));
        // Keep what started so that `after` stops it even if the other failed.
        packs.push(...started.flatMap(s => (s.status === "fulfilled" ? [s.value] : [])));
        for (const s of started) {
            if (s.status === "rejected") {
                throw s.reason;
            }
        }
        [published, patched] = packs.map(p => connect(p.port));
    });

    after(async () => {
        published?.close();
        patched?.close();
        await Promise.all(packs.map(p => stopPackProcess(p.child)));
    });

    it("reverses onto the installed server.js to give the published file", () => {
        assert.equal(publishedSource().sha256, PUBLISHED_SHA256);
    });

    /** Configures both, then sends every resource's Analyze and the stack's AnalyzeStack to both, `passes` times; returns the answers compared. */
    async function compare(resources: PlannedResource[], config: EngineConfig, passes: number): Promise<number> {
        for (const client of [published, patched]) {
            await call(client.configure.bind(client), configureRequest(config));
        }
        const requests = resources.map(r => analyzeRequest(r).serializeBinary());
        const stack = stackRequest(resources).serializeBinary();
        let compared = 0;
        for (let pass = 1; pass <= passes; pass++) {
            for (const [i, bytes] of requests.entries()) {
                const [a, b] = await Promise.all([sendRaw(published, "Analyze", bytes), sendRaw(patched, "Analyze", bytes)]);
                assert.ok(a.equals(b), `Analyze ${resources[i].urn}, pass ${pass}: the patched server answers differently`);
                compared++;
            }
            const [a, b] = await Promise.all([sendRaw(published, "AnalyzeStack", stack), sendRaw(patched, "AnalyzeStack", stack)]);
            assert.ok(a.equals(b), `AnalyzeStack, pass ${pass}: the patched server answers differently`);
            compared++;
        }
        return compared;
    }

    it("over the recorded dev program and violating fixtures, twice (the second time from the patched server's kept answers)", async () => {
        const { resources } = await sharedStack("dev");
        const all = [PROVIDERS.producer, ...violating, ...resources];
        assert.equal(await compare(all, lakewardenEngineConfig(DEV_CONFIG), 2), 2 * (all.length + 1));
    });

    it("over the dev program as a first preview sees it (unknown outputs), after levels change", async () => {
        const { resources } = await sharedStack("dev", { preview: true });
        const all = [PROVIDERS.producer, ...violating, ...resources];
        // A multi-type and a single-type policy disabled, another made advisory: the answers the
        // patched server kept under the previous levels must not be served.
        const expires = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
        const lowered = (level: string) => ({ enforcementLevel: level, reason: "compared on both servers", expires });
        const relevelled = lakewardenEngineConfig(DEV_CONFIG, raw => {
            raw["iam-no-wildcard-actions"] = lowered("disabled");
            raw["kms-key-rotation"] = lowered("disabled");
            raw["sqs-queue-kms-cmk"] = lowered("advisory");
        });
        assert.equal(await compare(all, relevelled, 1), all.length + 1);
    });
});
