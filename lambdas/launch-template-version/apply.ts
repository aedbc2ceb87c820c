import type { RefreshGroup } from "../../contracts/fleet-refresh";
import type { ImageReader } from "../fleet-discovery/discover";
import type { FleetEnvironment } from "../fleet-discovery/environment";
import { assertImageAllowed } from "../fleet-discovery/image";
import type { PreparationRequest, PreparationResult, TemplateVersionRecord } from "./contract";
import { ImageAliasNotRollbackableError } from "./errors";
import { clientToken, type ExistingVersion, planPreparation, type SourceVersion, reusableVersion, type TemplateFacts, versionDescription } from "./plan";

const SSM_IMAGE_ALIAS = "resolve:ssm:";

/**
 * Instance refresh rolls back to the group's configuration before the refresh, and cannot when that
 * launch template version names its AMI as resolve:ssm:<parameter> (RollbackInstanceRefresh, API
 * Reference: "A rollback is not supported ... a launch template that uses an AWS Systems Manager
 * parameter instead of an AMI ID"). Auto rollback is what makes a bad image safe to roll out, so
 * such a source is refused before anything is written, naming the template and version to fix.
 */
async function refuseImageAliases(port: LaunchTemplatePort, sources: readonly SourceVersion[]): Promise<void> {
    for (const source of sources) {
        const stored = await port.storedImageId(source.launchTemplateId, source.sourceVersion);
        if (stored?.startsWith(SSM_IMAGE_ALIAS)) {
            throw new ImageAliasNotRollbackableError(
                `launch template ${source.launchTemplateId} version ${source.sourceVersion} (groups ${source.autoScalingGroups.join(", ")}) ` +
                    `takes its AMI from ${stored}: instance refresh could not roll back to it. Create a version with the AMI id it resolves to today, ` +
                    `point the groups at it, and run again`,
            );
        }
    }
}

/** Pins alias groups, then makes sure one version with the new image exists per (template, source version). */

interface CreateVersionInput {
    launchTemplateId: string;
    sourceVersion: number;
    imageId: string;
    description: string;
    clientToken: string;
}

export interface LaunchTemplatePort {
    describeTemplates(ids: readonly string[]): Promise<TemplateFacts[]>;
    versionsWithImage(launchTemplateId: string, imageId: string): Promise<ExistingVersion[]>;
    /** The ImageId of one numbered version as stored (an AMI id, or an alias such as resolve:ssm:...). */
    storedImageId(launchTemplateId: string, version: number): Promise<string | undefined>;
    createVersion(input: CreateVersionInput): Promise<number>;
    pinGroup(group: RefreshGroup, version: number): Promise<void>;
}

export async function prepareLaunchTemplates(
    port: LaunchTemplatePort,
    images: Pick<ImageReader, "describeImage">,
    request: PreparationRequest,
    env: Pick<FleetEnvironment, "refreshTag" | "allowedImageOwners">,
): Promise<PreparationResult> {
    const { imageId } = request;
    // Checked again here: this step writes, and must not trust that discovery ran first.
    assertImageAllowed(imageId, await images.describeImage(imageId), env.allowedImageOwners);
    const groups = request.waves.flatMap(wave => wave.groups);
    const ids = [...new Set(groups.map(group => group.launchTemplate.launchTemplateId))];
    const templates = new Map((await port.describeTemplates(ids)).map(facts => [facts.launchTemplateId, facts]));
    const plan = planPreparation(groups, templates, env.refreshTag);
    await refuseImageAliases(port, plan.sources);

    // Before any new version exists: a group left on "$Latest" would launch the new image on its next
    // scale-out, outside the refresh, and instance refresh cannot roll back a group on an alias.
    for (const pin of plan.pins) await port.pinGroup(pin.group, pin.version);

    const records: TemplateVersionRecord[] = [];
    const targetOf = new Map<string, number>();
    for (const source of plan.sources) {
        const found = reusableVersion(source.sourceVersion, imageId, await port.versionsWithImage(source.launchTemplateId, imageId));
        const version =
            found?.version ??
            (await port.createVersion({
                launchTemplateId: source.launchTemplateId,
                sourceVersion: source.sourceVersion,
                imageId,
                description: versionDescription(imageId, source.sourceVersion),
                clientToken: clientToken(source.launchTemplateId, source.sourceVersion, imageId),
            }));
        targetOf.set(`${source.launchTemplateId}#${source.sourceVersion}`, version);
        records.push({
            launchTemplateId: source.launchTemplateId,
            sourceVersion: source.sourceVersion,
            version,
            action: found?.action ?? "created",
            autoScalingGroups: source.autoScalingGroups,
        });
    }

    const pinned = new Set(plan.pins.map(pin => pin.group.autoScalingGroupName));
    return {
        imageId,
        templates: records,
        waves: request.waves.map(wave => ({
            index: wave.index,
            groups: wave.groups.map(group => {
                const source = plan.resolved.get(group.autoScalingGroupName) as number;
                return {
                    ...group,
                    sourceVersion: String(source),
                    targetVersion: String(targetOf.get(`${group.launchTemplate.launchTemplateId}#${source}`)),
                    ...(pinned.has(group.autoScalingGroupName) ? { pinnedFrom: group.launchTemplate.version } : {}),
                };
            }),
        })),
    };
}
