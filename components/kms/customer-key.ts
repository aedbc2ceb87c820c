import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountRoot, type KeyRef, policyDocument, type Statement } from "../../iam/documents";
import { type AccountScope, kmsAlias } from "../../naming/resources";
import { type KeyUse, mergeUses, USE_ACTIONS } from "../../iam/key-use";

/** Key administration without `kms:*`: every action a key owner needs, none that uses the key. */
const ADMIN_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
];

export interface ExternalAccountUse {
    accountIds: string[];
    /** Services through which those accounts may use the key, e.g. ["ec2", "autoscaling"]. */
    viaServices: string[];
    /** Lets them create grants for AWS resources (EBS volumes from a shared AMI need it). */
    allowGrantsForAwsResources?: boolean;
}

export interface CustomerKeyArgs {
    scope: AccountScope;
    /** Alias suffix: alias/lakewarden/<env>/<purpose>. */
    purpose: string;
    description: string;
    /**
     * Services of this account through which its principals (allowed by their IAM policies) may use the
     * key, for users that are not components of this program (Glue jobs, Athena queries, S3 readers).
     */
    viaServices?: string[];
    /** Uses known when the key is made; components add theirs with `allow`. */
    uses?: KeyUse[];
    externalAccounts?: ExternalAccountUse[];
    deletionWindowInDays?: number;
}

/**
 * A customer-managed symmetric key with rotation whose policy is assembled from what its users declare
 * (`allow`): administration by the account, then one statement per declared need. The policy is part of
 * the key itself (no aws.kms.KeyPolicy: between the key's creation and a separate policy's, AWS would
 * apply its default policy, which opens the key to every IAM policy of the account). Declarations are
 * collected while the program constructs its resources; the policy is read on the next turn of the event
 * loop, after which `allow` refuses, and the key waits for every principal a declaration names.
 */
export class CustomerKey extends pulumi.ComponentResource implements KeyRef {
    readonly key: aws.kms.Key;
    readonly alias: aws.kms.Alias;
    readonly arn: pulumi.Output<string>;
    readonly aliasName: string;
    readonly scope: AccountScope;
    private readonly args: CustomerKeyArgs;
    private readonly uses: KeyUse[];
    private assembled = false;

    constructor(name: string, args: CustomerKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:kms:CustomerKey", name, {}, opts);
        this.args = args;
        this.scope = args.scope;
        this.uses = [...(args.uses ?? [])];
        this.aliasName = kmsAlias(args.scope.environment, args.purpose);
        const statements = new Promise<Statement[]>((resolve, reject) =>
            setImmediate(() => {
                this.assembled = true;
                try {
                    resolve(this.statements());
                } catch (error) {
                    reject(error instanceof Error ? error : new Error(String(error)));
                }
            }),
        );
        const principals: Promise<pulumi.Input<pulumi.Resource>[]> = statements.then(() => this.uses.flatMap(u => u.principalResources ?? []));
        this.key = new aws.kms.Key(
            name,
            {
                description: args.description,
                enableKeyRotation: true,
                rotationPeriodInDays: 365,
                deletionWindowInDays: args.deletionWindowInDays ?? 30,
                bypassPolicyLockoutSafetyCheck: false,
                policy: pulumi.output(statements).apply(s => policyDocument(s)),
            },
            { parent: this, dependsOn: principals },
        );
        this.alias = new aws.kms.Alias(name, { name: this.aliasName, targetKeyId: this.key.keyId }, { parent: this });
        this.arn = this.key.arn;
        this.registerOutputs({ arn: this.arn, aliasName: this.aliasName });
    }

    /** Declares what a user needs from the key; must be called while the program constructs its resources. */
    allow(use: KeyUse): this {
        if (this.assembled) {
            throw new Error(`CustomerKey ${this.aliasName}: ${use.sid} declared after the key policy was assembled; declare key uses while constructing`);
        }
        this.uses.push(use);
        return this;
    }

    /** The statements of the key policy from the declarations so far. */
    statements(): Statement[] {
        return keyPolicyStatements(
            this.args.scope,
            { viaServices: this.args.viaServices ?? [], uses: this.uses, externalAccounts: this.args.externalAccounts ?? [] },
            this.aliasName,
        );
    }
}

export function keyPolicyStatements(
    scope: AccountScope,
    declared: { viaServices: string[]; uses: KeyUse[]; externalAccounts: ExternalAccountUse[] },
    aliasName = "the key",
): Statement[] {
    const { accountId, region } = scope;
    if (declared.viaServices.length === 0 && declared.uses.length === 0 && declared.externalAccounts.length === 0) {
        throw new Error(`CustomerKey ${aliasName}: no use declared, so nothing could use the key`);
    }
    const statements: Statement[] = [
        { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: accountRoot(accountId) }, Action: ADMIN_ACTIONS, Resource: ["*"] },
    ];
    if (declared.viaServices.length > 0) {
        statements.push({
            Sid: "UseThroughServicesInAccount",
            Effect: "Allow",
            Principal: { AWS: accountRoot(accountId) },
            Action: USE_ACTIONS,
            Resource: ["*"],
            Condition: {
                StringEquals: {
                    "kms:CallerAccount": accountId,
                    "kms:ViaService": [...new Set(declared.viaServices)].map(s => `${s}.${region}.amazonaws.com`).sort(),
                },
            },
        });
    }
    for (const use of mergeUses(declared.uses).sort((a, b) => a.sid.localeCompare(b.sid))) {
        statements.push({
            Sid: use.sid,
            Effect: "Allow",
            Principal: "service" in use.principal ? { Service: use.principal.service } : { AWS: [...use.principal.aws].sort() },
            Action: use.actions,
            Resource: ["*"],
            ...(use.conditions ? { Condition: use.conditions } : {}),
        });
    }
    declared.externalAccounts.forEach((external, index) => {
        const principal = { AWS: external.accountIds.map(accountRoot).sort() };
        const viaServices = external.viaServices.map(s => `${s}.${region}.amazonaws.com`).sort();
        statements.push({
            Sid: `ExternalAccountUse${index}`,
            Effect: "Allow",
            Principal: principal,
            Action: USE_ACTIONS,
            Resource: ["*"],
            Condition: { StringEquals: { "kms:ViaService": viaServices } },
        });
        if (external.allowGrantsForAwsResources) {
            statements.push({
                Sid: `ExternalAccountGrants${index}`,
                Effect: "Allow",
                Principal: principal,
                Action: ["kms:CreateGrant"],
                Resource: ["*"],
                Condition: { Bool: { "kms:GrantIsForAWSResource": true }, StringEquals: { "kms:ViaService": viaServices } },
            });
        }
    });
    const sids = statements.map(s => s.Sid);
    const clash = sids.find((sid, i) => sids.indexOf(sid) !== i);
    if (clash) {
        throw new Error(`CustomerKey ${aliasName}: two statements named ${clash}`);
    }
    return statements;
}
