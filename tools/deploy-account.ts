import { spawnSync } from "node:child_process";
import { recordProgram } from "./offline/recorder";
import { evaluateIndex, readStackConfig, REPO_ROOT } from "./offline/stack-config";
import { DEPLOY_ACCOUNT_VARIABLE } from "../stacks/providers";
import { deployOrder } from "./offline/deploy-order";
import { accountPlans } from "./offline/plan-model";
import { accountTargets, pulumiUpCommand } from "./offline/targets";

/**
 * Deploys one account of an environment alone: evaluates the program offline to find the
 * account's component subtree and provider, then runs a targeted `pulumi up` (or preview).
 * usage: npm run deploy:account -- --stack <env> --account <name> [--preview] [--print]
 */
async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    const value = (flag: string) => {
        const i = argv.indexOf(flag);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    const stack = value("--stack");
    const account = value("--account");
    if (!stack || !account) {
        throw new Error("usage: npm run deploy:account -- --stack <env> --account <name> [--preview] [--print]");
    }
    const recording = await recordProgram(stack, readStackConfig(stack), evaluateIndex);
    const { targets, selected, explicit } = accountTargets(recording.resources, account);
    const command = pulumiUpCommand(stack, targets, argv.includes("--preview"));
    console.log(`account ${account}: ${selected.length} resources selected${explicit ? " (listed one by one: a glob would reach another account)" : ""}`);
    const step = deployOrder(recording.resources, accountPlans(recording.resources)).find(s => s.account === account);
    if (step && step.after.length > 0) console.log(`deploy after: ${step.after.join(", ")}`);
    if (step && step.againAfter.length > 0) console.log(`deploy again after: ${step.againAfter.join(", ")} (they depend on each other)`);
    console.log(command.map(c => (/[$*]/.test(c) ? `'${c}'` : c)).join(" "));
    if (argv.includes("--print")) {
        console.log(`(run with ${DEPLOY_ACCOUNT_VARIABLE}=${account} in the environment)`);
        return;
    }
    // The program sees which account is deployed: the other accounts' providers skip credential validation.
    console.log(`${DEPLOY_ACCOUNT_VARIABLE}=${account}`);
    const run = spawnSync(command[0], command.slice(1), { stdio: "inherit", cwd: REPO_ROOT, env: { ...process.env, [DEPLOY_ACCOUNT_VARIABLE]: account } });
    if (run.error) {
        throw new Error(`could not run the Pulumi CLI (${run.error.message}); install it, or use --print to see the command`);
    }
    process.exit(run.status ?? 1);
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
});
