// One policy pack served in a process of its own, as the Pulumi engine starts one process per
// --policy-pack: the pack prints its port on stdout and answers Analyze and AnalyzeStack until
// stopped. bench/policy.ts starts one of these per pack so that each pays for its own garbage
// collection and JIT, and its CPU time is its own, not the engine client's or another pack's.
//   served-pack.ts lakewarden | floor | awsguard <dir>
// lakewarden is the pack's own entry point; awsguard is served by its own install's @pulumi/policy.
// The stack config comes from the environment the CLI gives a pack (PULUMI_CONFIG, PULUMI_NODEJS_STACK).
import { PACK_ENFORCEMENT_LEVEL } from "../policy/lib/define";
import { awsguardPack, lakewardenPack } from "./packs";

function main(): void {
    const [kind, dir] = process.argv.slice(2);
    if (kind === "lakewarden") {
        // The pack's own entry point, as run-policy-pack requires it.
        require("../policy/index");
    } else if (kind === "floor") {
        const floor = lakewardenPack(true);
        new floor.PolicyPack("lakewarden-floor", { policies: floor.policies, enforcementLevel: PACK_ENFORCEMENT_LEVEL });
    } else if (kind === "awsguard" && dir) {
        const guard = awsguardPack(dir);
        new guard.PolicyPack("pulumi-awsguard", { policies: guard.policies, enforcementLevel: "mandatory" });
    } else {
        console.error("usage: served-pack.ts lakewarden | floor | awsguard <dir>");
        process.exit(2);
    }
}

// Exit normally when stopped, so that --cpu-prof and similar flags write what they collected.
process.on("SIGTERM", () => process.exit(0));
main();
