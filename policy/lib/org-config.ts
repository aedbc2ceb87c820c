// Config shared by the policies that judge cross-account access: the organisation id and any
// accounts trusted beyond those that have a provider in the stack.
//
// The organisation id is written once, in the stack's own config (`lakewarden:organization`, the
// object config/organization.ts validates), and the pack reads it from there. The Pulumi CLI hands
// every policy pack it runs the stack's config: for a Node.js pack, constructEnv sets PULUMI_CONFIG
// (the flat key map, object values JSON-encoded by PropertyMapToConfig) and PULUMI_NODEJS_STACK
// (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer), so
// `new pulumi.Config(...)` works inside a pack (pulumi/pulumi#3612; the "stack-config" policy pack
// integration test of pulumi/pulumi#20570). `pulumi policy publish` starts a pack without any stack
// config (pulumi/pulumi#24646), so nothing is read when the pack loads, only when a policy runs.
//
// A per-policy `organizationId` in --policy-pack-config is still accepted when it equals the stack's
// (policy groups that carry one keep working); one that disagrees, or a stack without the id while a
// policy needs it, stops the run with an error naming the file and key.
import type { Policies } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import type { ConfigSchema } from "./define";
import type { RunnerContext } from "./runner-context";

export interface OrgConfig {
    organizationId?: string;
    trustedAccounts: string[];
}

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

export const orgConfigSchema: ConfigSchema = {
    organizationId: {
        type: "string",
        pattern: ORGANIZATION_ID.source,
        description: "Read from the stack config (lakewarden:organization.id); leave it out. A value here must equal the stack's, or the run stops.",
    },
    trustedAccounts: {
        type: "array",
        items: { type: "string", pattern: "^\\d{12}$" },
        default: [],
        description: "Accounts trusted in addition to the allowedAccountIds of the stack's aws providers.",
    },
};

/** A stack's config as the engine hands it to a pack: the stack name and the flat key map (objects JSON-encoded). */
export interface StackConfig {
    name: string;
    config: Readonly<Record<string, string>>;
}

/** The stack config key (and the field in it) that holds the organisation id. */
const NAMESPACE = "lakewarden";
const KEY = "organization";
const ORGANIZATION_KEY = `${NAMESPACE}:${KEY}`;

interface OrgProblem {
    /** The file and key, e.g. `Pulumi.dev.yaml: lakewarden:organization.id`. */
    key: string;
    message: string;
}

type Organization = { id: string } | { problem: OrgProblem };

const stackFile = (stack: StackConfig | undefined) => `Pulumi.${stack?.name || "<stack>"}.yaml`;

function readOrganization(stack: StackConfig | undefined): Organization {
    const key = `${stackFile(stack)}: ${ORGANIZATION_KEY}.id`;
    const raw = stack?.config[ORGANIZATION_KEY];
    if (raw === undefined) {
        return { problem: { key, message: `not set; the policies that check organisation conditions read the organisation id from the stack config` } };
    }
    let id: unknown;
    try {
        id = (JSON.parse(raw) as { id?: unknown } | null)?.id;
    } catch {
        return { problem: { key: `${stackFile(stack)}: ${ORGANIZATION_KEY}`, message: `expected an object with an id, got ${JSON.stringify(raw)}` } };
    }
    if (typeof id !== "string" || !ORGANIZATION_ID.test(id)) {
        return { problem: { key, message: `expected an organization id like o-abcd123456, got ${JSON.stringify(id)}` } };
    }
    return { id };
}

const parsed = new WeakMap<StackConfig, Organization>();

/** The stack's organisation id, or why it cannot be had (read once per StackConfig). */
function stackOrganization(stack: StackConfig | undefined): Organization {
    if (!stack) {
        return readOrganization(stack);
    }
    let organization = parsed.get(stack);
    if (!organization) {
        organization = readOrganization(stack);
        parsed.set(stack, organization);
    }
    return organization;
}

/** The stack config this process's @pulumi/pulumi runtime holds (PULUMI_CONFIG, or what a mock run set). */
export function processStackConfig(name = pulumi.getStack()): StackConfig {
    const raw = new pulumi.Config(NAMESPACE).get(KEY);
    return { name, config: raw === undefined ? {} : { [ORGANIZATION_KEY]: raw } };
}

let engineStack: StackConfig | undefined;

/**
 * The stack config the engine gave this pack process. The CLI fixes it when it starts the pack, so
 * it is read once; the stack name is PULUMI_NODEJS_STACK, which the CLI sets (the SDK's getStack()
 * says "stack" when it is unset, as under `pulumi policy publish`).
 */
function engineStackConfig(): StackConfig {
    engineStack ??= processStackConfig(process.env.PULUMI_NODEJS_STACK ?? "");
    return engineStack;
}

/** Whether a policy reads the organisation id (its config schema declares organizationId). */
function needsOrganization(schema: ConfigSchema | undefined): boolean {
    return schema !== undefined && "organizationId" in schema;
}

/**
 * Problems with the organisation id of a run, before any resource is judged: the stack has none
 * while an enabled policy needs it, or a per-policy copy in `policyConfigFile` disagrees with it.
 */
export function organizationProblems(
    policies: Policies,
    entries: ReadonlyMap<string, { enforcementLevel: string; properties: Record<string, unknown> }>,
    stack: StackConfig | undefined,
    policyConfigFile: string,
): OrgProblem[] {
    const readers = policies.filter(p => needsOrganization(p.configSchema?.properties));
    const enabled = readers.filter(p => entries.get(p.name)?.enforcementLevel !== "disabled");
    if (enabled.length === 0) {
        return [];
    }
    const organization = stackOrganization(stack);
    if ("problem" in organization) {
        const names = enabled.map(p => p.name);
        return [{ ...organization.problem, message: `${organization.problem.message} (${names.length} policies need it: ${names.join(", ")})` }];
    }
    return readers.flatMap(p => {
        const copy = entries.get(p.name)?.properties.organizationId;
        return copy === undefined || copy === organization.id
            ? []
            : [{ key: `${policyConfigFile}: ${p.name}.organizationId`, message: disagreement(copy, organization.id, stack) }];
    });
}

function disagreement(copy: unknown, id: string, stack: StackConfig | undefined): string {
    return `${JSON.stringify(copy)} disagrees with ${ORGANIZATION_KEY}.id ${id} in ${stackFile(stack)}; remove it (the pack reads the organisation id from the stack config)`;
}

/**
 * Fills `organizationId` of a policy's config from the stack (the runner's, or the engine's) when
 * the policy declares it. Under the engine a missing id or a disagreeing copy fails the run here,
 * naming the key; the offline runner has already refused both before the first resource.
 */
export function withStackOrganization(
    policyName: string,
    schema: ConfigSchema | undefined,
    config: Record<string, unknown>,
    context: RunnerContext | undefined,
): void {
    if (!needsOrganization(schema)) {
        return;
    }
    const stack = context ? context.stack : engineStackConfig();
    const organization = stackOrganization(stack);
    if ("problem" in organization) {
        throw new Error(`${organization.problem.key}: ${organization.problem.message} (policy ${policyName})`);
    }
    const copy = config.organizationId;
    if (copy !== undefined && copy !== organization.id) {
        throw new Error(`--policy-pack-config: ${policyName}.organizationId: ${disagreement(copy, organization.id, stack)}`);
    }
    config.organizationId = organization.id;
}
