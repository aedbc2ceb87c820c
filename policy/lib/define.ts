// Builds @pulumi/policy Policy objects from lakewarden rule definitions: metadata, config schema
// (with defaults and exemptions), type filtering the server can short-circuit, plain (unproxied)
// property access, and the exemption gate.
import type {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { ExemptionGate } from "./exemption-gate";
import "./shared-deserialize";
import { type Exemption, exemptionsSchema } from "./exemptions";
import { withStackOrganization } from "./org-config";
import { runnerContextOf } from "./runner-context";
import { plain } from "./unknown";
import type { Dict } from "./values";

export interface Anchors {
    cdkNag?: string[];
    checkov?: string[];
    cis?: string[];
    pulumi?: string[];
}

interface ProviderInfo {
    type: string;
    urn: string;
    name: string;
    props: Dict;
}

/** A resource as rules see it: plain props (unknowns are the sentinel), links resolved. */
export interface Resource {
    type: string;
    urn: string;
    name: string;
    props: Dict;
    opts: { deleteBeforeReplace?: boolean; protect: boolean; parent?: string };
    provider?: ProviderInfo;
    parent?: Resource;
    dependencies: Resource[];
    propertyDependencies: Record<string, Resource[]>;
}

/**
 * Every policy's level: rules declare none; the pack's default applies, and the `all` and
 * per-policy keys of --policy-pack-config (policy/config/<stack>.json) override it.
 */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export type ConfigSchema = Record<string, PolicyConfigJSONSchema>;
type WithExemptions<C> = C & { exemptions: Exemption[] };

interface RuleBase {
    name: string;
    description: string;
    severity: Severity;
    remediationSteps: string;
    anchors: Anchors;
    /** Concern folder (iam, s3, kms, ...), used for tags and the README. */
    concern: string;
    resourceTypes: readonly string[];
    config?: ConfigSchema;
}

export interface ResourceRule<C = Record<string, never>> extends RuleBase {
    validate(resource: Resource, config: WithExemptions<C>, report: (message: string) => void): void;
}

export interface StackRule<C = Record<string, never>> extends RuleBase {
    validateStack(resources: Resource[], config: WithExemptions<C>, report: (message: string, urn: string) => void): void;
}

export type LakewardenPolicy = (ResourceValidationPolicy | StackValidationPolicy) & {
    concern: string;
    anchors: Anchors;
    resourceTypes: readonly string[];
};

function metadata(rule: RuleBase) {
    const anchorTags = [
        ...(rule.anchors.cdkNag ?? []).map(a => `cdk-nag:${a}`),
        ...(rule.anchors.checkov ?? []).map(a => `checkov:${a}`),
        ...(rule.anchors.cis ?? []).map(a => `cis:${a}`),
        ...(rule.anchors.pulumi ?? []).map(a => `pulumi:${a}`),
    ];
    return {
        name: rule.name,
        description: rule.description,
        severity: rule.severity,
        remediationSteps: rule.remediationSteps,
        tags: [`concern:${rule.concern}`, ...anchorTags],
        configSchema: { properties: { ...(rule.config ?? {}), exemptions: exemptionsSchema } },
        concern: rule.concern,
        anchors: rule.anchors,
        resourceTypes: rule.resourceTypes,
    };
}

/** Schema defaults overlaid with what the engine configured (it applies defaults too), and the stack's organisation id. */
function readConfig<C>(rule: RuleBase, args: ResourceValidationArgs | StackValidationArgs): WithExemptions<C> {
    const result: Dict = { exemptions: [] };
    for (const [key, property] of Object.entries(rule.config ?? {})) {
        if (property.default !== undefined) {
            result[key] = property.default;
        }
    }
    const config = { ...result, ...args.getConfig() };
    withStackOrganization(rule.name, rule.config, config, runnerContextOf(args));
    return config as WithExemptions<C>;
}

/** Exact type tokens, or prefixes written as "aws:*". */
function typeFilter(rule: RuleBase): (type: string) => boolean {
    const types = new Set(rule.resourceTypes.filter(t => !t.endsWith("*")));
    const prefixes = rule.resourceTypes.filter(t => t.endsWith("*")).map(t => t.slice(0, -1));
    return type => types.has(type) || prefixes.some(p => type.startsWith(p));
}

/**
 * Tells the server the rule does not apply, as its notApplicable does, but cheaply: the server
 * reads only the reason of the error it catches, so the first error thrown is kept (made without
 * a stack) and thrown again. Building one per resource and multi-type policy, stack and all, was
 * a third of the engine path's time.
 */
function notApplicable(rule: RuleBase): (args: { notApplicable(reason?: string): never }) => never {
    // The server sends the reason back for every resource the policy skips: name two types at most.
    const [first, second, ...more] = rule.resourceTypes.map(t => `'${t}'`);
    const types = more.length > 0 ? `${first}, ${second} or ${more.length} more` : [first, second].filter(Boolean).join(", ");
    const reason = `Policy only applies to resources of type ${types}`;
    // One per caller: the server's and the offline runner's errors are different classes.
    const thrown = new WeakMap<(reason?: string) => never, unknown>();
    return args => {
        if (thrown.has(args.notApplicable)) {
            throw thrown.get(args.notApplicable);
        }
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return args.notApplicable(reason);
        } catch (error) {
            thrown.set(args.notApplicable, error);
            throw error;
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
}

export function resourcePolicy<C>(rule: ResourceRule<C>): LakewardenPolicy {
    const applies = typeFilter(rule);
    const skip = notApplicable(rule);
    const validateResource = (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
        if (!applies(args.type)) {
            skip(args);
        }
        const config = readConfig<C>(rule, args);
        const gate = new ExemptionGate(rule.name, config.exemptions, runnerContextOf(args), reportViolation);
        const provider = args.provider
            ? { type: args.provider.type, urn: args.provider.urn, name: args.provider.name, props: plain(args.provider.props) }
            : undefined;
        const resource: Resource = {
            type: args.type,
            urn: args.urn,
            name: args.name,
            props: plain(args.props),
            opts: args.opts,
            provider,
            dependencies: [],
            propertyDependencies: {},
        };
        rule.validate(resource, config, message => gate.report(message, args.urn, false));
        gate.reportExpired(args.urn, false);
    };
    const type = singleType(rule);
    if (type) {
        // The server skips other types without calling us when the function carries its type.
        Object.assign(validateResource, { __pulumiType: type });
    }
    return { ...metadata(rule), validateResource };
}

/** Converts the server's PolicyResource graph into plain Resources, keeping the links. */
function toResources(policyResources: PolicyResource[]): Resource[] {
    const converted = new Map<PolicyResource, Resource>();
    for (const r of policyResources) {
        converted.set(r, {
            type: r.type,
            urn: r.urn,
            name: r.name,
            props: plain(r.props),
            opts: r.opts,
            provider: r.provider ? { type: r.provider.type, urn: r.provider.urn, name: r.provider.name, props: plain(r.provider.props) } : undefined,
            dependencies: [],
            propertyDependencies: {},
        });
    }
    const link = (r: PolicyResource): Resource | undefined => converted.get(r);
    for (const [source, target] of converted) {
        target.parent = source.parent ? link(source.parent) : undefined;
        target.dependencies = source.dependencies.map(link).filter((d): d is Resource => d !== undefined);
        for (const [key, deps] of Object.entries(source.propertyDependencies)) {
            target.propertyDependencies[key] = deps.map(link).filter((d): d is Resource => d !== undefined);
        }
    }
    return [...converted.values()];
}

interface ConvertedStack {
    props: unknown[];
    urns: string[];
    resources: Resource[];
}

/**
 * Stacks converted, keyed by their first resource's props proxy. The proxy lives as long as the
 * request whose Structs hold it (shared-deserialize keeps it on the Struct), so a converted stack is
 * collected with its AnalyzeStack request instead of staying alive, with every Resource and its
 * props, until the next one: a module variable held the last stack that way.
 */
const convertedStacks = new WeakMap<object, ConvertedStack>();

/**
 * The stack as Resources, converted once and shared by every stack policy of one AnalyzeStack
 * call: each policy gets its own PolicyResource graph from the server, but over the same
 * deserialised props and the same proxy of them (shared-deserialize), made once per protobuf
 * Struct of the request. Resources whose props are the same objects, in the same order with the
 * same URNs, are therefore the same request's stack, links included. Classifications kept per
 * Resource[] (bucketViews, environmentAccounts) are then shared too.
 */
function sharedResources(policyResources: PolicyResource[]): Resource[] {
    const key: unknown = policyResources[0]?.props;
    const cacheable = key !== null && typeof key === "object";
    const last = cacheable ? convertedStacks.get(key) : undefined;
    if (last && last.urns.length === policyResources.length && policyResources.every((r, i) => last.props[i] === r.props && last.urns[i] === r.urn)) {
        return last.resources;
    }
    const resources = toResources(policyResources);
    if (cacheable) {
        convertedStacks.set(key, { props: policyResources.map(r => r.props), urns: resources.map(r => r.urn), resources });
    }
    return resources;
}

/** The single exact type a rule covers, which the server can check without calling the rule. */
function singleType(rule: RuleBase): string | undefined {
    return rule.resourceTypes.length === 1 && !rule.resourceTypes[0].endsWith("*") ? rule.resourceTypes[0] : undefined;
}

export function stackPolicy<C>(rule: StackRule<C>): LakewardenPolicy {
    const applies = typeFilter(rule);
    const skip = notApplicable(rule);
    const validateStack = (args: StackValidationArgs, reportViolation: ReportViolation): void => {
        if (!args.resources.some(r => applies(r.type))) {
            skip(args);
        }
        const config = readConfig<C>(rule, args);
        const gate = new ExemptionGate(rule.name, config.exemptions, runnerContextOf(args), reportViolation);
        rule.validateStack(sharedResources(args.resources), config, (message, urn) => gate.report(message, urn, true));
        gate.reportExpired(undefined, false);
    };
    const type = singleType(rule);
    if (type) {
        // The server skips a stack without that type before converting it for this policy, with
        // the reason notApplicable gives for one type.
        Object.assign(validateStack, { __pulumiType: type });
    }
    return { ...metadata(rule), validateStack };
}
