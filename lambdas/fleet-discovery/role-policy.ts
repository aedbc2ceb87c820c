import type { TagFilter } from "../../contracts/fleet-refresh";

/**
 * The discovery Lambda's role, derived from the calls aws.ts makes (tests check the two agree).
 * Read-only: what ECS and IAM allow to scope is scoped; the Describe calls that support no
 * resource-level permissions are the only statements on "*".
 */

export interface RolePolicyStatement {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface FleetScope {
    partition: string;
    region: string;
    accountId: string;
    /** The tag every refreshed group and launch template carries (REFRESH_TAG_KEY / REFRESH_TAG_VALUE). */
    refreshTag: TagFilter;
}

export function fleetArn(scope: FleetScope, service: string, resource: string): string {
    return `arn:${scope.partition}:${service}:${scope.region}:${scope.accountId}:${resource}`;
}

/** Condition on the refresh tag, for the actions that change a group or a launch template. */
export function taggedOnly(scope: FleetScope): RolePolicyStatement["Condition"] {
    return { StringEquals: { [`aws:ResourceTag/${scope.refreshTag.key}`]: scope.refreshTag.value } };
}

export function fleetDiscoveryStatements(scope: FleetScope, imageParameterName: string | undefined): RolePolicyStatement[] {
    const statements: RolePolicyStatement[] = [
        // ListClusters has no resource-level permissions.
        { Sid: "ListClusters", Effect: "Allow", Action: ["ecs:ListClusters"], Resource: ["*"] },
        { Sid: "DescribeClusters", Effect: "Allow", Action: ["ecs:DescribeClusters"], Resource: [fleetArn(scope, "ecs", "cluster/*")] },
        {
            Sid: "DescribeCapacityProviders",
            Effect: "Allow",
            Action: ["ecs:DescribeCapacityProviders"],
            Resource: [fleetArn(scope, "ecs", "capacity-provider/*")],
        },
        // Neither call supports resource-level permissions.
        { Sid: "DescribeGroupsAndImages", Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingGroups", "ec2:DescribeImages"], Resource: ["*"] },
    ];
    if (imageParameterName !== undefined) {
        const path = imageParameterName.startsWith("/") ? imageParameterName : `/${imageParameterName}`;
        statements.push({ Sid: "ReadImageParameter", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [fleetArn(scope, "ssm", `parameter${path}`)] });
    }
    return statements;
}
