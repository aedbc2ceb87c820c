import { fleetArn, type FleetScope, type RolePolicyStatement, taggedOnly } from "../fleet-discovery/role-policy";

/**
 * The launch-template Lambda's role. Creating a version and pinning a group are allowed on tagged
 * templates and groups only. Pinning (like starting a refresh) makes Auto Scaling check that the caller
 * could launch from the template: RunInstances is granted only through tagged launch templates, never on "*".
 */

export interface LaunchScope extends FleetScope {
    /** The ECS container-instance role the templates' instance profile holds; the only role that may be passed. */
    instanceRoleArn: string;
    /** Owners of AMIs the templates may reference: the image build account, this account, and "amazon" while groups still run the ECS-optimised AMI. */
    imageOwners: string[];
}

export function launchThroughTaggedTemplates(scope: LaunchScope): RolePolicyStatement[] {
    const viaTemplate = { ArnLike: { "ec2:LaunchTemplate": fleetArn(scope, "ec2", "launch-template/*") } };
    const launched = ["instance/*", "volume/*", "network-interface/*"].map(resource => fleetArn(scope, "ec2", resource));
    return [
        {
            Sid: "LaunchFromTaggedTemplates",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: [fleetArn(scope, "ec2", "launch-template/*")],
            Condition: taggedOnly(scope),
        },
        {
            Sid: "LaunchResourcesThroughTemplates",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: [...launched, ...["security-group/*", "subnet/*", "key-pair/*"].map(resource => fleetArn(scope, "ec2", resource))],
            Condition: viaTemplate,
        },
        {
            Sid: "LaunchTrustedImagesThroughTemplates",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: [`arn:${scope.partition}:ec2:${scope.region}::image/*`],
            Condition: { ...viaTemplate, StringEquals: { "ec2:Owner": [...scope.imageOwners] } },
        },
        {
            Sid: "TagAtLaunch",
            Effect: "Allow",
            Action: ["ec2:CreateTags"],
            Resource: launched,
            Condition: { StringEquals: { "ec2:CreateAction": "RunInstances" } },
        },
        {
            Sid: "PassInstanceRoleToEc2",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: [scope.instanceRoleArn],
            Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        },
    ];
}

export function launchTemplateVersionStatements(scope: LaunchScope): RolePolicyStatement[] {
    return [
        // EC2 Describe calls support no resource-level permissions.
        {
            Sid: "ReadTemplatesAndImages",
            Effect: "Allow",
            Action: ["ec2:DescribeImages", "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"],
            Resource: ["*"],
        },
        {
            Sid: "VersionTaggedTemplates",
            Effect: "Allow",
            Action: ["ec2:CreateLaunchTemplateVersion"],
            Resource: [fleetArn(scope, "ec2", "launch-template/*")],
            Condition: taggedOnly(scope),
        },
        {
            Sid: "PinTaggedGroups",
            Effect: "Allow",
            Action: ["autoscaling:UpdateAutoScalingGroup"],
            Resource: [fleetArn(scope, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")],
            Condition: taggedOnly(scope),
        },
        ...launchThroughTaggedTemplates(scope),
    ];
}
