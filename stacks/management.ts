import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Account } from "../config/accounts";
import { accountsWithRole, type Environment } from "../config/environment";
import { investigationRoleName } from "../config/remediation";
import { BucketTagPolicy } from "../components/governance/bucket-tag-policy";
import { MemberBaseline } from "../components/governance/member-baseline";
import { policyDocument, roleArnOf } from "../components/iam/documents";
import { resourceName } from "../components/naming";
import { ORGANIZATION_CHANGE_EVENTS, orgReaderPolicies } from "../components/organizations/ou-row-filters";
import { AccountStack, type AccountStackArgs } from "./account";
import { accountProvider } from "./providers";

export interface ManagementAccountArgs extends AccountStackArgs {
    security: Account;
}

/** Organizations publishes its CloudTrail events in us-east-1 only. */
export const ORGANIZATIONS_EVENTS_REGION = "us-east-1";

/** The management account's read-only Organizations role, assumed by the security account's reconciler. */
export function orgReaderRoleArn(env: Environment): string {
    const [management] = accountsWithRole(env, "management");
    return management ? roleArnOf(management.id, resourceName(env.name, "org-reader")) : "";
}

export function securityBusArn(env: Environment, security: Account): string {
    return `arn:aws:events:${security.region ?? env.homeRegion}:${security.id}:event-bus/${resourceName(env.name, "security")}`;
}

/**
 * The organisation's management account: delegates Macie administration to the security account,
 * attaches the S3 bucket tag policy and deploys the member baseline StackSet to the target OUs,
 * lets the OU reconciler read the OU tree through a read-only role, and forwards organisation
 * changes (from us-east-1, where Organizations publishes them) to the security bus.
 */
export class ManagementAccount extends AccountStack {
    constructor(args: ManagementAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super(args, opts);
        const env = this.env;
        const macie = new aws.macie2.Account(this.child("macie"), { findingPublishingFrequency: "FIFTEEN_MINUTES", status: "ENABLED" }, { parent: this });
        new aws.macie2.OrganizationAdminAccount(this.child("macie-admin"), { adminAccountId: args.security.id }, { parent: this, dependsOn: [macie] });
        const { targetOus, bucketOwners, existingConfigRecorder } = env.sensitiveData;
        if (targetOus.length > 0) {
            new BucketTagPolicy(this.child("bucket-tags"), { environment: env.name, bucketOwners, targetOus }, { parent: this });
            new MemberBaseline(
                this.child("baseline"),
                {
                    environment: env.name,
                    securityBusArn: securityBusArn(env, args.security),
                    bucketOwners,
                    targetOus,
                    existingConfigRecorder,
                    regions: [env.homeRegion],
                    ...(env.remediation
                        ? {
                              remediation: {
                                  environment: env.name,
                                  securityAccountId: args.security.id,
                                  organizationId: env.organization.id,
                                  quarantinePrefix: env.remediation.quarantinePrefix,
                                  investigationRoleName: investigationRoleName(env.name, env.remediation),
                                  investigatorPrincipalArns: env.remediation.releaserRoleArns,
                              },
                          }
                        : {}),
                },
                { parent: this },
            );
        }
        if (env.ouSharing.mappings.length > 0) {
            const reader = orgReaderPolicies(roleArnOf(args.security.id, resourceName(env.name, "ou-row-filters", "fn")), env.organization.id);
            const role = new aws.iam.Role(
                this.child("org-reader"),
                { name: resourceName(env.name, "org-reader"), description: "Read-only view of the OU tree for the OU row-filter reconciler", assumeRolePolicy: reader.trust, maxSessionDuration: 3600 },
                { parent: this },
            );
            new aws.iam.RolePolicy(this.child("org-reader"), { role: role.name, policy: reader.permissions }, { parent: this });
            this.forwardOrganizationEvents(args.security);
        }
        this.registerOutputs({ accountId: this.account.id, macieAdministrator: args.security.id, orgReaderRoleArn: orgReaderRoleArn(env) });
    }

    private forwardOrganizationEvents(security: Account): void {
        const env = this.env;
        const eastProvider = accountProvider(env, this.account, ORGANIZATIONS_EVENTS_REGION);
        const inEast = { parent: this, provider: eastProvider };
        const busArn = securityBusArn(env, security);
        const roleName = resourceName(env.name, "org-events-forwarder");
        const role = new aws.iam.Role(
            this.child("org-events"),
            {
                name: roleName,
                description: "Lets EventBridge forward organisation changes to the security bus",
                assumeRolePolicy: policyDocument([
                    {
                        Sid: "TrustEventBridgeOfThisAccount",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: ["sts:AssumeRole"],
                        Condition: { StringEquals: { "aws:SourceAccount": this.account.id } },
                    },
                ]),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            this.child("org-events"),
            { role: role.name, policy: policyDocument([{ Sid: "PutToSecurityBus", Effect: "Allow", Action: ["events:PutEvents"], Resource: [busArn] }]) },
            { parent: this },
        );
        const rule = new aws.cloudwatch.EventRule(
            this.child("org-events"),
            {
                name: resourceName(env.name, "org-changes"),
                description: "Organisation changes the OU row-filter reconciler reacts to",
                eventPattern: JSON.stringify({ source: ["aws.organizations"], detail: { eventName: ORGANIZATION_CHANGE_EVENTS } }),
            },
            inEast,
        );
        new aws.cloudwatch.EventTarget(
            this.child("org-events"),
            { rule: rule.name, arn: busArn, roleArn: roleArnOf(this.account.id, roleName) },
            { ...inEast, dependsOn: [role] },
        );
    }
}
