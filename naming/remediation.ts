/**
 * Physical names of the remediation pieces, derived from the environment so the security
 * account's policies and the member accounts' trust policies agree by construction.
 */
import { roleArnOf } from "../iam/documents";
import { resourceName } from "./resources";

export type RemediationFunction = "macie-decision" | "quarantine-object" | "release-object" | "notify-webhook" | "release-api";
export type MemberWorkflow = "quarantine" | "release";

/** BundledFunction names its role lakewarden-<env>-<function>-fn. */
function functionRoleName(environment: string, fn: RemediationFunction): string {
    return resourceName(environment, fn, "fn");
}

export function functionRoleArn(environment: string, securityAccountId: string, fn: RemediationFunction): string {
    return roleArnOf(securityAccountId, functionRoleName(environment, fn));
}

/** The security-account function that assumes each member workflow role. */
export const WORKFLOW_FUNCTION: Record<MemberWorkflow, RemediationFunction> = { quarantine: "quarantine-object", release: "release-object" };

/** The role each member account holds for one workflow (assumed by WORKFLOW_FUNCTION). */
export function memberRoleName(environment: string, workflow: MemberWorkflow): string {
    return resourceName(environment, workflow);
}

function stateMachineName(environment: string, workflow: MemberWorkflow): string {
    return resourceName(environment, workflow);
}

export function stateMachineArn(scope: { environment: string; accountId: string; region: string }, workflow: MemberWorkflow): string {
    return `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${stateMachineName(scope.environment, workflow)}`;
}

export function trackingTableName(environment: string): string {
    return resourceName(environment, "remediation-tracking");
}
