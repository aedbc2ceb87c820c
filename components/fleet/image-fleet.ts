import * as pulumi from "@pulumi/pulumi";
import type { Fleet } from "../../config/ami-pipeline";
import { linkedRole } from "../../iam/service-linked-role";
import { autoScalingVolumeUses } from "../../iam/key-use";
import { type AccountScope } from "../../naming/resources";
import { movedFrom } from "../../pulumi/resource-options";
import { type AmiPipeline, resolveParentImage } from "../imagebuilder/ami-pipeline";
import { CustomerKey } from "../kms/customer-key";
import { ImageDistributionRole } from "./distribution-role";
import { FleetRefresh } from "./fleet-refresh";
import { SampleEcsCluster } from "./sample-ecs-cluster";

export interface ImageFleetArgs {
    scope: AccountScope;
    organizationId: string;
    /** The fleet account: its Auto Scaling service-linked role is created here unless declared present. */
    account: { id: string; existingServiceLinkedRoles: string[] };
    fleet: Fleet;
    /** The build account's pipeline: its AMI keys name this account's Auto Scaling role, its Image Builder role is trusted. */
    pipeline: AmiPipeline;
    buildAccountId: string;
    amiKeyAlias: string;
    /** SSM parameter the pipeline writes the new image id to, in this account. */
    imageParameterName: string;
    /** The ECS-optimised parent image parameter of the pipeline's architecture (for the sample cluster). */
    sampleImageParameter: string;
}

/**
 * A fleet account's side of the hardened images: Auto Scaling's service-linked role (created here or declared
 * present) first, since this account's fleet key and the build account's AMI keys name it and the build account's
 * Image Builder role is trusted by the distribution role only once it exists; the fleet key, the distribution
 * role, an optional sample cluster and the fleet refresh.
 *
 * Its children were the account component's own children before this component existed: each keeps its old URN
 * with an alias to that parent (their own children follow through the engine's inherited aliases).
 */
export class ImageFleet extends pulumi.ComponentResource {
    readonly key: CustomerKey;
    readonly refresh: FleetRefresh;

    constructor(name: string, args: ImageFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:fleet:ImageFleet", name, {}, opts);
        const { scope, fleet, pipeline } = args;
        const child = (suffix: string) => `${name}-${suffix}`;
        const moved = (childName: string) => ({ parent: this, aliases: movedFrom(opts?.parent, childName) });

        const autoScaling = linkedRole(child("autoscaling-slr"), args.account, "autoscaling.amazonaws.com", moved(child("autoscaling-slr")));
        const autoScalingRoles = autoScaling.resource ? [autoScaling.resource] : [];
        for (const use of autoScalingVolumeUses([autoScaling.arn], autoScalingRoles)) {
            // Instances launched from the copied image decrypt its snapshots with the build account's key.
            pipeline.keys[scope.region]?.allow(use);
        }
        this.key = new CustomerKey(
            child("key"),
            {
                scope,
                purpose: "fleet",
                description: `lakewarden ${scope.environment} fleet refresh and container instance volumes`,
                viaServices: ["ec2", "lambda", "logs", "sns", "sqs", "states"],
                uses: autoScalingVolumeUses([autoScaling.arn], autoScalingRoles),
            },
            moved(child("key")),
        );
        new ImageDistributionRole(
            child("distribution"),
            {
                accountId: scope.accountId,
                buildAccountId: args.buildAccountId,
                organizationId: args.organizationId,
                amiKeyAlias: args.amiKeyAlias,
                targets: [{ region: scope.region, parameterNames: [args.imageParameterName] }],
                imageBuilderRole: pipeline.imageBuilderRole,
            },
            moved(child("distribution")),
        );
        const sample =
            fleet.sampleCluster &&
            new SampleEcsCluster(
                child("sample"),
                {
                    scope,
                    ebsKey: this.key,
                    imageId: resolveParentImage(args.sampleImageParameter, { parent: this }),
                    clusterTags: fleet.clusterTags,
                    ...fleet.sampleCluster,
                },
                { ...moved(child("sample")), dependsOn: autoScalingRoles },
            );
        this.refresh = new FleetRefresh(
            child("refresh"),
            {
                scope,
                organizationId: args.organizationId,
                key: this.key,
                buildAccountId: args.buildAccountId,
                imageParameterName: args.imageParameterName,
                // Without a sample cluster the fleet's own instance role is named by convention; add it to the model if it differs.
                instanceRoleArn: sample ? sample.instanceRoleArn : `arn:aws:iam::${scope.accountId}:role/lakewarden-${scope.environment}-ecs-instance`,
                clusterTags: fleet.clusterTags,
                waves: { size: fleet.waveSize, firstWaveSize: fleet.firstWaveSize, maxConcurrency: fleet.maxConcurrency, bakeSeconds: fleet.bakeSeconds },
                maxGroupsPerRun: fleet.maxGroupsPerRun,
                refresh: {
                    minHealthyPercentage: fleet.minHealthyPercentage,
                    instanceWarmupSeconds: fleet.instanceWarmupSeconds,
                    alarmNames: fleet.alarmNames,
                    skipMatching: true,
                },
            },
            moved(child("refresh")),
        );
        this.registerOutputs({ keyArn: this.key.arn });
    }
}
