import * as pulumi from "@pulumi/pulumi";
import { accountNamed, accountsWithRole, type Environment } from "../config/environment";
import type { AccountStack } from "./account";
import { ConsumerAccount } from "./consumer";
import { ManagementAccount } from "./management";
import { ProducerAccount } from "./producer";
import { accountProvider } from "./providers";
import { SecurityAccount } from "./security";

export type AccountOutputs = Record<string, { role: string; accountId: string; urn: pulumi.Output<string> }>;

/**
 * Deploys a validated environment: one provider per account, then the accounts in dependency
 * order (security, management, producers, consumers: a consumer's links follow its producers' grants).
 */
export function deployEnvironment(env: Environment): AccountOutputs {
    const stacks: AccountStack[] = [];
    const args = (name: string) => {
        const account = accountNamed(env, name);
        return { env, account, provider: accountProvider(env, account) };
    };
    const [security] = accountsWithRole(env, "security");
    stacks.push(new SecurityAccount(args(security.name)));
    for (const management of accountsWithRole(env, "management")) {
        stacks.push(new ManagementAccount({ ...args(management.name), security }));
    }
    const producers = accountsWithRole(env, "producer").map((p) => new ProducerAccount(args(p.name)));
    stacks.push(...producers);
    const producerGrants = producers.map((p) => p.grants);
    const amiPipeline = producers.find((p) => p.amiPipeline)?.amiPipeline;
    for (const consumer of accountsWithRole(env, "consumer")) {
        stacks.push(new ConsumerAccount({ ...args(consumer.name), producerGrants, amiPipeline }));
    }
    return Object.fromEntries(stacks.map((s) => [s.account.name, { role: s.account.role, accountId: s.account.id, urn: s.urn }]));
}
