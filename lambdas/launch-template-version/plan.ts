import { createHash } from "node:crypto";
import type { RefreshGroup, TagFilter } from "../../contracts/fleet-refresh";
import { fromAwsTags, matchesAllTags } from "../fleet-discovery/tags";
import type { VersionAction } from "./contract";
import { LaunchTemplateNotFoundError, LaunchTemplateNotTaggedError, UnresolvableVersionError } from "./errors";

/**
 * Which launch template versions a run needs. Groups sharing a template and a source version share one
 * new version; a group on "$Latest"/"$Default" is resolved to the number it runs today.
 */

export interface TemplateFacts {
    launchTemplateId: string;
    latestVersion: number;
    defaultVersion: number;
    tags: { Key?: string; Value?: string }[];
}

export interface ExistingVersion {
    versionNumber: number;
    imageId: string | undefined;
    description: string | undefined;
}

const NUMBERED = /^[1-9][0-9]*$/;

export function resolveVersion(reference: string, facts: TemplateFacts): number {
    if (reference === "$Latest") return facts.latestVersion;
    if (reference === "$Default") return facts.defaultVersion;
    if (NUMBERED.test(reference)) return Number(reference);
    throw new UnresolvableVersionError(`launch template ${facts.launchTemplateId}: cannot resolve version ${JSON.stringify(reference)}`);
}

export interface SourceVersion {
    launchTemplateId: string;
    sourceVersion: number;
    autoScalingGroups: string[];
}

export interface PreparationPlan {
    /** Auto Scaling group name -> the version number it runs now. */
    resolved: Map<string, number>;
    /** One entry per (template, source version): each needs exactly one version with the new image. */
    sources: SourceVersion[];
    /** Groups on an alias, pinned to their resolved number before any new version exists. */
    pins: { group: RefreshGroup; version: number }[];
}

export function planPreparation(groups: readonly RefreshGroup[], templates: ReadonlyMap<string, TemplateFacts>, refreshTag: TagFilter): PreparationPlan {
    for (const id of new Set(groups.map(group => group.launchTemplate.launchTemplateId))) {
        const facts = templates.get(id);
        if (facts === undefined) throw new LaunchTemplateNotFoundError(`launch template ${id} does not exist`);
        if (!matchesAllTags(fromAwsTags(facts.tags), [refreshTag])) {
            throw new LaunchTemplateNotTaggedError(`launch template ${id} lacks the tag ${refreshTag.key}=${refreshTag.value}`);
        }
    }
    const resolved = new Map<string, number>();
    const sources = new Map<string, SourceVersion>();
    const pins: PreparationPlan["pins"] = [];
    for (const group of groups) {
        const id = group.launchTemplate.launchTemplateId;
        const facts = templates.get(id) as TemplateFacts;
        const version = resolveVersion(group.launchTemplate.version, facts);
        resolved.set(group.autoScalingGroupName, version);
        if (!NUMBERED.test(group.launchTemplate.version)) pins.push({ group, version });
        const key = `${id}#${version}`;
        const source = sources.get(key) ?? { launchTemplateId: id, sourceVersion: version, autoScalingGroups: [] };
        source.autoScalingGroups.push(group.autoScalingGroupName);
        sources.set(key, source);
    }
    return { resolved, sources: [...sources.values()], pins };
}

/** Recorded on each version this workflow creates, so a later run can recognise and reuse it. */
export function versionDescription(imageId: string, sourceVersion: number): string {
    return `lakewarden fleet-refresh: ${imageId} from version ${sourceVersion}`;
}

/** Same template, source and image -> same token, so a retried create returns the first version instead of a second. */
export function clientToken(launchTemplateId: string, sourceVersion: number, imageId: string): string {
    return createHash("sha256").update(`${launchTemplateId}|${sourceVersion}|${imageId}`).digest("hex");
}

export function reusableVersion(
    sourceVersion: number,
    imageId: string,
    existing: readonly ExistingVersion[],
): { version: number; action: Exclude<VersionAction, "created"> } | undefined {
    const withImage = existing.filter(candidate => candidate.imageId === imageId);
    if (withImage.some(candidate => candidate.versionNumber === sourceVersion)) return { version: sourceVersion, action: "unchanged" };
    const ours = withImage
        .filter(candidate => candidate.description === versionDescription(imageId, sourceVersion))
        .sort((a, b) => a.versionNumber - b.versionNumber);
    return ours.length > 0 ? { version: ours[0].versionNumber, action: "reused" } : undefined;
}
