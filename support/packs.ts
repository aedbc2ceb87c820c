// The packs bench/policy.ts measures, each with the @pulumi/policy its own install serves it with:
// lakewarden's policies, the same policies checking nothing (the floor) and awsguard's, loaded
// from its own install (it pins @pulumi/aws ^4, so it lives outside the repository).
import { createRequire } from "module";
import * as path from "path";
import type { Policies, PolicyPack as PolicyPackClass } from "@pulumi/policy";
import { type LakewardenPolicy, resourcePolicy, stackPolicy } from "../policy/lib/define";

/** A pack's policies and the @pulumi/policy they are served with (the install's own copy). */
export interface LoadedPack {
    policies: Policies;
    PolicyPack: typeof PolicyPackClass;
    /** That copy's server module, whose Analyze and AnalyzeStack functions bench/policy.ts also calls in-process. */
    server: PolicyServer;
}

type Callback = (error: unknown, response?: { serializeBinary(): Uint8Array }) => void;
type Rpc = (call: { request: unknown }, callback: Callback) => void;

/** @pulumi/policy/server's internals the bench calls (the package strips their types). */
interface PolicyServer {
    makeAnalyzeRpcFun(packName: string, packVersion: string, level: string, policies: Policies): Rpc;
    makeAnalyzeStackRpcFun(packName: string, packVersion: string, level: string, policies: Policies): Rpc;
}

/**
 * The pack's policies checking nothing: each keeps its name, types (so the server skips and
 * rebuilds exactly as for the real one), config schema and the exemption gate, and its rule does
 * nothing. What this costs is the server's work for the policy count and kinds, not the checks'.
 */
function hollow(policies: LakewardenPolicy[]): LakewardenPolicy[] {
    return policies.map(p => {
        const { exemptions: _exemptions, ...config } = p.configSchema?.properties ?? {};
        const rule = {
            name: p.name,
            description: p.description,
            severity: p.severity ?? "low",
            remediationSteps: p.remediationSteps ?? "",
            anchors: p.anchors,
            concern: p.concern,
            resourceTypes: p.resourceTypes,
            config,
        };
        return "validateStack" in p ? stackPolicy({ ...rule, validateStack: () => undefined }) : resourcePolicy({ ...rule, validate: () => undefined });
    });
}

/** lakewarden's policies, or with `hollowed` the floor, and this repository's @pulumi/policy. */
export function lakewardenPack(hollowed = false): LoadedPack {
    const { lakewardenPolicies } = require("../policy/policies") as { lakewardenPolicies: LakewardenPolicy[] };
    return {
        policies: hollowed ? hollow(lakewardenPolicies) : lakewardenPolicies,
        PolicyPack: (require("@pulumi/policy") as { PolicyPack: typeof PolicyPackClass }).PolicyPack,
        server: require("@pulumi/policy/server") as PolicyServer,
    };
}

/** awsguard's policies, loaded from its own install (its @pulumi/aws 4 and @pulumi/policy copies). */
export function awsguardPack(dir: string): LoadedPack {
    const from = createRequire(path.join(path.resolve(dir), "package.json"));
    const main = from.resolve("@pulumi/awsguard");
    const policies: Policies = [];
    for (const module of ["apiGateway", "compute", "database", "elasticsearch", "network", "security", "storage"]) {
        for (const value of Object.values(from(path.join(path.dirname(main), module)) as Record<string, unknown>)) {
            const p = value as { name?: unknown; validateResource?: unknown; validateStack?: unknown };
            if (p && typeof p.name === "string" && (p.validateResource || p.validateStack)) {
                policies.push(value as Policies[number]);
            }
        }
    }
    return {
        policies,
        PolicyPack: (from("@pulumi/policy") as { PolicyPack: typeof PolicyPackClass }).PolicyPack,
        server: from("@pulumi/policy/server") as PolicyServer,
    };
}
