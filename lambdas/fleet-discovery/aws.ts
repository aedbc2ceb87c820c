import { type AutoScalingGroup, AutoScalingClient, paginateDescribeAutoScalingGroups } from "@aws-sdk/client-auto-scaling";
import { DescribeImagesCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
    type CapacityProvider,
    type Cluster,
    DescribeCapacityProvidersCommand,
    DescribeClustersCommand,
    ECSClient,
    paginateListClusters,
} from "@aws-sdk/client-ecs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { currentParameter } from "../shared/parameters";
import { chunked } from "../ou-reconciler/lists";
import type { FleetReader, ImageReader } from "./discover";
import type { ImageFacts } from "./image";

/** The only discovery module that talks to AWS: paginated, batched reads; nothing here writes. */

// Adaptive retry rate-limits the client itself when ECS or Auto Scaling throttle a large account.
export const RETRY = { retryMode: "adaptive", maxAttempts: 8 } as const;
// API limits: DescribeClusters and DescribeCapacityProviders take 100 names, DescribeCapacityProviders
// returns 10 a page, ListClusters and DescribeAutoScalingGroups return 100 a page.
const CLUSTERS_PER_DESCRIBE = 100;
const PROVIDERS_PER_DESCRIBE = 100;
const PROVIDERS_PAGE_SIZE = 10;
const PAGE_SIZE = 100;
const GROUPS_PER_DESCRIBE = 50;

export interface FleetClients {
    ecs: ECSClient;
    autoScaling: AutoScalingClient;
    ec2: EC2Client;
    ssm: SSMClient;
}

export function createFleetClients(): FleetClients {
    return {
        ecs: new ECSClient(RETRY),
        autoScaling: new AutoScalingClient(RETRY),
        ec2: new EC2Client(RETRY),
        ssm: new SSMClient(RETRY),
    };
}

export function fleetReader(clients: Pick<FleetClients, "ecs" | "autoScaling">): FleetReader {
    return {
        async listClusterArns() {
            const arns: string[] = [];
            for await (const page of paginateListClusters({ client: clients.ecs, pageSize: PAGE_SIZE }, {})) arns.push(...(page.clusterArns ?? []));
            return arns;
        },
        async describeClusters(arns) {
            const clusters: Cluster[] = [];
            for (const batch of chunked(arns, CLUSTERS_PER_DESCRIBE)) {
                const page = await clients.ecs.send(new DescribeClustersCommand({ clusters: batch, include: ["TAGS"] }));
                clusters.push(...(page.clusters ?? []));
            }
            return clusters;
        },
        async describeCapacityProviders(names) {
            const providers: CapacityProvider[] = [];
            for (const batch of chunked(names, PROVIDERS_PER_DESCRIBE)) {
                let nextToken: string | undefined;
                do {
                    const page = await clients.ecs.send(
                        new DescribeCapacityProvidersCommand({ capacityProviders: batch, maxResults: PROVIDERS_PAGE_SIZE, nextToken }),
                    );
                    providers.push(...(page.capacityProviders ?? []));
                    nextToken = page.nextToken;
                } while (nextToken !== undefined);
            }
            return providers;
        },
        async describeAutoScalingGroups(names) {
            const groups: AutoScalingGroup[] = [];
            for (const batch of chunked(names, GROUPS_PER_DESCRIBE)) {
                const pages = paginateDescribeAutoScalingGroups({ client: clients.autoScaling, pageSize: PAGE_SIZE }, { AutoScalingGroupNames: batch });
                for await (const page of pages) groups.push(...(page.AutoScalingGroups ?? []));
            }
            return groups;
        },
    };
}

const MISSING_IMAGE_ERRORS: ReadonlySet<string> = new Set(["InvalidAMIID.NotFound", "InvalidAMIID.Unavailable", "InvalidAMIID.Malformed"]);

export async function describeImage(ec2: EC2Client, imageId: string): Promise<ImageFacts | undefined> {
    try {
        const { Images: images = [] } = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
        const image = images.find(candidate => candidate.ImageId === imageId);
        return image === undefined ? undefined : { imageId, ownerId: image.OwnerId, state: image.State };
    } catch (error) {
        if (error instanceof Error && MISSING_IMAGE_ERRORS.has(error.name)) return undefined;
        throw error;
    }
}

export function imageReader(clients: Pick<FleetClients, "ec2" | "ssm">): ImageReader {
    return {
        describeImage: imageId => describeImage(clients.ec2, imageId),
        async readImageParameter(name) {
            return currentParameter(clients.ssm, name);
        },
    };
}
