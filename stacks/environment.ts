import * as pulumi from "@pulumi/pulumi";
import { accountNamed, accountsWithRole, type Environment } from "../config/environment";
import type { AccountStack } from "./account";
import { ConsumerAccount } from "./consumer";
import { ManagementAccount } from "./management";
import { ProducerAccount } from "./producer";
import { Later } from "../pulumi/resource-options";
import { accountProvider } from "./providers";
import { SecurityAccount } from "./security";

export type AccountOutputs = Record<string, { role: string; accountId: string; urn: pulumi.Output<string> }>;

/**
 * Deploys a validated environment: one provider per account, then the accounts (security, management,
 * producers, consumers). Construction order is not deploy order: every cross-account need is a dependency
 * (the management account's trust policies wait for the security roles they name, the security account's
 * Macie organisation settings for the delegation, the build account's AMI key for the fleet accounts'
 * Auto Scaling roles, a consumer's links for its producers' grants).
 */
export function deployEnvironment(env: Environment): AccountOutputs {
    const stacks: AccountStack[] = [];
    const args = (name: string) => {
        const account = accountNamed(env, name);
        return { env, account, provider: accountProvider(env, account) };
    };
    const [security] = accountsWithRole(env, "security");
    const delegation = new Later<pulumi.Resource[]>();
    const macieMemberRoles = new Later<pulumi.Resource[]>();
    const securityStack = new SecurityAccount({ ...args(security.name), macie: { delegation: delegation.promise, memberRoles: macieMemberRoles.promise } });
    stacks.push(securityStack);
    const managements = accountsWithRole(env, "management").map(
        management => new ManagementAccount({ ...args(management.name), security, securityPrincipals: securityStack.principals }),
    );
    stacks.push(...managements);
    // Without a management account here, the delegation is a prerequisite made outside (README).
    delegation.resolve(managements.flatMap(m => (m.macieAdmin ? [m.macieAdmin] : [])));
    const producers = accountsWithRole(env, "producer").map(p => new ProducerAccount({ ...args(p.name), macieEnrolment: securityStack.macieEnrolments[p.id] }));
    macieMemberRoles.resolve(producers.flatMap(p => (p.macieRole ? [p.macieRole] : [])));
    stacks.push(...producers);
    const producerGrants = producers.map(p => p.grants);
    const amiPipeline = producers.find(p => p.amiPipeline)?.amiPipeline;
    for (const consumer of accountsWithRole(env, "consumer")) {
        stacks.push(new ConsumerAccount({ ...args(consumer.name), producerGrants, amiPipeline }));
    }
    return Object.fromEntries(stacks.map(s => [s.account.name, { role: s.account.role, accountId: s.account.id, urn: s.urn }]));
}
