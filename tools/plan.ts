import "./offline/fast-start";
import { existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { lakewardenPolicies } from "../policy/policies";
import { PolicyPackConfigError } from "../policy/lib/engine-config";
import type { StackConfig } from "../policy/lib/org-config";
import { runPolicyPack, type PolicyRunResult } from "../policy/runner";
import { type AccessDiff, diffAccess, renderAccessDiff } from "./access/diff";
import { deployOrder, renderDeployOrder } from "./offline/deploy-order";
import { type Progress, progressLine } from "./report/progress";
import { type AccessReport, computeAccessReport, describeCrossing, renderAccessReport } from "./access/report";
import { accountPlans, type AccountPlan, renderAccount } from "./offline/plan-model";
import { approvalsOf, readBaseAccess, readPolicyConfig, type Relaxation, relaxedPolicies } from "./offline/policy-config";
import { recordProgram, type RecordedResource, type Recording } from "./offline/recorder";
import { evaluateIndex, readStackConfig, REPO_ROOT } from "./offline/stack-config";
import { checkOrganizationSingletons } from "./offline/org-singletons";
import { planJunit } from "./report/junit";
import { ACCESS_CROSSING_RULE, byPolicy, ruleOf } from "./report/rules";
import { planSarif } from "./report/sarif";
import { readDetections, renderSanitisationReport, type SanitisationReport, sanitisationReport } from "./report/sanitisation";
import { environmentFromConfig } from "../config/environment";

/**
 * The offline plan: evaluates the real program (index.ts) for a stack's config under Pulumi's
 * mock runtime, lists what each account would hold, and runs the policy pack over every resource.
 * Exit codes: 0 clean, 1 a mandatory violation, 2 a config error, 3 a crash of the program.
 */
export interface PlanOptions {
    stack: string;
    preview?: boolean;
    /** Overrides the stack's config map (tests and benchmarks); default: Pulumi.<stack>.yaml. */
    config?: Record<string, string>;
    /** --policy-pack-config file; default policy/config/<stack>.json when it exists. */
    policyConfigFile?: string;
    /** A base plan's JSON (`--against FILE`): the plan then reports what this change does to access. */
    against?: string;
    /** An evaluation of this stack's program already made (tests share one); default: evaluate index.ts now. */
    recording?: Recording;
    /** Changes the recorded resources before the pack runs: how tests prove a bad change is caught. */
    mutate?: (resources: RecordedResource[]) => void;
    /** Told when each slow phase starts (the CLI's progress line on a terminal). */
    progress?: Progress;
    /** Detection records (`--detections FILE`, contracts/detections.ts): the plan reports the columns the sanitisation jobs refuse. */
    detections?: string;
}

export interface PlanResult {
    exitCode: 0 | 1 | 2;
    stack: string;
    preview: boolean;
    accounts: AccountPlan[];
    resources: RecordedResource[];
    policy?: PolicyRunResult;
    /** Who can read what, from the recorded Lake Formation resources. */
    access?: AccessReport;
    accessDiff?: AccessDiff;
    /** What each sanitisation job sends to its lower environment, and the columns detections make it refuse. */
    sanitisation?: SanitisationReport;
    /** The policy pack config file the run used. */
    policyConfigFile?: string;
    against?: string;
    /** Policies the config runs below mandatory (advisory or disabled): listed in every plan. */
    relaxed?: Relaxation[];
    configError?: ConfigError["problems"];
    seconds: number;
}

export async function runPlan(options: PlanOptions): Promise<PlanResult> {
    const started = process.hrtime.bigint();
    const preview = options.preview ?? false;
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    // The gate never runs with pack defaults by accident: a missing file is a config error.
    const policyConfigFile = path.resolve(options.policyConfigFile ?? path.join(REPO_ROOT, "policy", "config", `${options.stack}.json`));
    if (!existsSync(policyConfigFile)) {
        const key = options.policyConfigFile ? "--policy-pack-config" : `policy/config/${options.stack}.json`;
        return {
            exitCode: 2,
            stack: options.stack,
            preview,
            accounts: [],
            resources: [],
            seconds: elapsed(),
            configError: [{ key, message: `policy pack config ${policyConfigFile} does not exist; every stack needs one (copy policy/config/prod.json)` }],
        };
    }
    const policyConfigName = path.relative(REPO_ROOT, policyConfigFile) || policyConfigFile;
    let recording;
    let policyConfig: Record<string, unknown>;
    let base: AccessReport | undefined;
    let relaxed: Relaxation[];
    let stack: StackConfig;
    let sanitisationOf: (resources: RecordedResource[]) => SanitisationReport;
    try {
        options.progress?.phase("reading config");
        const config = options.config ?? readStackConfig(options.stack);
        policyConfig = readPolicyConfig(policyConfigFile);
        stack = { name: options.stack, config };
        relaxed = relaxedPolicies(policyConfigName, policyConfig, lakewardenPolicies, new Date(), stack);
        base = options.against === undefined ? undefined : readBaseAccess(options.against);
        const detections = options.detections === undefined ? undefined : { file: options.detections, records: readDetections(options.detections) };
        const env = environmentFromConfig(options.stack, config);
        checkOrganizationSingletons(env);
        sanitisationOf = resources => sanitisationReport(resources, env.datasets, detections);
        options.progress?.phase("evaluating the program (bundles Lambdas when their sources changed)");
        recording = options.recording ?? (await recordProgram(options.stack, config, evaluateIndex, { preview }));
    } catch (error) {
        if (error instanceof ConfigError) {
            return { exitCode: 2, stack: options.stack, preview, accounts: [], resources: [], configError: error.problems, seconds: elapsed() };
        }
        throw error;
    }
    options.mutate?.(recording.resources);
    options.progress?.phase("running the policy pack");
    let policy: PolicyRunResult;
    try {
        policy = runPolicyPack(recording.resources, { config: policyConfig, configName: policyConfigName, preview, stack });
    } catch (error) {
        // Config problems only the recorded stack shows (an exemption that matches nothing).
        if (error instanceof PolicyPackConfigError) {
            return { exitCode: 2, stack: options.stack, preview, accounts: [], resources: [], configError: error.problems, seconds: elapsed() };
        }
        throw error;
    }
    const accounts = accountPlans(recording.resources);
    options.progress?.phase("computing the access report");
    const access = computeAccessReport(recording.resources, accounts, approvalsOf(policyConfig));
    const accessDiff = base && diffAccess(base, access);
    for (const crossing of accessDiff?.newCrossings.filter(c => !c.approval) ?? []) {
        policy.violations.push({
            policyName: ACCESS_CROSSING_RULE.name,
            enforcementLevel: "mandatory",
            severity: ACCESS_CROSSING_RULE.severity,
            urn: crossing.grant.urn,
            resourceType: "aws:lakeformation/permissions:Permissions",
            resourceName: crossing.grant.name,
            message:
                `this change makes ${describeCrossing(crossing)}; add an approval (column, account, reason, approver, expires) ` +
                `to lf-sensitive-data-requires-filter.approvedColumns in ${path.relative(REPO_ROOT, policyConfigFile)} after review, or keep the column out`,
        });
    }
    const mandatory = policy.violations.some(v => v.enforcementLevel === "mandatory");
    return {
        exitCode: mandatory ? 1 : 0,
        stack: options.stack,
        preview,
        accounts,
        resources: recording.resources,
        policy,
        access,
        ...(accessDiff ? { accessDiff } : {}),
        sanitisation: sanitisationOf(recording.resources),
        relaxed,
        policyConfigFile: policyConfigName,
        ...(options.against ? { against: options.against } : {}),
        seconds: elapsed(),
    };
}

export function renderPlan(result: PlanResult, verbose = false): string {
    if (result.configError) {
        return [
            `lakewarden plan: stack ${result.stack}: configuration error, nothing registered`,
            ...result.configError.map(p => `  - ${p.key}: ${p.message}`),
        ].join("\n");
    }
    const total = result.accounts.reduce((sum, a) => sum + a.resourceCount, 0);
    const lines = [
        `lakewarden plan: stack ${result.stack}${result.preview ? " (preview: outputs of new resources unknown)" : ""}: ` +
            `${result.accounts.length} accounts, ${total} resources, ${result.seconds.toFixed(1)}s`,
        "",
        `policy pack config: ${result.policyConfigFile}`,
        "",
        ...result.accounts.map(a => renderAccount(a) + "\n"),
        renderDeployOrder(deployOrder(result.resources, result.accounts)),
        "",
    ];
    if (result.access) {
        lines.push(renderAccessReport(result.access, verbose), "");
    }
    if (result.accessDiff) {
        lines.push(renderAccessDiff(result.accessDiff, result.against ?? "base"), "");
    }
    if (result.sanitisation && result.sanitisation.jobs.length > 0) {
        lines.push(renderSanitisationReport(result.sanitisation), "");
    }
    const policy = result.policy;
    if (policy) {
        lines.push(`policy pack: ${policy.policiesRun} policies over ${policy.resourcesChecked} resources`);
        if (result.relaxed && result.relaxed.length > 0) {
            lines.push(`  relaxed below mandatory by ${result.policyConfigFile}: ${result.relaxed.map(r => `${r.policy} (${r.level})`).join(", ")}`);
            lines.push(
                ...result.relaxed.map(r => `    ${r.policy}: ${r.reason ?? "declared below mandatory by the pack"}${r.expires ? ` (until ${r.expires})` : ""}`),
            );
        }
        for (const v of policy.violations) {
            const anchors = ruleOf(v.policyName).anchorIds;
            lines.push(
                `  [${v.enforcementLevel}${v.severity ? `, ${v.severity}` : ""}] ${v.policyName}${anchors.length > 0 ? ` {${anchors.join(", ")}}` : ""}: ` +
                    `${v.resourceType ?? "stack"} ${v.resourceName ?? ""}${v.urn ? ` (${v.urn})` : ""}\n      ${v.message.split("\n").join("\n      ")}`,
            );
        }
        for (const e of policy.exemptionsUsed) {
            // The waived message too: one resource can be exempted from several findings of one policy.
            lines.push(
                `  [exempted] ${e.policyName}: ${e.urn}\n      waived: ${e.message}\n      because: ${e.reason}${e.expires ? ` (expires ${e.expires})` : ""}`,
            );
        }
        const summary = byPolicy(policy.violations);
        if (summary.length > 0) {
            lines.push("violations by policy:", ...summary.map(s => `  ${String(s.count).padStart(4)}  ${s.level.padEnd(9)}  ${s.policy}`));
        }
        const mandatory = policy.violations.filter(v => v.enforcementLevel === "mandatory").length;
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
        policyConfigFile: result.policyConfigFile,
        access: result.access,
        accessDiff: result.accessDiff,
        sanitisation: result.sanitisation,
        relaxed: result.relaxed ?? [],
    };
}

export const USAGE = `usage: npm run plan -- --stack <stack> [options]

Evaluates index.ts for Pulumi.<stack>.yaml under Pulumi's mock runtime (no cloud, no engine), lists
what each account would hold, computes who can read what, and runs the policy pack.

  --stack, -s NAME            stack to plan (Pulumi.NAME.yaml); required
  --preview                   outputs of new resources stay unknown, as in a first pulumi preview
  --policy-pack-config FILE   policy pack config (default policy/config/NAME.json; must exist)
  --against FILE              a base plan's --json output: print what this change adds/removes in access
  --json FILE                 write the whole result (accounts, violations, access report) as JSON
  --sarif FILE                write the violations as SARIF 2.1.0 (GitHub code scanning: upload-sarif)
  --junit FILE                write JUnit XML: a testsuite per policy, a testcase per resource reported,
                              a failure per mandatory violation (advisory ones in system-out)
  --detections FILE           detection records (discovery's detections/records/<db>.json): report the columns
                              the sanitisation jobs refuse because a detection contradicts the model
  --verbose, -v               access report with every grant, its resource name and URN
  --help, -h                  this text

exit codes: 0 clean, 1 mandatory violation, 2 configuration error, 3 program crash`;

export interface CliArgs {
    options: PlanOptions;
    json?: string;
    sarif?: string;
    junit?: string;
    verbose: boolean;
    help: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
    const args: CliArgs = { options: { stack: "" }, verbose: false, help: false };
    const value = (i: number, flag: string): string => {
        const v = argv[i];
        if (v === undefined || v.startsWith("-")) {
            throw new UsageError(`${flag} needs a value`);
        }
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--stack" || arg === "-s") args.options.stack = value(++i, arg);
        else if (arg === "--json") args.json = value(++i, arg);
        else if (arg === "--sarif") args.sarif = value(++i, arg);
        else if (arg === "--junit") args.junit = value(++i, arg);
        else if (arg === "--preview") args.options.preview = true;
        else if (arg === "--policy-pack-config") args.options.policyConfigFile = value(++i, arg);
        else if (arg === "--against") args.options.against = value(++i, arg);
        else if (arg === "--detections") args.options.detections = value(++i, arg);
        else if (arg === "--verbose" || arg === "-v") args.verbose = true;
        else if (arg === "--help" || arg === "-h") args.help = true;
        else throw new UsageError(`unknown argument ${arg}`);
    }
    if (!args.help && !args.options.stack) {
        throw new UsageError("missing --stack");
    }
    return args;
}

class UsageError extends Error {}

async function main(): Promise<void> {
    let args: CliArgs;
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (error) {
        console.error(`${(error as Error).message}\n\n${USAGE}`);
        process.exit(2);
    }
    if (args.help) {
        console.log(USAGE);
        return;
    }
    const progress = progressLine(process.stderr);
    const result = await runPlan({ ...args.options, progress }).finally(() => progress?.done());
    console.log(renderPlan(result, args.verbose));
    if (args.json) {
        writeFileSync(args.json, JSON.stringify(planJson(result), null, 2));
        console.log(`wrote ${args.json}`);
    }
    // After a config error nothing was checked: a report without violations would read as a clean run.
    const reports: [string | undefined, () => string][] = [
        [args.sarif, () => JSON.stringify(planSarif(result), null, 2)],
        [args.junit, () => planJunit(result)],
    ];
    for (const [file, render] of reports) {
        if (file && result.configError) {
            console.log(`not writing ${file}: configuration error, no policy ran`);
        } else if (file) {
            writeFileSync(file, render());
            console.log(`wrote ${file}`);
        }
    }
    process.exit(result.exitCode);
}

if (require.main === module) {
    // A crash of the program (not a config error: those are exit 2 with the key) shows where it happened.
    main().catch((error: unknown) => {
        console.error(`lakewarden plan: the program crashed (a defect, not a configuration error):\n${error instanceof Error ? error.stack : String(error)}`);
        process.exit(3);
    });
}
