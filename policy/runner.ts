// Offline evaluation of the lakewarden pack, faithful to @pulumi/policy's gRPC server
// (server.js: makeAnalyzeRpcFun / makeAnalyzeStackRpcFun) and to the CLI's handling of
// --policy-pack-config, without starting a server. The offline plan and the tests use it.
import { readFileSync } from "fs";
import * as path from "path";
import type { EnforcementLevel, Policies, PolicyResource, PolicyResourceOptions, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PACK_ENFORCEMENT_LEVEL } from "./lib/define";
import { type PolicyConfigEntry, PolicyPackConfigError, reconcilePolicyPackConfig, unmatchedExemptions } from "./lib/engine-config";
import { processStackConfig, organizationProblems, type StackConfig } from "./lib/org-config";
import { type ExemptionUse, RUNNER_CONTEXT, type RunnerContext } from "./lib/runner-context";
import { jsonCopy } from "./lib/json-copy";
import { containsUnknown } from "./lib/unknown";
import { lakewardenPolicies as packPolicies } from "./policies";

export { UNKNOWN } from "./lib/unknown";
export type { ExemptionUse } from "./lib/runner-context";

export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** Inputs as the engine sends them; unknown values are the UNKNOWN string. */
    props: Record<string, unknown>;
    /** Parent URN. */
    parent?: string;
    /** Explicit provider resource (its props as plain objects). */
    provider?: { urn: string; name: string; type: string; props: Record<string, unknown> };
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    opts: {
        protect: boolean;
        deleteBeforeReplace?: boolean;
        ignoreChanges: string[];
        aliases: string[];
        additionalSecretOutputs: string[];
        customTimeouts?: { createSeconds: number; updateSeconds: number; deleteSeconds: number };
    };
}

export interface Violation {
    policyName: string;
    enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    urn?: string;
    resourceType?: string;
    resourceName?: string;
    message: string;
    severity?: string;
}

export interface PolicyRunResult {
    violations: Violation[];
    exemptionsUsed: ExemptionUse[];
    policiesRun: number;
    resourcesChecked: number;
}

export interface RunOptions {
    /** Parsed --policy-pack-config JSON. */
    config?: unknown;
    /** Path of a --policy-pack-config file (used when `config` is not given). */
    configFile?: string;
    /** How errors name the config file when `config` is given (default: configFile, or --policy-pack-config). */
    configName?: string;
    /** Clock for exemption expiry. */
    now?: Date;
    /** Preview (default): unknown values allowed. Update: an unknown value is an error. */
    preview?: boolean;
    /** Policies to run instead of the lakewarden pack (tests of the runner itself). */
    policies?: Policies;
    /**
     * The stack's config as the engine hands it to the pack (name and flat key map); the pack reads
     * the organisation id from it. Default: what this process's @pulumi/pulumi runtime holds, as under the engine.
     */
    stack?: StackConfig;
}

const PACK_NAME = "lakewarden";
const PACK_VERSION = (JSON.parse(readFileSync(path.join(__dirname, "package.json"), "utf8")) as { version: string }).version;

// @pulumi/policy internals the server uses; their .d.ts files are stripped, so type them here.
interface UnknownValueErrorClass {
    new (...args: never[]): Error;
}
const proxyModule = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: UnknownValueErrorClass;
};
const deserializeModule = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: Struct, proxySecrets: boolean): Record<string, unknown>;
};
const policyModule = require("@pulumi/policy/policy") as {
    isResourcePolicy(p: unknown): boolean;
    isStackPolicy(p: unknown): boolean;
    getPulumiType(o: unknown): string | undefined;
};

class NotApplicableError extends Error {}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason ?? "Policy does not apply");
}

/** The engine sends properties as protobuf Structs; the server deserializes them (secrets unwrapped). */
function deserialize(props: Record<string, unknown>): Record<string, unknown> {
    const normalised = jsonCopy(props ?? {}) as Record<string, unknown>;
    return deserializeModule.deserializeProperties(Struct.fromJavaScript(normalised as never), false);
}

function resourceOptions(r: PlannedResource): PolicyResourceOptions {
    const opts: PolicyResourceOptions = {
        protect: r.opts.protect,
        ignoreChanges: r.opts.ignoreChanges,
        aliases: r.opts.aliases,
        customTimeouts: r.opts.customTimeouts ?? { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: r.opts.additionalSecretOutputs,
    };
    if (r.opts.deleteBeforeReplace !== undefined) {
        opts.deleteBeforeReplace = r.opts.deleteBeforeReplace;
    }
    if (r.parent) {
        opts.parent = r.parent;
    }
    return opts;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    const pulumiType = policyModule.getPulumiType(resourceClass);
    if (pulumiType) {
        return type === pulumiType;
    }
    const isInstance = (resourceClass as { isInstance?: unknown } | undefined)?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

interface Diagnostic {
    policyName: string;
    message: string;
    urn?: string;
    enforcementLevel: EnforcementLevel;
    severity?: string;
}

/** Mirrors makeReportViolationFun, including the object form. */
function makeReportViolation(policyName: string, description: string, enforcementLevel: EnforcementLevel, severity: string | undefined, out: Diagnostic[]) {
    return (message: unknown, urn?: string): void => {
        if (message !== null && typeof message === "object") {
            const info = message as Partial<Diagnostic> & { name?: string; description?: string };
            out.push({
                policyName: info.name || policyName,
                message: info.message || info.description || description,
                urn: info.urn,
                enforcementLevel: info.enforcementLevel || enforcementLevel,
                severity: info.severity || severity,
            });
            return;
        }
        out.push({
            policyName,
            message: message ? `${description}\n${String(message)}` : description,
            urn,
            enforcementLevel,
            severity,
        });
    };
}

function resolveLevel(config: Map<string, PolicyConfigEntry>, name: string, own: EnforcementLevel | undefined): EnforcementLevel {
    return config.get(name)?.enforcementLevel || own || PACK_ENFORCEMENT_LEVEL;
}

function loadConfig(options: RunOptions): unknown {
    if (options.config !== undefined) {
        return options.config;
    }
    return options.configFile ? (JSON.parse(readFileSync(options.configFile, "utf8")) as unknown) : undefined;
}

export function runPolicyPack(resources: PlannedResource[], options: RunOptions = {}): PolicyRunResult {
    const policies = options.policies ?? packPolicies;
    const config = reconcilePolicyPackConfig(policies, PACK_ENFORCEMENT_LEVEL, loadConfig(options), options.now);
    const stack = options.stack ?? processStackConfig();
    const configName = options.configName ?? options.configFile ?? "--policy-pack-config";
    const problems = [...organizationProblems(policies, config, stack, configName), ...unmatchedExemptions(policies, config, resources, configName)];
    if (problems.length > 0) {
        throw new PolicyPackConfigError(problems);
    }
    const getConfigFor = (name: string) => () => ({ ...(config.get(name)?.properties ?? {}) });
    const exemptionsUsed: ExemptionUse[] = [];
    const context: RunnerContext = {
        now: options.now ?? new Date(),
        stack,
        recordExemption: use => exemptionsUsed.push(use),
    };
    const stackTags: ReadonlyMap<string, string> = new Map();

    const deserialized = resources.map(r => {
        const props = deserialize(r.props);
        if (options.preview === false && containsUnknown(props)) {
            throw new Error(`${r.urn} has unknown values; they are only possible during preview`);
        }
        return props;
    });
    const providerProps = resources.map(r => (r.provider ? deserialize(r.provider.props) : undefined));
    const diagnostics: { d: Diagnostic; resource?: PlannedResource }[] = [];
    let policiesRun = 0;

    // Runs one validation as the server does: unknown reads become an advisory "can't run",
    // notApplicable is silent, anything else fails the whole run.
    const guard = (p: { name: string; severity?: string }, run: () => unknown, out: Diagnostic[]): void => {
        const from = `policy '${p.name}' from policy pack '${PACK_NAME}@v${PACK_VERSION}'`;
        try {
            const result = run();
            if (result && typeof (result as Promise<void>).then === "function") {
                throw new Error("lakewarden policies must validate synchronously");
            }
        } catch (e) {
            if (e instanceof proxyModule.UnknownValueError) {
                out.push({
                    policyName: p.name,
                    message: `can't run ${from} during preview: ${e.message}`,
                    enforcementLevel: "advisory",
                    severity: p.severity,
                });
            } else if (!(e instanceof NotApplicableError)) {
                throw new Error(`Error validating resource with ${from}:\n${(e as Error).stack}`);
            }
        }
    };

    for (const p of policies) {
        const level = resolveLevel(config, p.name, p.enforcementLevel);
        if (level !== "disabled") {
            policiesRun++;
        }
    }

    // Analyze: every resource, every resource policy, as the engine calls it per registration.
    resources.forEach((r, index) => {
        for (const p of policies) {
            let level = resolveLevel(config, p.name, p.enforcementLevel);
            if (level === "disabled" || !policyModule.isResourcePolicy(p) || !("validateResource" in p) || !p.validateResource) {
                continue;
            }
            if (level === "remediate") {
                level = "mandatory";
            }
            const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
            const pulumiType = Array.isArray(p.validateResource) ? undefined : policyModule.getPulumiType(p.validateResource);
            if (pulumiType && pulumiType !== r.type) {
                continue;
            }
            const out: Diagnostic[] = [];
            const report = makeReportViolation(p.name, p.description, level, p.severity, out);
            for (const validation of validations) {
                const props = proxyModule.unknownCheckingProxy(deserialized[index]);
                const args: ResourceValidationArgs & { [RUNNER_CONTEXT]: RunnerContext } = {
                    type: r.type,
                    props,
                    urn: r.urn,
                    name: r.name,
                    opts: resourceOptions(r),
                    stackTags,
                    isType: (cls: unknown) => isTypeOf(r.type, cls),
                    asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
                    getConfig: getConfigFor(p.name) as ResourceValidationArgs["getConfig"],
                    notApplicable: throwNotApplicable,
                    [RUNNER_CONTEXT]: context,
                };
                const provider = r.provider;
                const pprops = providerProps[index];
                if (provider && pprops) {
                    args.provider = { type: provider.type, urn: provider.urn, name: provider.name, props: proxyModule.unknownCheckingProxy(pprops) };
                }
                guard(p, () => validation(args, report), out);
            }
            // The engine attributes a resource policy's diagnostics to the analyzed resource.
            diagnostics.push(...out.map(d => ({ d: { ...d, urn: d.urn ?? r.urn }, resource: r })));
        }
    });

    // AnalyzeStack: every stack policy once, with the linked PolicyResource graph.
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    for (const p of policies) {
        let level = resolveLevel(config, p.name, p.enforcementLevel);
        if (level === "disabled" || !policyModule.isStackPolicy(p) || !("validateStack" in p)) {
            continue;
        }
        if (level === "remediate") {
            level = "mandatory";
        }
        const pulumiType = policyModule.getPulumiType(p.validateStack);
        if (pulumiType && !resources.some(r => r.type === pulumiType)) {
            continue;
        }
        const out: Diagnostic[] = [];
        const report = makeReportViolation(p.name, p.description, level, p.severity, out);
        guard(p, () => p.validateStack(stackArgs(p.name), report), out);
        diagnostics.push(...out.map(d => ({ d, resource: d.urn ? byUrn.get(d.urn) : undefined })));
    }

    function stackArgs(name: string): StackValidationArgs & { [RUNNER_CONTEXT]: RunnerContext } {
        const converted = resources.map((r, index): PolicyResource => {
            const props = proxyModule.unknownCheckingProxy(deserialized[index]);
            const resource: PolicyResource = {
                type: r.type,
                props,
                urn: r.urn,
                name: r.name,
                opts: resourceOptions(r),
                dependencies: [],
                propertyDependencies: {},
                isType: (cls: unknown) => isTypeOf(r.type, cls),
                asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
            };
            const pprops = providerProps[index];
            if (r.provider && pprops) {
                resource.provider = { type: r.provider.type, urn: r.provider.urn, name: r.provider.name, props: proxyModule.unknownCheckingProxy(pprops) };
            }
            return resource;
        });
        const index = new Map(converted.map(c => [c.urn, c]));
        resources.forEach((r, i) => {
            const c = converted[i];
            const parent = r.parent ? index.get(r.parent) : undefined;
            if (parent) {
                c.parent = parent;
            }
            c.dependencies = r.dependencies.map(d => index.get(d)).filter((d): d is PolicyResource => d !== undefined);
            for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                c.propertyDependencies[key] = urns.map(d => index.get(d)).filter((d): d is PolicyResource => d !== undefined);
            }
        });
        return {
            resources: converted,
            getConfig: getConfigFor(name) as StackValidationArgs["getConfig"],
            stackTags,
            notApplicable: throwNotApplicable,
            [RUNNER_CONTEXT]: context,
        };
    }

    const violations: Violation[] = diagnostics.map(({ d, resource }) => ({
        policyName: d.policyName,
        enforcementLevel: d.enforcementLevel,
        urn: d.urn,
        resourceType: resource?.type,
        resourceName: resource?.name,
        message: d.message,
        severity: d.severity,
    }));
    return { violations, exemptionsUsed, policiesRun, resourcesChecked: resources.length };
}
