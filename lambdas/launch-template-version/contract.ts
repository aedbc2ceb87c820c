import type { RefreshGroup, Wave } from "../../contracts/fleet-refresh";

/** What the launch-template step receives from discovery and hands to the refresh waves. */

export interface PreparationRequest {
    imageId: string;
    waves: Wave[];
}

export interface PreparedGroup extends RefreshGroup {
    /** The version the group ran before the refresh, as a number. */
    sourceVersion: string;
    /** The version with the new image that the instance refresh rolls out. */
    targetVersion: string;
    /** Set when the group referenced "$Latest" or "$Default" and was pinned to `sourceVersion` first. */
    pinnedFrom?: string;
}

interface PreparedWave {
    index: number;
    groups: PreparedGroup[];
}

export type VersionAction = "created" | "reused" | "unchanged";

export interface TemplateVersionRecord {
    launchTemplateId: string;
    sourceVersion: number;
    version: number;
    /** created: new version; reused: an earlier run already made it; unchanged: the source already has the image. */
    action: VersionAction;
    autoScalingGroups: string[];
}

export interface PreparationResult {
    imageId: string;
    waves: PreparedWave[];
    templates: TemplateVersionRecord[];
}
