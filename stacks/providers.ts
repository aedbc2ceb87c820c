import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Account } from "../config/accounts";
import { type Environment, regionOf } from "../config/environment";
import { ConfigError } from "../config/errors";

/**
 * One explicit provider per account: it assumes the account's deploy role (or, for a pull-request
 * preview, its read-only preview role), refuses to act in any other account, and tags everything it
 * creates. Default providers are disabled in the stack config, so nothing deploys with ambient credentials.
 */
export function accountProvider(env: Environment, account: Account, region?: string): aws.Provider {
    // A second region of an account gets its own provider, named after both.
    const name = region && region !== regionOf(env, account) ? `${account.name}-${region}` : account.name;
    return new aws.Provider(name, {
        ...outsideTarget(env, account),
        region: (region ?? regionOf(env, account)) as aws.Region,
        allowedAccountIds: [account.id],
        assumeRoles: [
            {
                ...assumedRole(env, account),
                ...(account.externalId ? { externalId: account.externalId } : {}),
            },
        ],
        defaultTags: { tags: accountTags(env, account) },
    });
}

function accountTags(env: Environment, account: Account): Record<string, string> {
    return {
        ...env.tags,
        "lakewarden:environment": env.name,
        "lakewarden:account-role": account.role,
        "lakewarden:account": account.name,
        "managed-by": "lakewarden",
    };
}

/**
 * `LAKEWARDEN_PREVIEW_ROLE=1`: every account's provider assumes `accounts[].previewRoleArn` instead of
 * `deployRoleArn` (the PR workflow sets it for its `pulumi preview`; README, "Deploy and preview roles").
 *
 * Why a variable that selects a role named in the stack config:
 * - The stack config is the same for preview and update, so it cannot say which run this is; and
 *   `pulumi.runtime.isDryRun()` cannot choose the role either, because `pulumi up` itself runs a preview
 *   first: its providers would then differ between its two phases, and the deployer would need the
 *   preview role too. The caller says "this is a read-only preview" explicitly.
 * - The preview role ARNs live per account in the stack file, validated like the deploy roles (same
 *   account, not the deploy role, not a Lake Formation admin), rather than derived from a naming convention.
 *
 * Why `pulumi up` can never run with it: (1) the preview roles hold no write, tagging or
 * permissions-management action (deploy/roles/preview-*.json; tests/deploy/roles.test.ts checks it), so
 * an update with them is refused by IAM; (2) before that, the program refuses the variable outside a
 * dry run, so the update phase of `pulumi up` stops with a ConfigError before it registers a resource.
 */
export const PREVIEW_ROLE_VARIABLE = "LAKEWARDEN_PREVIEW_ROLE";

function assumedRole(
    env: Environment,
    account: Account,
    variables: NodeJS.ProcessEnv = process.env,
    dryRun: boolean = pulumi.runtime.isDryRun(),
): { roleArn: string; sessionName: string } {
    const session = `lakewarden-${env.name}-${account.name}`;
    const value = variables[PREVIEW_ROLE_VARIABLE];
    if (value === undefined || value === "") {
        return { roleArn: account.deployRoleArn, sessionName: session.slice(0, 64) };
    }
    if (value !== "1") {
        throw new ConfigError([{ key: PREVIEW_ROLE_VARIABLE, message: `expected 1 (preview with accounts[].previewRoleArn) or unset, got "${value}"` }]);
    }
    if (!dryRun) {
        throw new ConfigError([
            {
                key: PREVIEW_ROLE_VARIABLE,
                message: "is set for an update: the read-only preview roles serve `pulumi preview` only; unset it to deploy with accounts[].deployRoleArn",
            },
        ]);
    }
    // Every account at once, so one run names every missing role (and none is registered before).
    const missing = env.accounts.filter(a => a.previewRoleArn === undefined);
    const roleArn = account.previewRoleArn;
    if (roleArn === undefined || missing.length > 0) {
        throw new ConfigError(
            missing.map(a => ({
                key: `lakewarden:accounts[${a.name}].previewRoleArn`,
                message: `${PREVIEW_ROLE_VARIABLE}=1 needs the account's read-only preview role (deploy/roles/preview-${a.role}.json)`,
            })),
        );
    }
    return { roleArn, sessionName: `${session}-preview`.slice(0, 64) };
}

/** Set by `npm run deploy:account` for the targeted `pulumi up` it runs. */
export const DEPLOY_ACCOUNT_VARIABLE = "LAKEWARDEN_DEPLOY_ACCOUNT";

/**
 * During a one-account deploy the providers of the other accounts must not need their credentials:
 * they skip the STS GetCallerIdentity validation and the account-id lookup. (Their AssumeRole is not
 * avoided by these flags; see README, "Per-account deploys", for what the engine still configures.)
 */
function outsideTarget(
    env: Environment,
    account: Account,
    variables: NodeJS.ProcessEnv = process.env,
): { skipCredentialsValidation?: true; skipRequestingAccountId?: true } {
    const target = variables[DEPLOY_ACCOUNT_VARIABLE];
    if (target === undefined || target === "") {
        return {};
    }
    if (!env.accounts.some(a => a.name === target)) {
        throw new ConfigError([
            { key: DEPLOY_ACCOUNT_VARIABLE, message: `names no account of ${env.name} (accounts: ${env.accounts.map(a => a.name).join(", ")})` },
        ]);
    }
    return target === account.name ? {} : { skipCredentialsValidation: true, skipRequestingAccountId: true };
}
