import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CustomerKey } from "../components/kms/customer-key";
import { ouMappingDocument } from "../plans/ou-mapping";
import { FindingRemediation } from "../components/remediation/finding-remediation";
import { MacieDiscovery } from "../components/remediation/macie-discovery";
import { SecureBucket } from "../components/storage/secure-bucket";
import { OuRowFilters } from "../components/organizations/ou-row-filters";
import { denyInsecureTransport, policyDocument } from "../iam/documents";
import { resourceName } from "../naming/resources";
import { AccountStack, type AccountStackArgs } from "./account";

export interface SecurityAccountArgs extends AccountStackArgs {
    /**
     * Resolved once the other accounts are constructed: the management account's Macie delegation, and the
     * producers' Macie service-linked roles (their data keys name them; enrolment must not race them).
     */
    macie: { delegation: Promise<pulumi.Resource[]>; memberRoles: Promise<pulumi.Resource[]> };
}
import { orgReaderRoleArn } from "./management";

/**
 * The security account: its customer key, the central event bus that accepts events only from
 * accounts of the organisation, the alerts topic, Macie discovery with finding remediation
 * (quarantine and release), and the OU row-filter reconciler.
 */
export class SecurityAccount extends AccountStack {
    readonly key: CustomerKey;
    readonly bus: aws.cloudwatch.EventBus;
    readonly alerts: aws.sns.Topic;
    /** Roles other accounts' policies name: the management account's org-reader and member roles wait for them. */
    readonly principals: { reconciler?: pulumi.Resource; workflowFunctions: pulumi.Resource[] } = { workflowFunctions: [] };
    /** Macie's enrolment of each producer (by account id): the producer's own Macie settings (scan stages) wait for it. */
    readonly macieEnrolments: Record<string, pulumi.Resource> = {};

    constructor(args: SecurityAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super(args, opts);
        const parent = { parent: this };
        const { accountId, region } = this.scope;
        const busName = resourceName(this.env.name, "security");
        const busArn = `arn:aws:events:${region}:${accountId}:event-bus/${busName}`;
        this.key = new CustomerKey(
            this.child("security"),
            {
                scope: this.scope,
                purpose: "security",
                description: `lakewarden ${this.env.name} security tooling key`,
                viaServices: ["s3", "dynamodb", "sns", "sqs", "secretsmanager", "states", "lambda", "logs"],
                uses: [
                    {
                        sid: "EventBridgeEncryptsBus",
                        principal: { service: "events.amazonaws.com" },
                        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                        conditions: { StringEquals: { "aws:SourceAccount": accountId, "kms:EncryptionContext:aws:events:event-bus:arn": busArn } },
                        source: "Amazon EventBridge User Guide, Encrypting events with customer managed keys (key policy for events.amazonaws.com)",
                    },
                    {
                        // DescribeKey carries no encryption context, so it cannot share the statement above.
                        sid: "EventBridgeDescribesBusKey",
                        principal: { service: "events.amazonaws.com" },
                        actions: ["kms:DescribeKey"],
                        conditions: { StringEquals: { "aws:SourceAccount": accountId } },
                        source: "Amazon EventBridge User Guide, Authorizing EventBridge to use a customer managed key (kms:DescribeKey, kms:GenerateDataKey, kms:Decrypt)",
                    },
                    {
                        sid: "CloudWatchAlarmsPublish",
                        principal: { service: "cloudwatch.amazonaws.com" },
                        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
                        conditions: { StringEquals: { "aws:SourceAccount": accountId } },
                        source: "Amazon CloudWatch User Guide, Using Amazon SNS with encrypted topics (key policy for cloudwatch.amazonaws.com)",
                    },
                ],
            },
            parent,
        );
        this.bus = new aws.cloudwatch.EventBus(
            this.child("bus"),
            { name: busName, description: "lakewarden security events from every account of the organisation", kmsKeyIdentifier: this.key.arn },
            parent,
        );
        new aws.cloudwatch.EventBusPolicy(
            this.child("bus"),
            {
                eventBusName: this.bus.name,
                policy: policyDocument([
                    {
                        Sid: "AcceptEventsFromOrganization",
                        Effect: "Allow",
                        Principal: "*",
                        Action: ["events:PutEvents"],
                        Resource: [busArn],
                        Condition: { StringEquals: { "aws:PrincipalOrgID": this.env.organization.id } },
                    },
                ]),
            },
            parent,
        );
        const alertsName = resourceName(this.env.name, "security-alerts");
        this.alerts = new aws.sns.Topic(this.child("alerts"), { name: alertsName, kmsMasterKeyId: this.key.arn }, parent);
        new aws.sns.TopicPolicy(
            this.child("alerts"),
            {
                arn: this.alerts.arn,
                policy: policyDocument([
                    {
                        Sid: "CloudWatchAlarmsOfThisAccount",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["sns:Publish"],
                        Resource: [`arn:aws:sns:${region}:${accountId}:${alertsName}`],
                        Condition: {
                            StringEquals: { "aws:SourceAccount": accountId },
                            ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` },
                        },
                    },
                    denyInsecureTransport(["sns:Publish"], [`arn:aws:sns:${region}:${accountId}:${alertsName}`]),
                ]),
            },
            parent,
        );
        const remediation = this.env.remediation;
        if (remediation) {
            const logs = new SecureBucket(
                this.child("logs"),
                { scope: this.scope, purpose: "access-logs", key: this.key, receivesAccessLogs: true, expirationDays: 400 },
                parent,
            );
            const macie = new MacieDiscovery(
                this.child("macie"),
                {
                    scope: this.scope,
                    key: this.key,
                    accessLogBucket: logs.bucket.id,
                    quarantinePrefix: remediation.quarantinePrefix,
                    customDataIdentifiers: remediation.customDataIdentifiers,
                    delegation: args.macie.delegation,
                    membership: this.env.organization.macieAdministrator ? "invitation" : "organization",
                    // Validated at start: every producer has its email when remediation is on.
                    members: this.env.accounts.filter(a => a.role === "producer").map(a => ({ accountId: a.id, email: a.email ?? "" })),
                    memberPrerequisites: args.macie.memberRoles,
                },
                parent,
            );
            Object.assign(this.macieEnrolments, macie.memberEnrolments);
            const remediationComponent = new FindingRemediation(
                this.child("remediation"),
                {
                    scope: this.scope,
                    key: this.key,
                    settings: remediation,
                    memberAccountIds: this.env.accounts.filter(a => a.role === "producer" || a.role === "consumer").map(a => a.id),
                    securityBusName: this.bus.name,
                    securityBusArn: busArn,
                },
                parent,
            );
            const { "quarantine-object": quarantine, "release-object": release } = remediationComponent.functions;
            this.principals.workflowFunctions.push(quarantine.role, release.role);
        }
        if (this.env.ouSharing.mappings.length > 0) {
            const ouRowFilters = new OuRowFilters(
                this.child("ou-row-filters"),
                {
                    scope: this.scope,
                    key: this.key,
                    mapping: ouMappingDocument(this.env, accountId),
                    schedule: this.env.ouSharing.schedule,
                    orgReadRoleArn: orgReaderRoleArn(this.env),
                    eventBusName: this.bus.name,
                    eventBusArn: busArn,
                    alarmTopicArn: this.alerts.arn,
                },
                parent,
            );
            this.principals.reconciler = ouRowFilters.reconciler.role;
        }
        this.registerOutputs({ accountId, busArn, keyArn: this.key.arn, alertsTopic: this.alerts.arn });
    }
}
