// One policy pack served in a process of its own, as the Pulumi engine starts one process per
// --policy-pack: the pack prints its port on stdout and answers Analyze and AnalyzeStack until
// stopped. bench/policy.ts starts one of these per pack so that each pays for its own garbage
// collection and JIT, and its CPU time is its own, not the engine client's or another pack's.
//   served-pack.ts lakewarden | floor | awsguard <dir>
// lakewarden is the pack's own entry point; awsguard is served by its own install's @pulumi/policy.
// The stack config comes from the environment the CLI gives a pack (PULUMI_CONFIG, PULUMI_NODEJS_STACK).
import { createRequire } from "module";
import * as path from "path";
import type { Policies, PolicyPack as PolicyPackClass } from "@pulumi/policy";
import { type LakewardenPolicy, PACK_ENFORCEMENT_LEVEL, resourcePolicy, stackPolicy } from "../policy/lib/define";

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

/** awsguard's policies, loaded from its own install (its @pulumi/aws 4 and @pulumi/policy copies), and that install's PolicyPack. */
function awsguard(dir: string): { PolicyPack: typeof PolicyPackClass; policies: Policies } {
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
    return { PolicyPack: (from("@pulumi/policy") as { PolicyPack: typeof PolicyPackClass }).PolicyPack, policies };
}

function main(): void {
    const [kind, dir] = process.argv.slice(2);
    if (kind === "lakewarden") {
        // The pack's own entry point, as run-policy-pack requires it.
        require("../policy/index");
    } else if (kind === "floor") {
        const { lakewardenPolicies } = require("../policy/policies") as { lakewardenPolicies: LakewardenPolicy[] };
        const { PolicyPack } = require("@pulumi/policy") as { PolicyPack: typeof PolicyPackClass };
        new PolicyPack("lakewarden-floor", { policies: hollow(lakewardenPolicies), enforcementLevel: PACK_ENFORCEMENT_LEVEL });
    } else if (kind === "awsguard" && dir) {
        const guard = awsguard(dir);
        new guard.PolicyPack("pulumi-awsguard", { policies: guard.policies, enforcementLevel: "mandatory" });
    } else {
        console.error("usage: served-pack.ts lakewarden | floor | awsguard <dir>");
        process.exit(2);
    }
}

// Exit normally when stopped, so that --cpu-prof and similar flags write what they collected.
process.on("SIGTERM", () => process.exit(0));
main();
