// The Pulumi engine's side of the analyzer protocol: starting a pack process and reading the port it
// prints, the requests it marshals for a resource, a stack and a --policy-pack-config, and the
// diagnostics it reads back. The engine and server-patch specs and the policy benchmark talk to a
// served pack with these.
import { type ChildProcess, spawn } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import type * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PACK_ENFORCEMENT_LEVEL } from "../policy/lib/define";
import { reconcilePolicyPackConfig } from "../policy/lib/engine-config";
import { jsonCopy } from "../policy/lib/json-copy";
import type { StackConfig } from "../policy/lib/org-config";
import { lakewardenPolicies } from "../policy/policies";
import type { PlannedResource } from "../policy/runner";

export interface Diagnostic {
    policyName: string;
    enforcementLevel: string;
    message: string;
    urn: string;
}

export function call<Req, Res>(
    method: (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown,
    request: Req,
    timeoutMs = 20_000,
): Promise<Res> {
    return new Promise((resolve, reject) => {
        method(request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response)));
    });
}

/**
 * The environment the CLI gives a Node.js pack: the stack's config in PULUMI_CONFIG (flat map, objects
 * JSON-encoded) and the stack name in PULUMI_NODEJS_STACK (constructEnv in pulumi/pulumi
 * sdk/go/common/resource/plugin/analyzer_plugin.go). Without `stack`, none (as `pulumi policy publish`).
 */
export function packEnvironment(stack: StackConfig | null): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of ["PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS", "PULUMI_NODEJS_STACK", "PULUMI_NODEJS_PROJECT"]) {
        delete env[key];
    }
    return stack ? { ...env, PULUMI_CONFIG: JSON.stringify(stack.config), PULUMI_NODEJS_STACK: stack.name, PULUMI_NODEJS_PROJECT: "lakewarden" } : env;
}

export interface PackProcess {
    child: ChildProcess;
    port: number;
}

/**
 * Starts a pack process (`node <args>`) and reads the port it prints first, as the engine does.
 * The process is killed if this one exits first.
 */
export function startPackProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<PackProcess> {
    const timeoutMs = options.timeoutMs ?? 90_000;
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    process.once("exit", () => child.kill("SIGKILL"));
    return new Promise((resolve, reject) => {
        let stderr = "";
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`node ${args.join(" ")} printed no port within ${timeoutMs} ms: ${stderr}`));
        }, timeoutMs);
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
            reject(new Error(`node ${args.join(" ")} exited with ${code}: ${stderr}`));
        });
    });
}

/** Node arguments that serve one pack with support/served-pack.ts (its kinds are listed there). */
export function servedPackArgs(kind: string, ...rest: string[]): string[] {
    return ["-r", "ts-node/register/transpile-only", path.join(__dirname, "served-pack.ts"), kind, ...rest];
}

/** Stops a pack process and waits for it to exit (served-pack.ts exits normally on SIGTERM, writing any --cpu-prof). */
export function stopPackProcess(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve();
    }
    const exited = new Promise<void>(resolve => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    return exited;
}

/** The raw answer to raw request bytes, as the engine receives it. */
export function sendRaw(client: analyzerGrpc.AnalyzerClient, method: "Analyze" | "AnalyzeStack", bytes: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) =>
        client.makeUnaryRequest(
            `/pulumirpc.Analyzer/${method}`,
            (b: Buffer) => b,
            (b: Buffer) => b,
            Buffer.from(bytes),
            (error, response) => (error || !response ? reject(error ?? new Error(`${method}: no response`)) : resolve(response)),
        ),
    );
}

export function connect(port: number): analyzerGrpc.AnalyzerClient {
    // Loaded lazily: the generated client pulls in the whole gRPC service definition.
    const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as typeof analyzerGrpc;
    return new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

function options(r: PlannedResource): analyzer.AnalyzerResourceOptions {
    const o = new analyzer.AnalyzerResourceOptions();
    o.setProtect(r.opts.protect);
    o.setIgnorechangesList(r.opts.ignoreChanges);
    o.setAliasesList(r.opts.aliases);
    o.setAdditionalsecretoutputsList(r.opts.additionalSecretOutputs);
    o.setDeletebeforereplacedefined(r.opts.deleteBeforeReplace !== undefined);
    o.setDeletebeforereplace(r.opts.deleteBeforeReplace ?? false);
    o.setParent(r.parent ?? "");
    return o;
}

function struct(props: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(jsonCopy(props) as never);
}

function provider(r: PlannedResource): analyzer.AnalyzerProviderResource | undefined {
    if (!r.provider) {
        return undefined;
    }
    const p = new analyzer.AnalyzerProviderResource();
    p.setUrn(r.provider.urn);
    p.setName(r.provider.name);
    p.setType(r.provider.type);
    p.setProperties(struct(r.provider.props));
    return p;
}

/** The fields AnalyzeRequest and AnalyzerResource share, filled as the engine marshals them. */
function describeResource<T extends analyzer.AnalyzeRequest | analyzer.AnalyzerResource>(target: T, r: PlannedResource): T {
    target.setUrn(r.urn);
    target.setType(r.type);
    target.setName(r.name);
    target.setProperties(struct(r.props));
    target.setOptions(options(r));
    target.setProvider(provider(r));
    return target;
}

export function analyzeRequest(r: PlannedResource): analyzer.AnalyzeRequest {
    return describeResource(new analyzer.AnalyzeRequest(), r);
}

export function stackRequest(resources: PlannedResource[]): analyzer.AnalyzeStackRequest {
    const req = new analyzer.AnalyzeStackRequest();
    req.setResourcesList(
        resources.map(r => {
            const a = describeResource(new analyzer.AnalyzerResource(), r);
            a.setParent(r.parent ?? "");
            a.setDependenciesList(r.dependencies);
            for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                const deps = new analyzer.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                a.getPropertydependenciesMap().set(key, deps);
            }
            return a;
        }),
    );
    return req;
}

const LEVELS: Record<number, string> = {
    [analyzer.EnforcementLevel.ADVISORY]: "advisory",
    [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzer.EnforcementLevel.DISABLED]: "disabled",
    [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};

const LEVEL_NUMBERS: Record<string, analyzer.EnforcementLevel> = Object.fromEntries(
    Object.entries(LEVELS).map(([n, name]) => [name, Number(n) as analyzer.EnforcementLevel]),
);

export function diagnostics(response: analyzer.AnalyzeResponse, urn = ""): Diagnostic[] {
    return response.getDiagnosticsList().map(d => ({
        policyName: d.getPolicyname(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()],
        message: d.getMessage(),
        urn: d.getUrn() || urn,
    }));
}

/** A --policy-pack-config as the CLI sends it: a level (and properties) per policy. */
export type EngineConfig = Record<string, { level: number; properties?: Record<string, unknown> }>;

/** The lakewarden pack's --policy-pack-config file as the CLI sends it: reconciled, per policy; `edit` changes the file's content first. */
export function lakewardenEngineConfig(configFile: string, edit: (raw: Record<string, unknown>) => void = () => undefined): EngineConfig {
    const raw = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
    edit(raw);
    const reconciled = reconcilePolicyPackConfig(lakewardenPolicies, PACK_ENFORCEMENT_LEVEL, raw);
    return Object.fromEntries([...reconciled].map(([name, entry]) => [name, { level: LEVEL_NUMBERS[entry.enforcementLevel], properties: entry.properties }]));
}

/** The Configure request the CLI sends for a --policy-pack-config file. */
export function configureRequest(config: EngineConfig): analyzer.ConfigureAnalyzerRequest {
    const req = new analyzer.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(config)) {
        const pc = new analyzer.PolicyConfig();
        pc.setEnforcementlevel(c.level);
        pc.setProperties(struct(c.properties ?? {}));
        req.getPolicyconfigMap().set(name, pc);
    }
    return req;
}
