import type { AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import type { CapacityProvider, Cluster } from "@aws-sdk/client-ecs";
import { autoScalingGroupNameOf, isFargateProvider } from "./capacity-providers";
import type { DiscoveryRequest, DiscoveryResult, RefreshGroup, Skipped } from "../../contracts/fleet-refresh";
import type { FleetEnvironment } from "./environment";
import { decideGroup } from "./groups";
import { assertImageAllowed, checkImageId, type ImageFacts, imageSourceOf } from "./image";
import { FleetTooLargeError, InvalidRequestError } from "./errors";
import { matchesAllTags } from "./tags";
import { planWaves } from "./waves";

/** Discovery as a sequence of reads through small ports, so tests can drive it with fakes or mocked clients. */

export interface FleetReader {
    listClusterArns(): Promise<string[]>;
    describeClusters(arns: readonly string[]): Promise<Cluster[]>;
    describeCapacityProviders(names: readonly string[]): Promise<CapacityProvider[]>;
    describeAutoScalingGroups(names: readonly string[]): Promise<AutoScalingGroup[]>;
}

export interface ImageReader {
    describeImage(imageId: string): Promise<ImageFacts | undefined>;
    readImageParameter(name: string): Promise<string>;
}

async function resolveImage(source: unknown, images: ImageReader, env: FleetEnvironment): Promise<string> {
    const wanted = imageSourceOf(source);
    let imageId: string;
    if (wanted.kind === "explicit") {
        imageId = wanted.imageId;
    } else {
        if (env.imageParameterName === undefined) {
            throw new InvalidRequestError("the event names no AMI and IMAGE_PARAMETER_NAME is not set; start the run with an imageId");
        }
        imageId = checkImageId(await images.readImageParameter(env.imageParameterName), `parameter ${env.imageParameterName}`);
    }
    assertImageAllowed(imageId, await images.describeImage(imageId), env.allowedImageOwners);
    return imageId;
}

function unique(values: Iterable<string>): string[] {
    return [...new Set(values)];
}

async function discoverFleet(fleet: FleetReader, request: DiscoveryRequest, env: FleetEnvironment): Promise<Omit<DiscoveryResult, "imageId">> {
    const skipped: Skipped[] = [];
    const clusters = (await fleet.describeClusters(await fleet.listClusterArns())).filter(cluster =>
        matchesAllTags(cluster.tags, request.selection.requiredClusterTags),
    );
    const selected: { clusterName: string; providerNames: string[] }[] = [];
    for (const cluster of clusters) {
        const clusterName = cluster.clusterName ?? "";
        if (cluster.status !== "ACTIVE") {
            skipped.push({ kind: "cluster", name: clusterName, clusterName, reason: "cluster-inactive" });
            continue;
        }
        const providerNames: string[] = [];
        for (const name of cluster.capacityProviders ?? []) {
            if (isFargateProvider(name)) skipped.push({ kind: "capacity-provider", name, clusterName, reason: "fargate-provider" });
            else providerNames.push(name);
        }
        selected.push({ clusterName, providerNames });
    }

    const providers = new Map((await fleet.describeCapacityProviders(unique(selected.flatMap(c => c.providerNames)))).map(p => [p.name ?? "", p]));
    const asgNameOfProvider = (provider: CapacityProvider | undefined): string | undefined => {
        const arn = provider?.autoScalingGroupProvider?.autoScalingGroupArn;
        return arn === undefined ? undefined : autoScalingGroupNameOf(arn);
    };
    const asgNames = unique([...providers.values()].map(asgNameOfProvider).filter((name): name is string => name !== undefined));
    const groupsByName = new Map((await fleet.describeAutoScalingGroups(asgNames)).map(g => [g.AutoScalingGroupName ?? "", g]));

    const groups: RefreshGroup[] = [];
    const claimed = new Set<string>();
    for (const { clusterName, providerNames } of selected) {
        for (const providerName of providerNames) {
            const provider = providers.get(providerName);
            if (provider === undefined) {
                skipped.push({ kind: "capacity-provider", name: providerName, clusterName, reason: "capacity-provider-not-found" });
                continue;
            }
            const asgName = asgNameOfProvider(provider);
            const decision = decideGroup(clusterName, provider, asgName === undefined ? undefined : groupsByName.get(asgName), {
                refreshTag: env.refreshTag,
                requireManagedDraining: request.selection.requireManagedDraining,
            });
            if ("skip" in decision) {
                const name = decision.kind === "capacity-provider" ? providerName : (asgName ?? providerName);
                skipped.push({ kind: decision.kind, name, clusterName, reason: decision.skip });
            } else if (claimed.has(decision.group.autoScalingGroupName)) {
                skipped.push({ kind: "auto-scaling-group", name: decision.group.autoScalingGroupName, clusterName, reason: "duplicate-auto-scaling-group" });
            } else {
                claimed.add(decision.group.autoScalingGroupName);
                groups.push(decision.group);
            }
        }
    }
    if (groups.length > request.maxGroups) {
        throw new FleetTooLargeError(
            `${groups.length} Auto Scaling groups in ${selected.length} clusters match the fleet; one run refreshes at most ${request.maxGroups} ` +
                `(maxGroupsPerRun): split the fleet with narrower clusterTags. Nothing was refreshed.`,
        );
    }
    return {
        clusterCount: selected.length,
        groupCount: groups.length,
        waves: planWaves(groups, request.waves),
        skipped,
    };
}

export async function runDiscovery(
    ports: { fleet: FleetReader; images: ImageReader },
    request: DiscoveryRequest,
    env: FleetEnvironment,
): Promise<DiscoveryResult> {
    const imageId = await resolveImage(request.source, ports.images, env);
    return { imageId, ...(await discoverFleet(ports.fleet, request, env)) };
}
