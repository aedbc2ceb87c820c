import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BundledFunction } from "../compute/bundled-function";
import { EventTrigger } from "../events/event-trigger";
import { metricAboveZeroAlarm } from "../monitoring/alarm-topic";
import { type KeyRef, keyUseStatement, policyDocument, roleArnOf, type Statement } from "../../iam/documents";
import { ssmSecureStringUse } from "../../iam/key-use";
import { type AccountScope, resourceName } from "../../naming/resources";
import { hostTables, type OuMappingDocument } from "../../plans/ou-mapping";

export interface OuRowFiltersArgs {
    scope: AccountScope;
    key: KeyRef;
    mapping: OuMappingDocument;
    schedule: string;
    /** Read-only Organizations role in the management account, which the Lambda assumes; absent without a management account. */
    orgReadRoleArn?: string;
    /** The bus organisation changes are forwarded to (in this account). */
    eventBusName: pulumi.Input<string>;
    eventBusArn: string;
    /** Alarm notifications. */
    alarmTopicArn: pulumi.Input<string>;
}

/** Lake Formation actions authorise through Lake Formation grants; IAM knows them only on `*`. */
const LF_FILTER_ACTIONS = [
    "lakeformation:BatchGrantPermissions",
    "lakeformation:BatchRevokePermissions",
    "lakeformation:CreateDataCellsFilter",
    "lakeformation:DeleteDataCellsFilter",
    "lakeformation:ListDataCellsFilter",
    "lakeformation:ListPermissions",
    "lakeformation:UpdateDataCellsFilter",
];

export const ORGANIZATION_CHANGE_EVENTS = [
    "AcceptHandshake",
    "CloseAccount",
    "CreateAccountResult",
    "CreateOrganizationalUnit",
    "DeleteOrganizationalUnit",
    "LeaveOrganization",
    "MoveAccount",
    "RemoveAccountFromOrganization",
    "UpdateOrganizationalUnit",
];

/**
 * Cross-account grants make Lake Formation create RAM shares with the caller's credentials: the
 * statements of AWSLakeFormationCrossAccountManager, each held to Lake Formation's shares by a condition.
 */
const LAKE_FORMATION_RAM_STATEMENTS: Statement[] = [
    {
        Sid: "CreateLakeFormationShares",
        Effect: "Allow",
        Action: ["ram:CreateResourceShare"],
        Resource: ["*"],
        Condition: { "ForAllValues:StringEquals": { "ram:RequestedResourceType": ["glue:Catalog", "glue:Database", "glue:Table"] } },
    },
    {
        Sid: "ManageLakeFormationShares",
        Effect: "Allow",
        Action: ["ram:AssociateResourceShare", "ram:DeleteResourceShare", "ram:DisassociateResourceShare", "ram:UpdateResourceShare"],
        Resource: ["*"],
        Condition: { StringLike: { "ram:ResourceShareName": "LakeFormation*" } },
    },
    {
        Sid: "UseLakeFormationSharePermissions",
        Effect: "Allow",
        Action: ["ram:AssociateResourceSharePermission"],
        Resource: ["*"],
        Condition: { StringLike: { "ram:PermissionArn": "arn:aws:ram::aws:permission/AWSRAMLFEnabled*" } },
    },
    { Sid: "ReadShares", Effect: "Allow", Action: ["ram:GetResourceShareInvitations", "ram:GetResourceShares"], Resource: ["*"] },
];

/**
 * The OU row-filter reconciler in the account that holds the tables: the Lambda, its mapping in an
 * encrypted SSM parameter, an hourly schedule and organisation-change trigger, a dead-letter queue,
 * an error alarm, and the Lake Formation permissions it needs on exactly the mapped tables.
 */
export class OuRowFilters extends pulumi.ComponentResource {
    readonly reconciler: BundledFunction;
    readonly parameter: aws.ssm.Parameter;

    constructor(name: string, args: OuRowFiltersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:organizations:OuRowFilters", name, {}, opts);
        const { accountId, region, environment } = args.scope;
        const parameterName = `/lakewarden/${environment}/ou-row-filters/mapping`;
        args.key.allow(ssmSecureStringUse(args.scope));
        this.parameter = new aws.ssm.Parameter(
            name,
            {
                name: parameterName,
                type: "SecureString",
                keyId: args.key.arn,
                tier: "Intelligent-Tiering",
                description: "OU-to-consumer mapping of the OU row-filter reconciler (generated from lakewarden:ouSharing)",
                value: JSON.stringify(args.mapping),
            },
            { parent: this },
        );
        this.reconciler = new BundledFunction(
            `${name}-fn`,
            {
                scope: args.scope,
                functionName: "ou-row-filters",
                description: "Keeps Lake Formation OU row filters and grants in step with the organisation",
                entry: "lambdas/ou-reconciler/handler.ts",
                key: args.key,
                timeoutSeconds: 600,
                memoryMb: 512,
                reservedConcurrency: 1,
                deadLetterQueue: true,
                // Absent means absent: no role to assume, no empty ARN in the environment or the policy.
                environment: { MAPPING_PARAMETER_NAME: parameterName, ...(args.orgReadRoleArn ? { ORG_READ_ROLE_ARN: args.orgReadRoleArn } : {}) },
                statements: [
                    {
                        Sid: "ReadMapping",
                        Effect: "Allow",
                        Action: ["ssm:GetParameter"],
                        Resource: [`arn:aws:ssm:${region}:${accountId}:parameter${parameterName}`],
                    },
                    keyUseStatement("DecryptMapping", args.scope, args.key, ["kms:Decrypt"], "ssm"),
                    ...(args.orgReadRoleArn
                        ? [
                              {
                                  Sid: "ReadOrganizationThroughManagementRole",
                                  Effect: "Allow" as const,
                                  Action: ["sts:AssumeRole"],
                                  Resource: [args.orgReadRoleArn],
                              },
                          ]
                        : []),
                    { Sid: "ManageOwnedFiltersAndGrants", Effect: "Allow", Action: LF_FILTER_ACTIONS, Resource: ["*"] },
                    ...LAKE_FORMATION_RAM_STATEMENTS,
                ],
            },
            { parent: this },
        );
        const fnRoleArn = roleArnOf(accountId, resourceName(environment, "ou-row-filters", "fn"));
        // The Lambda role's Lake Formation scope: the mapped tables only, grantable so it can share filters.
        hostTables(args.mapping, accountId).forEach(
            table =>
                new aws.lakeformation.Permissions(
                    `${name}-${table.database}-${table.table}`,
                    {
                        principal: fnRoleArn,
                        table: { catalogId: accountId, databaseName: table.database, name: table.table },
                        permissions: ["DESCRIBE", "SELECT"],
                        permissionsWithGrantOptions: ["DESCRIBE", "SELECT"],
                    },
                    { parent: this, deleteBeforeReplace: true, dependsOn: [this.reconciler] },
                ),
        );
        const trigger = (label: string, ruleName: string, rule: { eventPattern: object } | { scheduleExpression: string; description: string }) =>
            new EventTrigger(
                `${name}-${label}`,
                {
                    scope: args.scope,
                    key: args.key,
                    ruleName,
                    description: "description" in rule ? rule.description : "Organisation changes forwarded from the management account",
                    ...("eventPattern" in rule
                        ? { eventPattern: rule.eventPattern, bus: { name: args.eventBusName, arn: args.eventBusArn } }
                        : { scheduleExpression: rule.scheduleExpression }),
                    target: { function: this.reconciler },
                    retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 3600 },
                    previousNames: { rule: `${name}-${label}`, target: `${name}-${label}`, permission: `${name}-${label}` },
                },
                { parent: this },
            );
        trigger("schedule", "ou-row-filters-schedule", { scheduleExpression: args.schedule, description: "Full OU row-filter reconcile" });
        trigger("org-changes", "ou-row-filters-org-changes", {
            eventPattern: { source: ["aws.organizations"], detail: { eventName: ORGANIZATION_CHANGE_EVENTS } },
        });
        // Recovery is the next successful run: only the failure notifies.
        new aws.cloudwatch.MetricAlarm(
            `${name}-errors`,
            metricAboveZeroAlarm(
                {
                    name: resourceName(environment, "ou-row-filters-errors"),
                    description: "The OU row-filter reconciler failed: some OU's rows may be stale (see its logs)",
                    topicArn: args.alarmTopicArn,
                    notifyRecovery: false,
                },
                { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: this.reconciler.name }, statistic: "Sum", period: 3600 },
            ),
            { parent: this },
        );
        this.registerOutputs({ functionArn: this.reconciler.arn, parameterName });
    }
}

/** Trust and permissions of the management account's read-only role for the reconciler. */
/**
 * ListAccountsForParent and ListOrganizationalUnitsForParent take the parent (root or OU) as resource
 * (Service Authorization Reference, AWS Organizations: resource types root and organizationalunit), so the
 * role reads this organisation's tree and nothing else.
 */
export function orgReaderPolicies(reconcilerRoleArn: string, organizationId: string, managementAccountId: string): { trust: string; permissions: string } {
    return {
        trust: policyDocument([
            {
                Sid: "ReconcilerInOrganization",
                Effect: "Allow",
                Principal: { AWS: reconcilerRoleArn },
                Action: ["sts:AssumeRole"],
                Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
            },
        ]),
        permissions: policyDocument([
            {
                Sid: "ReadOrganizationTree",
                Effect: "Allow",
                Action: ["organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"],
                Resource: [
                    `arn:aws:organizations::${managementAccountId}:ou/${organizationId}/ou-*`,
                    `arn:aws:organizations::${managementAccountId}:root/${organizationId}/r-*`,
                ],
            },
        ]),
    };
}
