import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Account } from "../config/accounts";
import { type Environment, regionOf } from "../config/environment";
import { CustomerKey } from "../components/kms/customer-key";
import type { AccountScope } from "../naming/resources";
import { SecureBucket } from "../components/storage/secure-bucket";

export interface AccountStackArgs {
    env: Environment;
    account: Account;
    provider: aws.Provider;
}

const ROLE_TYPES = { management: "Management", security: "Security", producer: "Producer", consumer: "Consumer" } as const;

/**
 * Parent of everything in one account (`lakewarden:account:<Role>`): children created with
 * `{ parent: this }` inherit the account's provider, and a targeted deploy selects this subtree.
 */
export abstract class AccountStack extends pulumi.ComponentResource {
    readonly env: Environment;
    readonly account: Account;
    readonly scope: AccountScope;

    protected constructor(args: AccountStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super(accountComponentType(args.account.role), args.account.name, {}, { ...opts, providers: [args.provider] });
        this.env = args.env;
        this.account = args.account;
        this.scope = { environment: args.env.name, accountId: args.account.id, region: regionOf(args.env, args.account) };
    }

    /**
     * The account's data key with its access-log bucket: the key is usable through `viaServices` (and by
     * what its users declare), and the log bucket (SSE-KMS with it) receives every bucket's logs.
     */
    protected keyWithLogBucket(purpose: string, description: string, viaServices: string[]): { key: CustomerKey; logs: SecureBucket } {
        const parent = { parent: this };
        const key = new CustomerKey(
            this.child(purpose),
            {
                scope: this.scope,
                purpose,
                description: `lakewarden ${this.env.name} ${description} (${this.account.name})`,
                viaServices,
            },
            parent,
        );
        const logs = new SecureBucket(
            this.child("logs"),
            { scope: this.scope, purpose: "access-logs", key, receivesAccessLogs: true, expirationDays: 400 },
            parent,
        );
        return { key, logs };
    }

    /** Child resource name: unique across accounts of the same role. */
    protected child(...parts: string[]): string {
        return [this.account.name, ...parts].join("-");
    }
}

function accountComponentType(role: Account["role"]): string {
    return `lakewarden:account:${ROLE_TYPES[role]}`;
}
