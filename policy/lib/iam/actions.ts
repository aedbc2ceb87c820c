// Action lists the IAM policies rely on. Each list says why an entry is there: reviewers read it.
import { isWildcardOnly, lookupAction } from "./catalog";
import { wildcardMatch } from "./document";

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
    // Its one resource type is the optional OTLP "dataset"; classic metric data is authorised on "*" and scoped by
    // namespace (Amazon CloudWatch User Guide, "Using condition keys to limit access to CloudWatch namespaces").
    "cloudwatch:PutMetricData": ["cloudwatch:namespace"],
};

export function isWildcardAction(action: string): boolean {
    return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/** True when the action pattern grants at least one of the listed concrete actions. */
export function grantsAny(pattern: string, actions: readonly string[]): string[] {
    return actions.filter(a => wildcardMatch(pattern, a));
}

/**
 * An action (pattern) AWS authorises only on Resource "*": every action it grants has no resource
 * type in the Service Authorization Reference (lib/iam/catalog), or a reviewed `extra` entry covers it.
 */
export function isStarOnlyAction(action: string, extra: readonly string[] = []): boolean {
    if (extra.some(e => (/[*?]/.test(action) ? e.toLowerCase() === action.toLowerCase() : wildcardMatch(e, action)))) {
        return true;
    }
    const found = lookupAction(action);
    return found.kind === "ok" && found.actions.length > 0 && found.actions.every(isWildcardOnly);
}
