import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Conditions, type Statement, accountRoot, policyDocument } from "../iam/documents";
import { type AccountScope, kmsAlias } from "../naming";

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

/** Auto Scaling's service-linked role in an account: it launches instances whose volumes use the key. */
export function autoScalingServiceLinkedRole(accountId: string): string {
    return `arn:aws:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

export const USE_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"];

export interface ServicePrincipalGrant {
    /** e.g. `logs.eu-west-1.amazonaws.com`, `logging.s3.amazonaws.com`. */
    service: string;
    actions: string[];
    /** Must pin the caller (aws:SourceAccount, aws:SourceArn or an encryption context). */
    condition: Conditions;
}

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
    /** Services in this account that may use the key for IAM principals, e.g. ["s3", "glue"]. */
    viaServices: string[];
    servicePrincipals?: ServicePrincipalGrant[];
    externalAccounts?: ExternalAccountUse[];
    /**
     * Service-linked roles (e.g. AWSServiceRoleForAutoScaling) that use the key on their own: their
     * policies carry no KMS permissions, so the key policy must name them.
     */
    serviceLinkedRoles?: string[];
    deletionWindowInDays?: number;
}

/**
 * A customer-managed symmetric key with rotation, whose policy lets the account administer it
 * and lets principals use it only through the named services (kms:ViaService + kms:CallerAccount).
 */
export class CustomerKey extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    readonly alias: aws.kms.Alias;
    readonly arn: pulumi.Output<string>;
    readonly aliasName: string;

    constructor(name: string, args: CustomerKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:kms:CustomerKey", name, {}, opts);
        if (args.viaServices.length === 0 && (args.servicePrincipals ?? []).length === 0) {
            throw new Error(`CustomerKey ${name}: viaServices and servicePrincipals are both empty, so nothing could use the key`);
        }
        this.aliasName = kmsAlias(args.scope.environment, args.purpose);
        this.key = new aws.kms.Key(
            name,
            {
                description: args.description,
                enableKeyRotation: true,
                rotationPeriodInDays: 365,
                deletionWindowInDays: args.deletionWindowInDays ?? 30,
                bypassPolicyLockoutSafetyCheck: false,
                policy: policyDocument(keyPolicyStatements(args)),
            },
            { parent: this },
        );
        this.alias = new aws.kms.Alias(name, { name: this.aliasName, targetKeyId: this.key.keyId }, { parent: this });
        this.arn = this.key.arn;
        this.registerOutputs({ arn: this.arn, aliasName: this.aliasName });
    }
}

export function keyPolicyStatements(args: CustomerKeyArgs): Statement[] {
    const { accountId, region } = args.scope;
    const statements: Statement[] = [
        { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: accountRoot(accountId) }, Action: ADMIN_ACTIONS, Resource: ["*"] },
    ];
    if (args.viaServices.length > 0) {
        statements.push({
            Sid: "UseThroughServicesInAccount",
            Effect: "Allow",
            Principal: { AWS: accountRoot(accountId) },
            Action: USE_ACTIONS,
            Resource: ["*"],
            Condition: {
                StringEquals: {
                    "kms:CallerAccount": accountId,
                    "kms:ViaService": args.viaServices.map((s) => `${s}.${region}.amazonaws.com`).sort(),
                },
            },
        });
    }
    (args.servicePrincipals ?? []).forEach((grant, index) =>
        statements.push({
            Sid: `ServicePrincipal${index}`,
            Effect: "Allow",
            Principal: { Service: grant.service },
            Action: grant.actions,
            Resource: ["*"],
            Condition: grant.condition,
        }),
    );
    const linked = [...(args.serviceLinkedRoles ?? [])].sort();
    if (linked.length > 0) {
        statements.push(
            { Sid: "ServiceLinkedRoleUse", Effect: "Allow", Principal: { AWS: linked }, Action: USE_ACTIONS, Resource: ["*"] },
            {
                Sid: "ServiceLinkedRoleGrants",
                Effect: "Allow",
                Principal: { AWS: linked },
                Action: ["kms:CreateGrant"],
                Resource: ["*"],
                Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
            },
        );
    }
    (args.externalAccounts ?? []).forEach((external, index) => {
        const principal = { AWS: external.accountIds.map(accountRoot).sort() };
        const viaServices = external.viaServices.map((s) => `${s}.${region}.amazonaws.com`).sort();
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
    return statements;
}
