import * as aws from "@pulumi/aws";
// Starts the pack exactly as the Pulumi engine does (node @pulumi/pulumi/cmd/run-policy-pack
// <engine-address> . in the pack directory, ts-node with type checking), reads the port it prints,
// and talks to it with the engine's AnalyzerClient using protobuf Structs with unknowns and secrets.
// The same inputs then go through the offline runner, whose diagnostics must match.
import * as assert from "assert";
import type { ChildProcess } from "child_process";
import * as path from "path";
import type * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { lakewardenPolicies } from "../../policy/policies";
import type { StackConfig } from "../../policy/lib/org-config";
import { PROVIDERS, runPolicyPack, STACK_CONFIG, typed, UNKNOWN, untyped } from "./helpers";
import { bucketStack, CONSUMER_ROLE_ARN, doc, ORG_CONFIG } from "./fixtures";
import {
    analyzeRequest,
    call,
    configureRequest,
    connect,
    type Diagnostic,
    diagnostics,
    packEnvironment,
    type PackProcess,
    stackRequest,
    startPackProcess,
} from "../../support/policy-engine";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const START_TIMEOUT_MS = 90_000;

function startPack(stack: StackConfig | null = STACK_CONFIG): Promise<PackProcess> {
    const runPolicyPackScript = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    return startPackProcess([runPolicyPackScript, "127.0.0.1:1", "."], { cwd: POLICY_DIR, env: packEnvironment(stack), timeoutMs: START_TIMEOUT_MS });
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
    const unknownDocument = typed(aws.iam.RolePolicy, "opaque", { role: "lakewarden-reader", policy: UNKNOWN });
    const secretKey = untyped("the engine sends a secret input as a {signature, value} object", "aws:kms/key:Key", "secret-key", {
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

    it("reads the organisation id from the stack config; a per-policy copy that disagrees fails the run naming the key", async () => {
        const trustOf = async () =>
            diagnostics(await call(client.analyzeStack.bind(client), stackRequest(resources))).filter(
                d => d.policyName === "iam-trust-cross-account-conditions",
            );
        await call(client.configure.bind(client), configureRequest({}));
        assert.ok(
            (await trustOf()).some(d => /aws:PrincipalOrgID|organi[sz]ation/i.test(d.message)),
            "judged against the stack's organisation",
        );
        await call(
            client.configure.bind(client),
            configureRequest({
                "iam-trust-cross-account-conditions": { level: analyzer.EnforcementLevel.MANDATORY, properties: { organizationId: "o-other000001" } },
            }),
        );
        await assert.rejects(
            trustOf(),
            /--policy-pack-config: iam-trust-cross-account-conditions\.organizationId: "o-other000001" disagrees with lakewarden:organization\.id o-lw0example1 in Pulumi\.dev\.yaml/,
        );
        await call(client.configure.bind(client), configureRequest({}));
    });
});

describe("the pack started without stack config (as pulumi policy publish starts it)", function () {
    this.timeout(START_TIMEOUT_MS + 60_000);
    let child: ChildProcess | undefined;
    let client: analyzerGrpc.AnalyzerClient;

    before(async () => {
        const started = await startPack(null);
        child = started.child;
        client = connect(started.port);
    });

    after(() => {
        client?.close();
        child?.kill("SIGKILL");
    });

    it("still describes its policies, and a policy that needs the organisation id fails naming the key", async () => {
        const info = await call(client.getAnalyzerInfo.bind(client), new Empty());
        assert.strictEqual(info.getPoliciesList().length, lakewardenPolicies.length);
        const trust = typed(aws.iam.Role, "shared", {
            assumeRolePolicy: doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: CONSUMER_ROLE_ARN } }),
        });
        await assert.rejects(
            call(client.analyzeStack.bind(client), stackRequest([PROVIDERS.producer, PROVIDERS.consumer, trust])),
            /Pulumi\.<stack>\.yaml: lakewarden:organization\.id: not set/,
        );
        const wildcard = diagnostics(await call(client.analyze.bind(client), analyzeRequest(trust)), trust.urn);
        assert.ok(!wildcard.some(d => /can't run/.test(d.message)), "policies that do not need it run as before");
    });
});
