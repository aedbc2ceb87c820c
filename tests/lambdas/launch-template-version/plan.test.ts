import assert from "node:assert/strict";
import type { RefreshGroup } from "../../../contracts/fleet-refresh";
import {
    clientToken,
    planPreparation,
    resolveVersion,
    reusableVersion,
    type TemplateFacts,
    versionDescription,
} from "../../../lambdas/launch-template-version/plan";

const TAG = { key: "lakewarden:ami-refresh", value: "enabled" };
const IMAGE = "ami-0bbbbbbbbbbbbbbb1";
const facts = (id: string, latest: number, dflt: number, tagged = true): TemplateFacts => ({
    launchTemplateId: id,
    latestVersion: latest,
    defaultVersion: dflt,
    tags: tagged ? [{ Key: TAG.key, Value: TAG.value }] : [],
});
const group = (name: string, id: string, version: string) =>
    ({ clusterName: "c", autoScalingGroupName: name, launchTemplate: { launchTemplateId: id, version } }) as RefreshGroup;

describe("launch-template-version plan", () => {
    it("resolves $Latest and $Default to numbers and keeps numbers", () => {
        const template = facts("lt-1", 9, 4);
        assert.equal(resolveVersion("$Latest", template), 9);
        assert.equal(resolveVersion("$Default", template), 4);
        assert.equal(resolveVersion("7", template), 7);
        for (const bad of ["latest", "0", "07", "-1", ""]) assert.throws(() => resolveVersion(bad, template), { name: "UnresolvableVersion" });
    });

    it("shares one source per template and version, pins alias groups, and keeps groups on other versions apart", () => {
        const templates = new Map([
            ["lt-a", facts("lt-a", 5, 3)],
            ["lt-b", facts("lt-b", 2, 2)],
        ]);
        const plan = planPreparation(
            [
                group("g1", "lt-a", "5"),
                group("g2", "lt-a", "$Latest"),
                group("g3", "lt-a", "$Default"),
                group("g4", "lt-b", "$Default"),
                group("g5", "lt-a", "3"),
            ],
            templates,
            TAG,
        );
        assert.deepEqual(plan.sources, [
            { launchTemplateId: "lt-a", sourceVersion: 5, autoScalingGroups: ["g1", "g2"] },
            { launchTemplateId: "lt-a", sourceVersion: 3, autoScalingGroups: ["g3", "g5"] },
            { launchTemplateId: "lt-b", sourceVersion: 2, autoScalingGroups: ["g4"] },
        ]);
        assert.deepEqual(
            plan.pins.map(p => [p.group.autoScalingGroupName, p.version]),
            [
                ["g2", 5],
                ["g3", 3],
                ["g4", 2],
            ],
        );
        assert.deepEqual(
            [...plan.resolved],
            [
                ["g1", 5],
                ["g2", 5],
                ["g3", 3],
                ["g4", 2],
                ["g5", 3],
            ],
        );
    });

    it("refuses unknown and untagged templates before anything is planned", () => {
        assert.throws(() => planPreparation([group("g", "lt-x", "1")], new Map(), TAG), { name: "LaunchTemplateNotFound" });
        assert.throws(() => planPreparation([group("g", "lt-a", "1")], new Map([["lt-a", facts("lt-a", 1, 1, false)]]), TAG), {
            name: "LaunchTemplateNotTagged",
        });
    });

    it("reuses a version this workflow made from the same source, or the source itself when it already has the image", () => {
        const ours = { versionNumber: 8, imageId: IMAGE, description: versionDescription(IMAGE, 5) };
        const fromOtherSource = { versionNumber: 7, imageId: IMAGE, description: versionDescription(IMAGE, 4) };
        const handMade = { versionNumber: 6, imageId: IMAGE, description: "someone's test" };
        assert.deepEqual(reusableVersion(5, IMAGE, [handMade, fromOtherSource, ours]), { version: 8, action: "reused" });
        assert.deepEqual(reusableVersion(5, IMAGE, [{ versionNumber: 5, imageId: IMAGE, description: undefined }]), { version: 5, action: "unchanged" });
        assert.equal(reusableVersion(5, IMAGE, [handMade, fromOtherSource]), undefined, "a version with other settings is never taken");
    });

    it("derives the same client token for the same template, source and image only", () => {
        const token = clientToken("lt-a", 5, IMAGE);
        assert.equal(token, clientToken("lt-a", 5, IMAGE));
        assert.match(token, /^[0-9a-f]{64}$/);
        assert.notEqual(token, clientToken("lt-a", 4, IMAGE));
        assert.notEqual(token, clientToken("lt-b", 5, IMAGE));
        assert.notEqual(token, clientToken("lt-a", 5, "ami-0ccccccccccccccc2"));
    });
});
