import * as aws from "@pulumi/aws";
import type { Account } from "../config/accounts";
import { type Environment, regionOf } from "../config/environment";
import { ConfigError } from "../config/errors";

/**
 * One explicit provider per account: it assumes the account's deploy role, refuses to act in
 * any other account, and tags everything it creates. Default providers are disabled in the
 * stack config, so nothing deploys with ambient credentials.
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
                roleArn: account.deployRoleArn,
                sessionName: `lakewarden-${env.name}-${account.name}`.slice(0, 64),
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
