/**
 * The hardened-image pipeline (build account) and the fleet refresh (fleet accounts), called from the
 * producer and consumer account stacks.
 */
import * as pulumi from "@pulumi/pulumi";
import { accountNamed, type Environment, regionOf } from "../config/environment";
import { ECS_OPTIMISED_AL2023, type Fleet } from "../config/ami-pipeline";
import { ImageDistributionRole } from "../components/fleet/distribution-role";
import { FleetRefresh } from "../components/fleet/fleet-refresh";
import { SampleEcsCluster } from "../components/fleet/sample-ecs-cluster";
import { AmiPipeline, resolveParentImage } from "../components/imagebuilder/ami-pipeline";
import { linkedRole } from "../iam/service-linked-role";
import { CustomerKey } from "../components/kms/customer-key";
import { autoScalingVolumeUses } from "../iam/key-use";
import { type AccountScope, kmsAlias } from "../naming/resources";
import type { SecureBucket } from "../components/storage/secure-bucket";
import { accountProvider } from "./providers";

const imageParameterName = (env: Environment) => `/lakewarden/${env.name}/ami/ecs-hardened`;

/** Build account (called from ProducerAccount when env.amiPipeline?.buildAccount === account.name). */
export function deployAmiPipeline(parent: pulumi.ComponentResource, env: Environment, scope: AccountScope, name: string, logs: SecureBucket): AmiPipeline {
    const p = requirePipeline(env);
    const build = accountNamed(env, p.buildAccount);
    return new AmiPipeline(
        name,
        {
            scope,
            accessLogBucket: logs.bucket.id,
            parentImage: resolveParentImage(p.parentImageParameter, { parent }),
            schedule: p.schedule,
            hardeningLevel: p.hardeningLevel,
            instanceType: p.instanceType,
            network: p.subnetId && p.securityGroupIds ? { subnetId: p.subnetId, securityGroupIds: p.securityGroupIds } : undefined,
            receivingAccountIds: p.receivingAccounts.map(a => accountNamed(env, a).id),
            regions: p.regions.map(region => ({ region, provider: region === scope.region ? undefined : accountProvider(env, build, region) })),
            dockerBench: p.dockerBench,
            fleetParameters: env.fleets.map(f => {
                const account = accountNamed(env, f.account);
                return { accountId: account.id, region: regionOf(env, account), parameterName: imageParameterName(env) };
            }),
            existingServiceLinkedRoles: build.existingServiceLinkedRoles,
        },
        { parent },
    );
}

/**
 * Fleet account (called from ConsumerAccount when env.fleets has this account). Auto Scaling's
 * service-linked role is created here (or declared present) first: this account's fleet key and the
 * build account's AMI keys name it, and the build account's Image Builder role is trusted by the
 * distribution role only once it exists.
 */
export function deployFleet(
    parent: pulumi.ComponentResource,
    env: Environment,
    scope: AccountScope,
    name: string,
    fleet: Fleet,
    pipeline: AmiPipeline,
): FleetRefresh {
    const buildAccountId = accountNamed(env, requirePipeline(env).buildAccount).id;
    const account = accountNamed(env, fleet.account);
    const autoScaling = linkedRole(`${name}-autoscaling-slr`, account, "autoscaling.amazonaws.com", { parent });
    const autoScalingRoles = autoScaling.resource ? [autoScaling.resource] : [];
    for (const use of autoScalingVolumeUses([autoScaling.arn], autoScalingRoles)) {
        // Instances launched from the copied image decrypt its snapshots with the build account's key.
        pipeline.keys[scope.region]?.allow(use);
    }
    const key = new CustomerKey(
        `${name}-key`,
        {
            scope,
            purpose: "fleet",
            description: `lakewarden ${env.name} fleet refresh and container instance volumes`,
            viaServices: ["ec2", "lambda", "logs", "sns", "sqs", "states"],
            uses: autoScalingVolumeUses([autoScaling.arn], autoScalingRoles),
        },
        { parent },
    );
    new ImageDistributionRole(
        `${name}-distribution`,
        {
            accountId: scope.accountId,
            buildAccountId,
            organizationId: env.organization.id,
            amiKeyAlias: kmsAlias(env.name, "ami"),
            targets: [{ region: scope.region, parameterNames: [imageParameterName(env)] }],
            imageBuilderRole: pipeline.imageBuilderRole,
        },
        { parent },
    );
    const sample =
        fleet.sampleCluster &&
        new SampleEcsCluster(
            `${name}-sample`,
            {
                scope,
                ebsKey: key,
                imageId: resolveParentImage(ECS_OPTIMISED_AL2023[requirePipeline(env).architecture], { parent }),
                clusterTags: fleet.clusterTags,
                ...fleet.sampleCluster,
            },
            { parent, dependsOn: autoScalingRoles },
        );
    return new FleetRefresh(
        `${name}-refresh`,
        {
            scope,
            organizationId: env.organization.id,
            key,
            buildAccountId,
            imageParameterName: imageParameterName(env),
            // Without a sample cluster the fleet's own instance role is named by convention; add it to the model if it differs.
            instanceRoleArn: sample ? sample.instanceRoleArn : `arn:aws:iam::${scope.accountId}:role/lakewarden-${env.name}-ecs-instance`,
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
        { parent },
    );
}

function requirePipeline(env: Environment): NonNullable<Environment["amiPipeline"]> {
    if (!env.amiPipeline) {
        throw new Error("lakewarden:fleets needs lakewarden:amiPipeline (validated at start; this is a program error)");
    }
    return env.amiPipeline;
}
