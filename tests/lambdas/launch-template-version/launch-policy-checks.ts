import assert from "node:assert/strict";
import type { RolePolicyStatement } from "../../../lambdas/fleet-discovery/role-policy";
import type { LaunchScope } from "../../../lambdas/launch-template-version/role-policy";
import { BUILD_ACCOUNT, FLEET_ACCOUNT, REFRESH_TAG } from "../../../support/fleet-refresh/fake-cloud";
import { SCOPE } from "../fleet-discovery/role-policy-checks";

/** Checks for the roles that change groups or launch templates (launch-template-version, instance-refresh). */

export const LAUNCH_SCOPE: LaunchScope = {
    ...SCOPE,
    instanceRoleArn: `arn:aws:iam::${FLEET_ACCOUNT}:role/lakewarden-prod-ecs-instance`,
    imageOwners: [BUILD_ACCOUNT, FLEET_ACCOUNT, "amazon"],
};

/** What Auto Scaling checks on the caller when a group's launch template changes, without the caller making these calls. */
export const LAUNCH_CHECKS = ["ec2:CreateTags", "ec2:RunInstances", "iam:PassRole"];

const GROUP_AND_TEMPLATE_WRITES = /^(ec2:CreateLaunchTemplateVersion|autoscaling:(UpdateAutoScalingGroup|StartInstanceRefresh|RollbackInstanceRefresh))$/;

/** Writes to groups and templates carry the refresh tag condition; launches never reach beyond tagged templates. */
export function assertLaunchScoped(statements: readonly RolePolicyStatement[]): void {
    const tag = { [`aws:ResourceTag/${REFRESH_TAG.key}`]: REFRESH_TAG.value };
    for (const statement of statements) {
        if (statement.Action.some(a => GROUP_AND_TEMPLATE_WRITES.test(a))) {
            assert.deepEqual(statement.Condition, { StringEquals: tag }, `${statement.Sid} is limited to tagged resources`);
        }
        if (statement.Action.includes("ec2:RunInstances")) {
            assert.ok(!statement.Resource.includes("*"), `${statement.Sid}: no RunInstances on "*"`);
            const viaTaggedTemplate = statement.Resource.every(r => r.includes(":launch-template/"))
                ? statement.Condition?.StringEquals?.[`aws:ResourceTag/${REFRESH_TAG.key}`] === REFRESH_TAG.value
                : statement.Condition?.ArnLike?.["ec2:LaunchTemplate"] !== undefined;
            assert.ok(viaTaggedTemplate, `${statement.Sid}: RunInstances only through tagged launch templates`);
        }
        if (statement.Action.includes("ec2:CreateTags")) assert.deepEqual(statement.Condition, { StringEquals: { "ec2:CreateAction": "RunInstances" } });
        if (statement.Action.includes("iam:PassRole")) {
            assert.deepEqual(statement.Resource, [LAUNCH_SCOPE.instanceRoleArn]);
            assert.deepEqual(statement.Condition, { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } });
        }
    }
}
