// Action lists the IAM policies rely on. Each list says why an entry is there: reviewers read it.
import { wildcardMatch } from "./document";

/**
 * Actions that AWS only authorises on Resource "*" (no resource-level permissions) and that do
 * not write data or change permissions, plus a few writes that only exist on "*":
 * - Describe/List/Get of account-wide inventories (ec2, autoscaling, logs, kms aliases, ...);
 * - Lake Formation data-plane/grant APIs: LF authorises them itself against its own grants;
 * - CloudWatch Logs "log delivery" APIs that Step Functions/API Gateway logging requires;
 * - the Systems Manager message channels (ec2messages, ssmmessages) an Image Builder instance polls;
 * - X-Ray segment upload and CloudWatch PutMetricData (scope with cloudwatch:namespace).
 */
export const STAR_ONLY_ACTIONS: readonly string[] = [
    "sts:GetCallerIdentity",
    "ec2:Describe*",
    "autoscaling:Describe*",
    "ecs:DiscoverPollEndpoint",
    "ecs:ListClusters",
    // Session Manager channel of a build instance: these APIs exist only on "*".
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ecr:GetAuthorizationToken",
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "kms:ListAliases",
    "kms:ListKeys",
    "s3:ListAllMyBuckets",
    "dynamodb:ListTables",
    "secretsmanager:ListSecrets",
    "sns:ListTopics",
    "sqs:ListQueues",
    "states:ListStateMachines",
    "athena:ListWorkGroups",
    "glue:GetSecurityConfigurations",
    "macie2:GetMacieSession",
    "macie2:ListClassificationJobs",
    "macie2:DescribeBuckets",
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListParents",
    "lakeformation:GetDataAccess",
    "lakeformation:GrantPermissions",
    "lakeformation:RevokePermissions",
    "lakeformation:BatchGrantPermissions",
    "lakeformation:BatchRevokePermissions",
    "lakeformation:ListPermissions",
    "lakeformation:GetDataLakeSettings",
    "lakeformation:ListResources",
    "lakeformation:ListDataCellsFilter",
    "lakeformation:GetDataCellsFilter",
    "lakeformation:CreateDataCellsFilter",
    "lakeformation:UpdateDataCellsFilter",
    "lakeformation:DeleteDataCellsFilter",
    "lakeformation:GetResourceLFTags",
    "lakeformation:ListLFTags",
    // LF-tag assignment: LF checks the caller's ASSOCIATE grant on the tag and its rights on the resource.
    "lakeformation:AddLFTagsToResource",
    "lakeformation:RemoveLFTagsFromResource",
    "ram:GetResourceShareInvitations",
    "ram:GetResourceShares",
    "ram:AcceptResourceShareInvitation",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "cloudwatch:PutMetricData",
    "tag:GetResources",
];

/**
 * Actions that let a principal grant itself (or others) more than it has: IAM policy and
 * credential management, key policy replacement, and making oneself a Lake Formation admin.
 * (lakeformation:GrantPermissions is not here: LF only lets a grantor pass on what it holds
 * with grant option, so the IAM permission alone does not escalate.)
 */
export const ESCALATION_ACTIONS: readonly string[] = [
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "kms:PutKeyPolicy",
    "lakeformation:PutDataLakeSettings",
];

/**
 * Writes that AWS only authorises on Resource "*" but that a condition key scopes to what they may
 * touch; allowed on "*" only with one of the listed keys (the pattern of the
 * AWSLakeFormationCrossAccountManager managed policy for the RAM shares Lake Formation creates).
 */
export const CONDITION_SCOPED_STAR_ACTIONS: Readonly<Record<string, readonly string[]>> = {
    "ram:CreateResourceShare": ["ram:RequestedResourceType"],
    "ram:AssociateResourceShare": ["ram:ResourceShareName"],
    "ram:DisassociateResourceShare": ["ram:ResourceShareName"],
    "ram:UpdateResourceShare": ["ram:ResourceShareName"],
    "ram:DeleteResourceShare": ["ram:ResourceShareName"],
    "ram:AssociateResourceSharePermission": ["ram:PermissionArn"],
};

export function isWildcardAction(action: string): boolean {
    return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/** True when the action pattern grants at least one of the listed concrete actions. */
export function grantsAny(pattern: string, actions: readonly string[]): string[] {
    return actions.filter(a => wildcardMatch(pattern, a));
}

/** An action (pattern) is star-only when a listed entry covers it exactly or by wildcard. */
export function isStarOnlyAction(action: string, extra: readonly string[] = []): boolean {
    const entries = [...STAR_ONLY_ACTIONS, ...extra];
    if (action.includes("*") || action.includes("?")) {
        return entries.some(e => e.toLowerCase() === action.toLowerCase());
    }
    return entries.some(e => wildcardMatch(e, action));
}
