/**
 * Organisation singletons across the project's stacks. Each stack's program sees only its own config, but some
 * things exist once per organisation, or once per account and Region, and two stacks that both manage one fight
 * over it (the second `pulumi up` fails, or silently takes it over). This reads every `Pulumi.*.yaml` through the
 * config loader, lists what each stack's program would own, and refuses a thing owned by two stacks.
 */
import { readdirSync } from "node:fs";
import type { Account } from "../../config/accounts";
import { accountsWithRole, type Environment, environmentFromConfig, regionOf } from "../../config/environment";
import { ConfigError, type ConfigProblem } from "../../config/errors";
import { readStackConfig, REPO_ROOT } from "./stack-config";

export interface StackModel {
    /** The stack file, e.g. `Pulumi.dev.yaml`. */
    file: string;
    env: Environment;
}

/** One thing a stack's program owns that must have one owner: its identity, what it is (for people), the config keys that make the stack own it. */
interface Claim {
    id: string;
    what: string;
    keys: string[];
    /** How to give it one owner. */
    fix: string;
}

/** Security Lake's Glue databases: amazon_security_lake_glue_db_<region> (the names the OU sharing examples use). */
const SECURITY_LAKE_DATABASE = "amazon_security_lake_glue_db_";
const accountKey = (a: Account) => `lakewarden:accounts[${a.name}]`;
const ONE_MACIE_OWNER = "let one stack own it and name that stack in the other's lakewarden:organization.macieAdministrator";

/**
 * What the stack's program would own, read from its model (the resources named in each comment). Keep in step with
 * stacks/*.ts: tests/tools/org-singletons.test.ts checks the counts against the recorded dev and prod programs.
 */
export function singletonClaims(env: Environment): Claim[] {
    const claims: Claim[] = [];
    const org = env.organization.id;
    const external = env.organization.macieAdministrator;
    const macieAccount = (a: Account, region: string, keys: string[]): Claim => ({
        id: `macie-account/${a.id}/${region}`,
        what: `Macie in account ${a.id} (${a.name}), ${region} (aws.macie2.Account: one per account and Region)`,
        keys,
        fix: "one stack enables Macie in an account",
    });
    const association = (a: Account, region: string, keys: string[], as: string): Claim => ({
        id: `macie-association/${a.id}/${region}`,
        what:
            `the Macie association of account ${a.id} (${a.name}) in ${region}, here as ${as} (an account is a Macie administrator or a ` +
            `member of one administrator, not both: Macie User Guide, Considerations for invitation-based organizations)`,
        keys,
        fix: "one administrator per account",
    });
    // stacks/management.ts: the management account enables Macie and delegates it, unless another stack owns the delegation.
    for (const m of external ? [] : accountsWithRole(env, "management")) {
        claims.push({
            id: `macie-delegation/${org}`,
            what: `the delegated Macie administrator of organisation ${org} ("an organization can have only one delegated Macie administrator account at a time": Macie API Reference, Macie Administrator)`,
            keys: [accountKey(m), "lakewarden:organization.macieAdministrator (absent)"],
            fix: ONE_MACIE_OWNER,
        });
        claims.push(macieAccount(m, regionOf(env, m), [accountKey(m)]));
    }
    const [security] = accountsWithRole(env, "security");
    if (env.remediation && security) {
        // stacks/security.ts MacieDiscovery: the security account's Macie, its export configuration, its members.
        const region = regionOf(env, security);
        const keys = ["lakewarden:remediation", accountKey(security)];
        claims.push(macieAccount(security, region, keys));
        claims.push(macieExport(security, region, keys));
        claims.push(association(security, region, keys, "administrator"));
        if (!external) {
            claims.push({
                id: `macie-organization-configuration/${org}/${region}`,
                what: `the Macie organisation configuration of ${org} in ${region} (aws.macie2.OrganizationConfiguration, set by the delegated administrator)`,
                keys,
                fix: ONE_MACIE_OWNER,
            });
        }
        for (const p of accountsWithRole(env, "producer")) {
            claims.push(association(p, region, ["lakewarden:remediation", accountKey(p)], `member of ${security.id}`));
            if (external) {
                // stacks/producer.ts: an invited member enables Macie itself before it accepts.
                claims.push(macieAccount(p, regionOf(env, p), ["lakewarden:organization.macieAdministrator", accountKey(p)]));
            }
        }
    }
    // stacks/producer.ts scanStages: one Macie results repository (export configuration) per account with pipelines.
    const pipelines = env.scanStage?.pipelines ?? [];
    for (const name of [...new Set(pipelines.map(p => p.account))]) {
        const a = env.accounts.find(x => x.name === name);
        if (a) {
            claims.push(macieExport(a, regionOf(env, a), [`lakewarden:scanStage.pipelines[${pipelines.findIndex(p => p.account === name)}].account`]));
        }
    }
    // stacks/producer.ts and consumer.ts: Lake Formation settings (PutDataLakeSettings replaces the account's whole settings).
    for (const a of env.accounts.filter(x => x.role === "producer" || x.role === "consumer")) {
        claims.push({
            id: `lakeformation-settings/${a.id}/${regionOf(env, a)}`,
            what: `the Lake Formation settings of account ${a.id} (${a.name}) in ${regionOf(env, a)} (aws.lakeformation.DataLakeSettings: one per account and Region, replaced whole)`,
            keys: [accountKey(a)],
            fix: "an account belongs to one stack",
        });
    }
    // stacks/security.ts OuRowFilters: it reads Security Lake's tables in this stack's security account catalog, so that account must be
    // the organisation's one Security Lake administrator (the program does not designate it: README, Before the first deploy).
    env.ouSharing.mappings.forEach((mapping, m) =>
        mapping.tables.forEach((table, t) => {
            if (table.database.startsWith(SECURITY_LAKE_DATABASE)) {
                claims.push({
                    id: `security-lake-administrator/${org}`,
                    what:
                        `the Security Lake delegated administrator of ${org} ("the Amazon Security Lake delegated administrator account for the ` +
                        `organization": Security Lake API Reference, RegisterDataLakeDelegatedAdministrator), whose catalog holds Security Lake's tables; ` +
                        `the OU row filters read them in the stack's security account${security ? ` ${security.id}` : ""}`,
                    keys: [`lakewarden:ouSharing.mappings[${m}].tables[${t}].database`],
                    fix: "one stack of the organisation shares Security Lake's tables by OU",
                });
            }
        }),
    );
    // stacks/management.ts BucketTagPolicy + MemberBaseline: the OU's tag policy and StackSet, whose member roles trust this stack's security account.
    for (const ou of env.sensitiveData.targetOus) {
        claims.push({
            id: `sensitive-data-ou/${org}/${ou}`,
            what:
                `the bucket tag policy and member baseline of ${ou} in ${org} (one environment per OU: the baseline's quarantine and ` +
                `release roles trust that environment's security account, and a Config recorder is one per account and Region)`,
            keys: ["lakewarden:sensitiveData.targetOus"],
            fix: "give each environment its own OU",
        });
    }
    return claims;
}

function macieExport(a: Account, region: string, keys: string[]): Claim {
    return {
        id: `macie-export/${a.id}/${region}`,
        what: `the Macie export configuration of account ${a.id} (${a.name}) in ${region} (aws.macie2.ClassificationExportConfiguration: one per account and Region)`,
        keys,
        fix: "one stack configures Macie in an account",
    };
}

/** Two stacks owning one singleton, and stacks naming a Macie administrator that is not the organisation's. */
export function singletonProblems(stacks: StackModel[]): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const owners = new Map<string, { stack: StackModel; claim: Claim }>();
    for (const stack of stacks) {
        // One problem per singleton: a stack may claim one several times (Security Lake's tables in several mappings).
        const claims = singletonClaims(stack.env).filter((c, i, all) => all.findIndex(x => x.id === c.id) === i);
        for (const claim of claims) {
            const first = owners.get(claim.id);
            if (!first) {
                owners.set(claim.id, { stack, claim });
            } else if (first.stack !== stack) {
                problems.push({
                    key: `${stack.file}: ${claim.keys.join(", ")}`,
                    message:
                        `${claim.what} is owned by two stacks: ${first.stack.file} (${first.claim.keys.join(", ")}) and ${stack.file} ` +
                        `(${claim.keys.join(", ")}); ${claim.fix}`,
                });
            }
        }
    }
    for (const stack of stacks) {
        const named = stack.env.organization.macieAdministrator;
        if (named) {
            problems.push(...administratorProblems(stack, named, stacks));
        }
    }
    return problems;
}

function administratorProblems(stack: StackModel, named: { stack: string; accountId: string }, stacks: StackModel[]): ConfigProblem[] {
    const key = `${stack.file}: lakewarden:organization.macieAdministrator`;
    const problem = (message: string) => [{ key, message }];
    const owner = stacks.find(s => s.env.name === named.stack);
    if (named.stack === stack.env.name) {
        return problem(`names this stack; leave it out when this stack owns the organisation's Macie delegation`);
    }
    if (!owner) {
        return problem(`names stack ${named.stack}, but there is no Pulumi.${named.stack}.yaml (stacks: ${stacks.map(s => s.env.name).join(", ")})`);
    }
    if (owner.env.organization.id !== stack.env.organization.id) {
        return problem(
            `names stack ${named.stack}, which is in organisation ${owner.env.organization.id} (${owner.file}), not ${stack.env.organization.id}; ` +
                `a stack of another organisation cannot be this organisation's Macie administrator`,
        );
    }
    if (owner.env.organization.macieAdministrator || accountsWithRole(owner.env, "management").length === 0) {
        return problem(
            `names stack ${named.stack}, which does not delegate Macie (${owner.file} ` +
                `${owner.env.organization.macieAdministrator ? "names its own macieAdministrator" : "lists no management account"})`,
        );
    }
    const [security] = accountsWithRole(owner.env, "security");
    if (security.id !== named.accountId) {
        return problem(
            `accountId ${named.accountId} is not the Macie administrator stack ${named.stack} delegates to: ${security.id} (${owner.file}, lakewarden:accounts[${security.name}])`,
        );
    }
    return [];
}

/** Every `Pulumi.<stack>.yaml` of the project, validated; `current` is the stack being planned, its config already read and validated. */
export function readProjectStacks(root = REPO_ROOT, current?: Environment): StackModel[] {
    const names = readdirSync(root)
        .map(f => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined);
    if (current && !names.includes(current.name)) {
        names.push(current.name);
    }
    const problems: ConfigProblem[] = [];
    const stacks: StackModel[] = [];
    for (const name of names.sort()) {
        const file = `Pulumi.${name}.yaml`;
        if (current?.name === name) {
            stacks.push({ file, env: current });
            continue;
        }
        try {
            stacks.push({ file, env: environmentFromConfig(name, readStackConfig(name, root)) });
        } catch (error) {
            if (!(error instanceof ConfigError)) {
                throw error;
            }
            // The organisation check needs every stack: an invalid one is named, not skipped.
            problems.push(...error.problems.map(p => ({ key: p.key.startsWith(file) ? p.key : `${file}: ${p.key}`, message: p.message })));
        }
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return stacks;
}

/** The plan's check: the problems the stack being planned is part of (its model given, the other stacks read from disk). */
export function checkOrganizationSingletons(env: Environment, root = REPO_ROOT): void {
    const file = `Pulumi.${env.name}.yaml`;
    const problems = singletonProblems(readProjectStacks(root, env)).filter(p => p.key.startsWith(`${file}:`) || p.message.includes(file));
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
}
