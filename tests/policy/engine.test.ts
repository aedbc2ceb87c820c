import * as aws from "@pulumi/aws";
// Starts the pack exactly as the Pulumi engine does (node @pulumi/pulumi/cmd/run-policy-pack
// <engine-address> . in the pack directory, ts-node with type checking), reads the port it prints,
// and talks to it with the engine's AnalyzerClient using protobuf Structs with unknowns and secrets.
// The same inputs then go through the offline runner, whose diagnostics must match.
import * as assert from "assert";
import { type ChildProcess, spawn } from "child_process";
import * as path from "path";
import type * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { lakewardenPolicies } from "../../policy/policies";
import { PROVIDERS, resource, runPolicyPack, UNKNOWN, typed } from "./helpers";
import { bucketStack, CONSUMER_ROLE_ARN, doc, ORG_CONFIG } from "./fixtures";
import { analyzeRequest, call, configureRequest, connect, type Diagnostic, diagnostics, stackRequest } from "../../support/policy-engine";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const START_TIMEOUT_MS = 90_000;

function startPack(): Promise<{ child: ChildProcess; port: number }> {
    const runPolicyPackScript = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    const child = spawn(process.execPath, [runPolicyPackScript, "127.0.0.1:1", "."], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
    // Never leave the server behind, even if mocha itself is interrupted.
    process.once("exit", () => child.kill("SIGKILL"));
    return new Promise((resolve, reject) => {
        let stderr = "";
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`the pack printed no port within ${START_TIMEOUT_MS} ms: ${stderr}`));
        }, START_TIMEOUT_MS);
        child.stderr?.on("data", d => {
            stderr += String(d);
        });
        child.stdout?.once("data", d => {
            clearTimeout(timer);
            const port = Number(String(d).trim().split("\n")[0]);
            return Number.isInteger(port) ? resolve({ child, port }) : reject(new Error(`unexpected first line: ${String(d)}`));
        });
        child.once("exit", code => {
            clearTimeout(timer);
            reject(new Error(`the pack exited with ${code}: ${stderr}`));
        });
    });
}

const sortKey = (d: Diagnostic) => `${d.policyName}|${d.urn}|${d.enforcementLevel}|${d.message}`;
const normalise = (ds: Diagnostic[]) => ds.map(sortKey).sort();

describe("the pack served over gRPC as the engine runs it", function () {
    this.timeout(START_TIMEOUT_MS + 60_000);
    let child: ChildProcess | undefined;
    let client: analyzerGrpc.AnalyzerClient;

    before(async () => {
        const started = await startPack();
        child = started.child;
        client = connect(started.port);
    });

    after(() => {
        client?.close();
        child?.kill("SIGKILL");
    });

    it("describes every policy with its level and severity", async () => {
        const info = await call(client.getAnalyzerInfo.bind(client), new Empty());
        assert.strictEqual(info.getName(), "lakewarden");
        const names = info.getPoliciesList().map(p => p.getName());
        assert.deepStrictEqual([...names].sort(), lakewardenPolicies.map(p => p.name).sort());
        for (const p of info.getPoliciesList()) {
            assert.notStrictEqual(p.getSeverity(), analyzer.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED, p.getName());
            assert.ok(p.getRemediationSteps().length > 0, p.getName());
            assert.ok(p.getConfigschema()?.getProperties()?.toJavaScript().exemptions, `${p.getName()} accepts exemptions`);
        }
    });

    const wildcard = typed(aws.iam.RolePolicy, "wild", {
        role: "lakewarden-reader",
        policy: doc({ Effect: "Allow", Action: "s3:*", Resource: [UNKNOWN] }),
    });
    const unknownDocument = resource("aws:iam/rolePolicy:RolePolicy", "opaque", { role: "lakewarden-reader", policy: UNKNOWN });
    const secretKey = resource("aws:kms/key:Key", "secret-key", {
        enableKeyRotation: { [SECRET_SIG]: SECRET_VALUE, value: false },
        policy: { [SECRET_SIG]: SECRET_VALUE, value: JSON.stringify(doc({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" })) },
    });
    const crossAccountTrust = typed(aws.iam.Role, "shared", {
        assumeRolePolicy: doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: CONSUMER_ROLE_ARN } }),
    });
    const resources = [
        PROVIDERS.producer,
        PROVIDERS.consumer,
        wildcard,
        unknownDocument,
        secretKey,
        crossAccountTrust,
        ...bucketStack().filter(r => r.name !== "raw-sse"),
    ];

    it("reports resource violations with unknowns and secrets, never as can't-run", async () => {
        const wild = diagnostics(await call(client.analyze.bind(client), analyzeRequest(wildcard)), wildcard.urn);
        assert.ok(wild.some(d => d.policyName === "iam-no-wildcard-actions" && d.enforcementLevel === "mandatory" && /"s3:\*"/.test(d.message)));
        assert.ok(!wild.some(d => d.policyName === "iam-no-wildcard-resources"), "an unknown Resource ARN is accepted");

        const opaque = diagnostics(await call(client.analyze.bind(client), analyzeRequest(unknownDocument)), unknownDocument.urn);
        const opaqueWildcard = opaque.filter(d => d.policyName === "iam-no-wildcard-actions");
        assert.ok(opaqueWildcard.length === 1 && opaqueWildcard[0].enforcementLevel === "mandatory" && /not known at preview/.test(opaqueWildcard[0].message));
        assert.ok(!opaque.some(d => /can't run/.test(d.message)), "no policy fell back to the proxy's advisory");

        const key = diagnostics(await call(client.analyze.bind(client), analyzeRequest(secretKey)), secretKey.urn);
        assert.ok(
            key.some(d => d.policyName === "kms-key-rotation" && /enableKeyRotation is not true/.test(d.message)),
            "secret-wrapped values are read",
        );
    });

    it("reports stack violations with the URN they concern", async () => {
        const stack = diagnostics(await call(client.analyzeStack.bind(client), stackRequest(resources)));
        const sse = stack.find(d => d.policyName === "s3-bucket-sse-kms-cmk");
        assert.ok(sse && sse.urn.endsWith("aws:s3/bucket:Bucket::raw") && sse.enforcementLevel === "mandatory");
        assert.ok(stack.some(d => d.policyName === "kms-key-policy-scoped" && d.urn === secretKey.urn));
    });

    it("matches the offline runner diagnostic for diagnostic", async () => {
        const served: Diagnostic[] = [];
        for (const r of resources) {
            served.push(...diagnostics(await call(client.analyze.bind(client), analyzeRequest(r)), r.urn));
        }
        served.push(...diagnostics(await call(client.analyzeStack.bind(client), stackRequest(resources))));
        const offline = runPolicyPack(resources).violations.map(v => ({
            policyName: v.policyName,
            enforcementLevel: v.enforcementLevel,
            message: v.message,
            urn: v.urn ?? "",
        }));
        assert.ok(served.length > 5);
        assert.deepStrictEqual(normalise(served), normalise(offline));
    });

    it("applies Configure: levels, properties and exemptions", async () => {
        await call(
            client.configure.bind(client),
            configureRequest({
                "iam-no-wildcard-actions": { level: analyzer.EnforcementLevel.ADVISORY },
                "iam-trust-cross-account-conditions": {
                    level: analyzer.EnforcementLevel.MANDATORY,
                    properties: { ...ORG_CONFIG, exemptions: [{ urn: crossAccountTrust.urn, reason: "consumer migration, ticket SEC-2" }] },
                },
                "kms-key-rotation": { level: analyzer.EnforcementLevel.DISABLED },
            }),
        );
        const wild = diagnostics(await call(client.analyze.bind(client), analyzeRequest(wildcard)), wildcard.urn).filter(
            d => d.policyName === "iam-no-wildcard-actions",
        );
        assert.ok(wild.length > 0 && wild.every(d => d.enforcementLevel === "advisory"));
        const key = diagnostics(await call(client.analyze.bind(client), analyzeRequest(secretKey)), secretKey.urn);
        assert.ok(!key.some(d => d.policyName === "kms-key-rotation"));
        const trust = diagnostics(await call(client.analyzeStack.bind(client), stackRequest(resources))).filter(
            d => d.policyName === "iam-trust-cross-account-conditions",
        );
        assert.ok(
            trust.length > 0 && trust.every(d => d.enforcementLevel === "advisory" && /^exempted \(consumer migration/.test(d.message)),
            JSON.stringify(trust),
        );
    });
});
