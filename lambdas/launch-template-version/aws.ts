import { AutoScalingClient, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import {
    CreateLaunchTemplateVersionCommand,
    DescribeLaunchTemplatesCommand,
    DescribeLaunchTemplateVersionsCommand,
    EC2Client,
    paginateDescribeLaunchTemplateVersions,
} from "@aws-sdk/client-ec2";
import { RETRY } from "../fleet-discovery/aws";
import { launchSettingsAt } from "../fleet-discovery/launch-template-spec";
import type { LaunchTemplatePort } from "./apply";
import type { ExistingVersion, TemplateFacts } from "./plan";

/** The only module of this step that talks to AWS. Writes: CreateLaunchTemplateVersion, UpdateAutoScalingGroup. */

export interface TemplateClients {
    ec2: EC2Client;
    autoScaling: AutoScalingClient;
}

export function createTemplateClients(): TemplateClients {
    return { ec2: new EC2Client(RETRY), autoScaling: new AutoScalingClient(RETRY) };
}

// One id per call: a single unknown id would otherwise fail the whole batch.
async function describeTemplate(ec2: EC2Client, id: string): Promise<TemplateFacts | undefined> {
    try {
        const { LaunchTemplates: found = [] } = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] }));
        const template = found.find(candidate => candidate.LaunchTemplateId === id);
        if (template?.LatestVersionNumber === undefined || template.DefaultVersionNumber === undefined) return undefined;
        return { launchTemplateId: id, latestVersion: template.LatestVersionNumber, defaultVersion: template.DefaultVersionNumber, tags: template.Tags ?? [] };
    } catch (error) {
        if (error instanceof Error && error.name.startsWith("InvalidLaunchTemplateId.")) return undefined;
        throw error;
    }
}

export function launchTemplatePort(clients: TemplateClients): LaunchTemplatePort {
    return {
        async describeTemplates(ids) {
            const found = await Promise.all(ids.map(id => describeTemplate(clients.ec2, id)));
            return found.filter((facts): facts is TemplateFacts => facts !== undefined);
        },
        async versionsWithImage(launchTemplateId, imageId) {
            const versions: ExistingVersion[] = [];
            const pages = paginateDescribeLaunchTemplateVersions(
                { client: clients.ec2 },
                { LaunchTemplateId: launchTemplateId, Filters: [{ Name: "image-id", Values: [imageId] }] },
            );
            for await (const page of pages) {
                for (const version of page.LaunchTemplateVersions ?? []) {
                    if (version.VersionNumber === undefined) continue;
                    versions.push({
                        versionNumber: version.VersionNumber,
                        imageId: version.LaunchTemplateData?.ImageId,
                        description: version.VersionDescription,
                    });
                }
            }
            return versions;
        },
        async storedImageId(launchTemplateId, version) {
            const { LaunchTemplateVersions: found = [] } = await clients.ec2.send(
                new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId, Versions: [String(version)] }),
            );
            return found.find(candidate => candidate.VersionNumber === version)?.LaunchTemplateData?.ImageId;
        },
        async createVersion(input) {
            const { LaunchTemplateVersion: created } = await clients.ec2.send(
                new CreateLaunchTemplateVersionCommand({
                    LaunchTemplateId: input.launchTemplateId,
                    SourceVersion: String(input.sourceVersion),
                    VersionDescription: input.description,
                    ClientToken: input.clientToken,
                    LaunchTemplateData: { ImageId: input.imageId },
                }),
            );
            if (created?.VersionNumber === undefined) throw new Error(`CreateLaunchTemplateVersion on ${input.launchTemplateId} returned no version number`);
            return created.VersionNumber;
        },
        async pinGroup(group, version) {
            await clients.autoScaling.send(
                new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group.autoScalingGroupName, ...launchSettingsAt(group, String(version)) }),
            );
        },
    };
}
