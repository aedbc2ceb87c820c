import * as aws from "@pulumi/aws";
import type { Account } from "../config/accounts";
import { type Environment, regionOf } from "../config/environment";

/**
 * One explicit provider per account: it assumes the account's deploy role, refuses to act in
 * any other account, and tags everything it creates. Default providers are disabled in the
 * stack config, so nothing deploys with ambient credentials.
 */
export function accountProvider(env: Environment, account: Account, region?: string): aws.Provider {
    // A second region of an account gets its own provider, named after both.
    const name = region && region !== regionOf(env, account) ? `${account.name}-${region}` : account.name;
    return new aws.Provider(name, {
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

export function accountTags(env: Environment, account: Account): Record<string, string> {
    return {
        ...env.tags,
        "lakewarden:environment": env.name,
        "lakewarden:account-role": account.role,
        "lakewarden:account": account.name,
        "managed-by": "lakewarden",
    };
}
