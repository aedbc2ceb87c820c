import { fleetArn, type RolePolicyStatement, taggedOnly } from "../fleet-discovery/role-policy";
import { launchThroughTaggedTemplates, type LaunchScope } from "../launch-template-version/role-policy";

/**
 * The instance-refresh Lambda's role: start and roll back refreshes of tagged groups only. Starting a
 * refresh with a desired configuration is checked like an update of the group, hence the launch permissions.
 */
export function instanceRefreshStatements(scope: LaunchScope): RolePolicyStatement[] {
    return [
        // DescribeInstanceRefreshes supports no resource-level permissions.
        { Sid: "ReadRefreshes", Effect: "Allow", Action: ["autoscaling:DescribeInstanceRefreshes"], Resource: ["*"] },
        {
            Sid: "RefreshTaggedGroups",
            Effect: "Allow",
            Action: ["autoscaling:RollbackInstanceRefresh", "autoscaling:StartInstanceRefresh"],
            Resource: [fleetArn(scope, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")],
            Condition: taggedOnly(scope),
        },
        ...launchThroughTaggedTemplates(scope),
    ];
}
