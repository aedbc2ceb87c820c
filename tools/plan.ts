import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { runPolicyPack, type PolicyRunResult } from "../policy/runner";
import { accountPlans, type AccountPlan, renderAccount } from "./offline/plan-model";
import { recordProgram, type RecordedResource, type Recording } from "./offline/recorder";
import { evaluateIndex, readStackConfig, REPO_ROOT } from "./offline/stack-config";

/**
 * The offline plan: evaluates the real program (index.ts) for a stack's config under Pulumi's
 * mock runtime, lists what each account would hold, and runs the policy pack over every resource.
 * Exit codes: 0 clean, 1 a mandatory violation, 2 a config error.
 */
export interface PlanOptions {
    stack: string;
    preview?: boolean;
    /** Overrides the stack's config map (tests and benchmarks); default: Pulumi.<stack>.yaml. */
    config?: Record<string, string>;
    /** --policy-pack-config file; default policy/config/<stack>.json when it exists. */
    policyConfigFile?: string;
    /** An evaluation of this stack's program already made (tests share one); default: evaluate index.ts now. */
    recording?: Recording;
    /** Changes the recorded resources before the pack runs: how tests prove a bad change is caught. */
    mutate?: (resources: RecordedResource[]) => void;
}

export interface PlanResult {
    exitCode: 0 | 1 | 2;
    stack: string;
    preview: boolean;
    accounts: AccountPlan[];
    resources: RecordedResource[];
    policy?: PolicyRunResult;
    configError?: ConfigError["problems"];
    seconds: number;
}

export async function runPlan(options: PlanOptions): Promise<PlanResult> {
    const started = process.hrtime.bigint();
    const preview = options.preview ?? false;
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    const config = options.config ?? readStackConfig(options.stack);
    let recording;
    try {
        recording = options.recording ?? (await recordProgram(options.stack, config, evaluateIndex, { preview }));
    } catch (error) {
        if (error instanceof ConfigError) {
            return { exitCode: 2, stack: options.stack, preview, accounts: [], resources: [], configError: error.problems, seconds: elapsed() };
        }
        throw error;
    }
    options.mutate?.(recording.resources);
    const policyConfigFile = options.policyConfigFile ?? path.join(REPO_ROOT, "policy", "config", `${options.stack}.json`);
    const policy = runPolicyPack(recording.resources, {
        ...(existsSync(policyConfigFile) ? { config: JSON.parse(readFileSync(policyConfigFile, "utf8")) } : {}),
        preview,
    });
    const mandatory = policy.violations.some((v) => v.enforcementLevel === "mandatory");
    return {
        exitCode: mandatory ? 1 : 0,
        stack: options.stack,
        preview,
        accounts: accountPlans(recording.resources),
        resources: recording.resources,
        policy,
        seconds: elapsed(),
    };
}

export function renderPlan(result: PlanResult): string {
    if (result.configError) {
        return [`lakewarden plan: stack ${result.stack}: configuration error, nothing registered`, ...result.configError.map((p) => `  - ${p.key}: ${p.message}`)].join("\n");
    }
    const total = result.accounts.reduce((sum, a) => sum + a.resourceCount, 0);
    const lines = [
        `lakewarden plan: stack ${result.stack}${result.preview ? " (preview: outputs of new resources unknown)" : ""}: ` +
            `${result.accounts.length} accounts, ${total} resources, ${result.seconds.toFixed(1)}s`,
        "",
        ...result.accounts.map((a) => renderAccount(a) + "\n"),
    ];
    const policy = result.policy;
    if (policy) {
        lines.push(`policy pack: ${policy.policiesRun} policies over ${policy.resourcesChecked} resources`);
        for (const v of policy.violations) {
            lines.push(`  [${v.enforcementLevel}] ${v.policyName}: ${v.resourceType ?? "stack"} ${v.resourceName ?? ""}${v.urn ? ` (${v.urn})` : ""}\n      ${v.message.split("\n").join("\n      ")}`);
        }
        for (const e of policy.exemptionsUsed) {
            lines.push(`  [exempted] ${e.policyName}: ${e.urn} (${e.reason}${e.expires ? `, expires ${e.expires}` : ""})`);
        }
        const mandatory = policy.violations.filter((v) => v.enforcementLevel === "mandatory").length;
        lines.push(`${mandatory} mandatory, ${policy.violations.length - mandatory} other violation(s)`);
    }
    lines.push(result.exitCode === 0 ? "plan: clean" : "plan: FAILED (mandatory violations)");
    return lines.join("\n");
}

export function planJson(result: PlanResult): unknown {
    return {
        stack: result.stack,
        preview: result.preview,
        exitCode: result.exitCode,
        seconds: result.seconds,
        configError: result.configError,
        accounts: result.accounts,
        violations: result.policy?.violations ?? [],
        exemptionsUsed: result.policy?.exemptionsUsed ?? [],
    };
}

function parseArgs(argv: string[]): { options: PlanOptions; json?: string } {
    let stack: string | undefined;
    let json: string | undefined;
    let preview = false;
    let policyConfigFile: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--stack" || arg === "-s") stack = argv[++i];
        else if (arg === "--json") json = argv[++i];
        else if (arg === "--preview") preview = true;
        else if (arg === "--policy-pack-config") policyConfigFile = argv[++i];
        else throw new Error(`unknown argument ${arg}; usage: npm run plan -- --stack <dev|prod> [--preview] [--json FILE] [--policy-pack-config FILE]`);
    }
    if (!stack) {
        throw new Error("missing --stack; usage: npm run plan -- --stack <dev|prod> [--preview] [--json FILE]");
    }
    return { options: { stack, preview, policyConfigFile }, json };
}

async function main(): Promise<void> {
    const { options, json } = parseArgs(process.argv.slice(2));
    const result = await runPlan(options);
    console.log(renderPlan(result));
    if (json) {
        writeFileSync(json, JSON.stringify(planJson(result), null, 2));
        console.log(`wrote ${json}`);
    }
    process.exit(result.exitCode);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(2);
    });
}
