// The Pulumi engine's side of the analyzer protocol: the requests it marshals for a resource, a
// stack and a --policy-pack-config, and the diagnostics it reads back. The engine spec and the
// policy benchmark both talk to a served pack with these.
import * as grpc from "@grpc/grpc-js";
import type * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
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
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
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

export const LEVEL_NUMBERS: Record<string, analyzer.EnforcementLevel> = Object.fromEntries(
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

/** The Configure request the CLI sends for a --policy-pack-config file. */
export function configureRequest(config: Record<string, { level: number; properties?: Record<string, unknown> }>): analyzer.ConfigureAnalyzerRequest {
    const req = new analyzer.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(config)) {
        const pc = new analyzer.PolicyConfig();
        pc.setEnforcementlevel(c.level as analyzer.EnforcementLevel);
        pc.setProperties(struct(c.properties ?? {}));
        req.getPolicyconfigMap().set(name, pc);
    }
    return req;
}
