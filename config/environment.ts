import { z } from "zod";
import { type Account, type AccountRole, accountsSchema, checkMacieMembers } from "./accounts";
import { datasetsSchema } from "./datasets";
import { closest } from "../policy/lib/did-you-mean";
import { checkDiscovery, discoverySchema } from "./discovery";
import { ConfigError, CONFIG_NAMESPACE, fromZodError } from "./errors";
import { checkMacieAdministrator, organizationSchema } from "./organization";
import { amiPipelineSchema, checkAmiPipeline, fleetsSchema } from "./ami-pipeline";
import { checkOuSharing, ouSharingSchema } from "./ou-sharing";
import { checkRemediation, remediationSchema } from "./remediation";
import { checkScanStage, scanStageNameProblems, scanStageSchema } from "./scan-stage";
import { checkSensitiveData, sensitiveDataSchema } from "./sensitive-data";
import { region } from "./primitives";
import { checkSanitisation, sanitisationSchema } from "./sanitisation";
import { consumerAccessListSchema, sharesSchema } from "./sharing";
import { checkSharing } from "./sharing-checks";

/**
 * One config key per section (`lakewarden:<section>`). A later feature adds its section
 * here and its cross-section rules to `crossChecks`, without touching the others.
 */
const sections = {
    organization: organizationSchema,
    homeRegion: region,
    accounts: accountsSchema,
    tags: z.record(z.string().regex(/^[\w .:/=+@-]{1,128}$/), z.string().max(256)).default({}),
    datasets: datasetsSchema,
    shares: sharesSchema,
    consumerAccess: consumerAccessListSchema,
    ouSharing: ouSharingSchema,
    sensitiveData: sensitiveDataSchema,
    remediation: remediationSchema,
    amiPipeline: amiPipelineSchema,
    fleets: fleetsSchema,
    discovery: discoverySchema,
    sanitisation: sanitisationSchema,
    scanStage: scanStageSchema,
};

type Sections = z.infer<z.ZodObject<typeof sections>>;

const crossChecks: ((env: Sections, ctx: z.RefinementCtx) => void)[] = [
    checkSharing,
    checkOuSharing,
    checkSensitiveData,
    checkRemediation,
    checkAmiPipeline,
    checkDiscovery,
    checkSanitisation,
    checkMacieMembers,
    checkScanStage,
    checkMacieAdministrator,
];

const environmentSchema = z.strictObject(sections).superRefine((env, ctx) => crossChecks.forEach(check => check(env, ctx)));

export interface Environment extends Sections {
    /** The stack name: dev, prod, ... */
    name: string;
}

/** Validates raw section values (keys without the `lakewarden:` prefix); throws ConfigError naming each bad key. */
export function parseEnvironment(name: string, raw: Record<string, unknown>): Environment {
    const result = environmentSchema.safeParse(raw);
    if (!result.success) {
        throw fromZodError(result.error, raw);
    }
    const named = scanStageNameProblems(name, result.data);
    if (named.length > 0) throw new ConfigError(named);
    return { name, ...result.data };
}

/** Reads every `lakewarden:*` key of the stack config; unknown keys are errors, so typos do not silently drop a section. */
export function environmentFromConfig(name: string, config: Record<string, string>): Environment {
    const raw: Record<string, unknown> = {};
    const unknown: string[] = [];
    const problems = checkForeignKeys(config);
    for (const [key, value] of Object.entries(config)) {
        const [namespace, section] = key.split(":");
        if (namespace !== CONFIG_NAMESPACE) {
            continue;
        }
        if (section in sections) {
            raw[section] = parseConfigValue(value);
        } else {
            unknown.push(key);
        }
    }
    problems.push(...unknown.map(key => ({ key, message: `unknown config key (known: ${Object.keys(sections).join(", ")})` })));
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return parseEnvironment(name, raw);
}

/**
 * Keys outside `lakewarden:` that would silently change what is deployed: a near-miss namespace
 * (`lakwarden:remediation` would drop the section) and default providers left on (a resource
 * without an explicit provider would land in whatever account the credentials point to).
 */
function checkForeignKeys(config: Record<string, string>): { key: string; message: string }[] {
    const problems: { key: string; message: string }[] = [];
    for (const key of Object.keys(config)) {
        const namespace = key.split(":")[0];
        if (namespace !== CONFIG_NAMESPACE && namespace.length > 0 && closest(namespace, [CONFIG_NAMESPACE])) {
            problems.push({
                key,
                message: `config namespace "${namespace}" is not "${CONFIG_NAMESPACE}" (did you mean ${CONFIG_NAMESPACE}:${key.slice(namespace.length + 1)}?); the section would be ignored`,
            });
        }
    }
    const providers = config["pulumi:disable-default-providers"];
    let parsed: unknown;
    try {
        parsed = providers === undefined ? undefined : JSON.parse(providers);
    } catch {
        parsed = providers;
    }
    if (!Array.isArray(parsed) || parsed.length !== 1 || parsed[0] !== "aws") {
        problems.push({
            key: "pulumi:disable-default-providers",
            message: `must be ["aws"] (every resource names its account's provider), got ${providers ?? "nothing"}`,
        });
    }
    return problems;
}

function parseConfigValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

export function accountsWithRole(env: Environment, role: AccountRole): Account[] {
    return env.accounts.filter(a => a.role === role);
}

export function accountNamed(env: Environment, name: string): Account {
    const account = env.accounts.find(a => a.name === name);
    if (!account) {
        throw new Error(`no account named ${name} in environment ${env.name}`);
    }
    return account;
}

export function regionOf(env: Environment, account: Account): string {
    return account.region ?? env.homeRegion;
}
