import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyRef, policyDocument, roleArnOf, serviceTrust, type Statement } from "../../iam/documents";
import { type AccountScope, resourceName } from "../../naming/resources";
import { FLEET_REFRESH_TAG } from "./fleet-refresh";

export interface SampleEcsClusterArgs {
    scope: AccountScope;
    /**
     * Encrypts the instances' volumes. Its policy must let this account's Auto Scaling service-linked
     * role (AWSServiceRoleForAutoScaling) use it and create grants for AWS resources, or launches fail.
     */
    ebsKey: KeyRef;
    /** Initial image: the ECS-optimised AMI until the first hardened image is rolled out by the workflow. */
    imageId: pulumi.Input<string>;
    /** The tags fleet discovery selects clusters by (lakewarden:fleets[].clusterTags). */
    clusterTags: Record<string, string>;
    instanceType: string;
    minSize: number;
    maxSize: number;
    /** Private subnets; the instances never get a public address. */
    subnetIds: string[];
    securityGroupIds: string[];
    rootVolumeGiB?: number;
    dockerVolumeGiB?: number;
}

/** Where the hardened image mounts /var/lib/docker (CIS Docker 1.1.1); declared so it is encrypted with this account's key. */
const DOCKER_DEVICE = "/dev/xvdb";
/** ECS adds this tag to groups behind a managed-termination-protection capacity provider; declaring it avoids a perpetual diff. */
const ECS_MANAGED_TAG = "AmazonECSManaged";

/**
 * What the ECS container agent calls, listed instead of AmazonEC2ContainerServiceforEC2Role: register
 * and report state on this cluster, poll as one of its container instances. Image pulls and task logs
 * go through each task's execution role, so the instance role has no ECR or CloudWatch Logs access.
 */
function containerAgentStatements(scope: AccountScope, clusterName: string): Statement[] {
    const { region, accountId } = scope;
    return [
        {
            Sid: "JoinAndReportToCluster",
            Effect: "Allow",
            Action: [
                "ecs:DeregisterContainerInstance",
                "ecs:RegisterContainerInstance",
                "ecs:SubmitAttachmentStateChanges",
                "ecs:SubmitContainerStateChange",
                "ecs:SubmitTaskStateChange",
            ],
            Resource: [`arn:aws:ecs:${region}:${accountId}:cluster/${clusterName}`],
        },
        {
            Sid: "PollAsContainerInstance",
            Effect: "Allow",
            Action: ["ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState"],
            Resource: [`arn:aws:ecs:${region}:${accountId}:container-instance/${clusterName}/*`],
        },
        // DiscoverPollEndpoint has no resource-level permissions.
        { Sid: "DiscoverPollEndpoint", Effect: "Allow", Action: ["ecs:DiscoverPollEndpoint"], Resource: ["*"] },
    ];
}

/** Agent settings: join the cluster, keep awsvpc tasks away from IMDS, give tasks their own roles. */
function containerAgentUserData(clusterName: string): string {
    const script = [
        "#!/bin/bash",
        "cat <<'EOF' >> /etc/ecs/ecs.config",
        `ECS_CLUSTER=${clusterName}`,
        "ECS_AWSVPC_BLOCK_IMDS=true",
        "ECS_ENABLE_TASK_IAM_ROLE=true",
        "EOF",
        "",
    ].join("\n");
    return Buffer.from(script, "utf8").toString("base64");
}

/**
 * A small ECS-on-EC2 cluster that fleet refresh can roll images onto (dev): a hardened launch
 * template, an instance role without managed policies, an Auto Scaling group whose launch template
 * version belongs to the refresh workflow, and a capacity provider with managed scaling, termination
 * protection and draining.
 */
export class SampleEcsCluster extends pulumi.ComponentResource {
    readonly clusterName: string;
    readonly instanceRoleArn: string;
    readonly cluster: aws.ecs.Cluster;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly group: aws.autoscaling.Group;
    readonly capacityProvider: aws.ecs.CapacityProvider;

    constructor(name: string, args: SampleEcsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:fleet:SampleEcsCluster", name, {}, opts);
        if (args.minSize > args.maxSize) {
            throw new Error(`SampleEcsCluster ${name}: minSize ${args.minSize} exceeds maxSize ${args.maxSize}`);
        }
        const { accountId, environment } = args.scope;
        const parent = { parent: this };
        this.clusterName = resourceName(environment, "sample-ecs");
        const refreshTag = { [FLEET_REFRESH_TAG.key]: FLEET_REFRESH_TAG.value };
        const tags = { ...args.clusterTags, ...refreshTag };

        const roleName = resourceName(environment, "sample-ecs-instance");
        this.instanceRoleArn = roleArnOf(accountId, roleName);
        const role = new aws.iam.Role(
            `${name}-instance`,
            { name: roleName, description: `ECS container instances of ${this.clusterName}`, assumeRolePolicy: serviceTrust("ec2.amazonaws.com", accountId) },
            parent,
        );
        new aws.iam.RolePolicy(`${name}-instance`, { role: role.name, policy: policyDocument(containerAgentStatements(args.scope, this.clusterName)) }, parent);
        const profile = new aws.iam.InstanceProfile(`${name}-instance`, { name: roleName, role: role.name }, parent);

        const volume = (deviceName: string, volumeSize: number) => ({
            deviceName,
            ebs: { encrypted: "true", kmsKeyId: args.ebsKey.arn, volumeSize, volumeType: "gp3", deleteOnTermination: "true" },
        });
        this.launchTemplate = new aws.ec2.LaunchTemplate(
            name,
            {
                name: this.clusterName,
                description: `Container instances of ${this.clusterName}; fleet refresh adds a version per new image`,
                imageId: args.imageId,
                instanceType: args.instanceType,
                iamInstanceProfile: { name: profile.name },
                userData: containerAgentUserData(this.clusterName),
                // Hop limit 1: the agent runs with host networking and reaches IMDS in one hop; bridge-mode
                // containers are one hop further, so their token responses never arrive and they use task roles.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
                networkInterfaces: [{ associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: args.securityGroupIds }],
                blockDeviceMappings: [volume("/dev/xvda", args.rootVolumeGiB ?? 30), volume(DOCKER_DEVICE, args.dockerVolumeGiB ?? 30)],
                monitoring: { enabled: true },
                tagSpecifications: ["instance", "volume"].map(resourceType => ({ resourceType, tags: { Name: this.clusterName, ...args.clusterTags } })),
                // The workflow's versions must not become the default behind Pulumi's back, nor Pulumi's behind the workflow's.
                updateDefaultVersion: false,
                tags,
            },
            parent,
        );
        const groupName = resourceName(environment, "sample-ecs");
        this.group = new aws.autoscaling.Group(
            name,
            {
                name: groupName,
                minSize: args.minSize,
                maxSize: args.maxSize,
                vpcZoneIdentifiers: args.subnetIds,
                launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.apply(v => `${v}`) },
                // Managed termination protection: ECS lifts scale-in protection only from instances it has drained.
                protectFromScaleIn: true,
                healthCheckType: "EC2",
                tags: [
                    { key: FLEET_REFRESH_TAG.key, value: FLEET_REFRESH_TAG.value, propagateAtLaunch: true },
                    { key: ECS_MANAGED_TAG, value: "true", propagateAtLaunch: true },
                    ...Object.entries(args.clusterTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
                ],
            },
            // The refresh workflow pins the group to the version it created; Pulumi must not move it back.
            { parent: this, ignoreChanges: ["launchTemplate.version"] },
        );
        this.capacityProvider = new aws.ecs.CapacityProvider(
            name,
            {
                name: resourceName(environment, "sample-ecs-ec2"),
                autoScalingGroupProvider: {
                    autoScalingGroupArn: this.group.arn,
                    managedScaling: { status: "ENABLED", targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 2, instanceWarmupPeriod: 180 },
                    managedTerminationProtection: "ENABLED",
                    managedDraining: "ENABLED",
                },
                tags,
            },
            parent,
        );
        this.cluster = new aws.ecs.Cluster(name, { name: this.clusterName, settings: [{ name: "containerInsights", value: "enabled" }], tags }, parent);
        new aws.ecs.ClusterCapacityProviders(
            name,
            {
                clusterName: this.cluster.name,
                capacityProviders: [this.capacityProvider.name],
                defaultCapacityProviderStrategies: [{ capacityProvider: this.capacityProvider.name, weight: 1, base: 0 }],
            },
            parent,
        );
        this.registerOutputs({ clusterName: this.clusterName, instanceRoleArn: this.instanceRoleArn });
    }
}
