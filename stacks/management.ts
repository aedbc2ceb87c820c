import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Account } from "../config/accounts";
import { accountsWithRole, type Environment } from "../config/environment";
import { investigationRoleName } from "../config/remediation";
import { BucketTagPolicy } from "../components/governance/bucket-tag-policy";
import { MemberBaseline } from "../components/governance/member-baseline";
import { EventForwarding } from "../components/events/event-forwarding";
import { roleArnOf } from "../iam/documents";
import { resourceName } from "../naming/resources";
import { ORGANIZATION_CHANGE_EVENTS, orgReaderPolicies } from "../components/organizations/ou-row-filters";
import { AccountStack, type AccountStackArgs } from "./account";
import { accountProvider } from "./providers";

export interface ManagementAccountArgs extends AccountStackArgs {
    security: Account;
    /**
     * Security-account roles this account's policies name (the reconciler's, the workflow functions'):
     * IAM rejects a trust policy naming a role that does not exist yet, across accounts too.
     */
    securityPrincipals: { reconciler?: pulumi.Resource; workflowFunctions: pulumi.Resource[] };
}

/** Organizations publishes its CloudTrail events in us-east-1 only. */
const ORGANIZATIONS_EVENTS_REGION = "us-east-1";

/** The management account's read-only Organizations role, assumed by the security account's reconciler. */
export function orgReaderRoleArn(env: Environment): string | undefined {
    const [management] = accountsWithRole(env, "management");
    return management ? roleArnOf(management.id, resourceName(env.name, "org-reader")) : undefined;
}

function securityBusArn(env: Environment, security: Account): string {
    return `arn:aws:events:${security.region ?? env.homeRegion}:${security.id}:event-bus/${resourceName(env.name, "security")}`;
}

/**
 * The organisation's management account: delegates Macie administration to the security account (unless another
 * stack owns that delegation),
 * attaches the S3 bucket tag policy and deploys the member baseline StackSet to the target OUs,
 * lets the OU reconciler read the OU tree through a read-only role, and forwards organisation
 * changes (from us-east-1, where Organizations publishes them) to the security bus.
 */
export class ManagementAccount extends AccountStack {
    /**
     * The Macie delegation to the security account (its Macie organisation settings wait for it). Absent when another
     * stack owns the organisation's one delegation (lakewarden:organization.macieAdministrator).
     */
    readonly macieAdmin?: aws.macie2.OrganizationAdminAccount;

    constructor(args: ManagementAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super(args, opts);
        const env = this.env;
        if (!env.organization.macieAdministrator) {
            const macie = new aws.macie2.Account(this.child("macie"), { findingPublishingFrequency: "FIFTEEN_MINUTES", status: "ENABLED" }, { parent: this });
            this.macieAdmin = new aws.macie2.OrganizationAdminAccount(
                this.child("macie-admin"),
                { adminAccountId: args.security.id },
                { parent: this, dependsOn: [macie] },
            );
        }
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
                // The StackSet's member roles trust the security account's workflow function roles.
                { parent: this, dependsOn: args.securityPrincipals.workflowFunctions },
            );
        }
        if (env.ouSharing.mappings.length > 0) {
            const reader = orgReaderPolicies(roleArnOf(args.security.id, resourceName(env.name, "ou-row-filters", "fn")), env.organization.id, this.account.id);
            const role = new aws.iam.Role(
                this.child("org-reader"),
                {
                    name: resourceName(env.name, "org-reader"),
                    description: "Read-only view of the OU tree for the OU row-filter reconciler",
                    assumeRolePolicy: reader.trust,
                    maxSessionDuration: 3600,
                },
                { parent: this, dependsOn: args.securityPrincipals.reconciler ? [args.securityPrincipals.reconciler] : [] },
            );
            new aws.iam.RolePolicy(this.child("org-reader"), { role: role.name, policy: reader.permissions }, { parent: this });
            this.forwardOrganizationEvents(args.security);
        }
        this.registerOutputs({
            accountId: this.account.id,
            macieAdministrator: env.organization.macieAdministrator?.accountId ?? args.security.id,
            orgReaderRoleArn: orgReaderRoleArn(env),
        });
    }

    private forwardOrganizationEvents(security: Account): void {
        const env = this.env;
        const name = this.child("org-events");
        new EventForwarding(
            name,
            {
                scope: this.scope,
                ruleName: "org-changes",
                roleName: "org-events-forwarder",
                description: "organisation changes the OU row-filter reconciler reacts to, to the security bus",
                eventPattern: { source: ["aws.organizations"], detail: { eventName: ORGANIZATION_CHANGE_EVENTS } },
                buses: [{ id: "security", arn: securityBusArn(env, security) }],
                retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 86_400 },
                eventRegion: { region: ORGANIZATIONS_EVENTS_REGION, provider: accountProvider(env, this.account, ORGANIZATIONS_EVENTS_REGION) },
                previousNames: { rule: name, role: name, policy: name, target: () => name },
            },
            { parent: this },
        );
    }
}
