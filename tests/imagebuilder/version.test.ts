import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { canonicalJson, componentVersion, declaredMajor, fingerprint, MAX_VERSION_NODE, recipeVersion } from "../../imagebuilder/version";

const hardening = {
    name: "lakewarden-cis-docker-hardening",
    content: readFileSync(join(__dirname, "../../imagebuilder/components/cis-docker-hardening.yaml"), "utf8"),
};
const doc = (name: string, body: string, major = 1) => ({ name, content: `# component-major: ${major}\n${body}\n` });
const PARENT = "ami-0123456789abcdef0";
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

function nodes(version: string): number[] {
    const match = SEMVER.exec(version);
    assert.ok(match, `${version} is major.minor.patch`);
    return match.slice(1).map(Number);
}

describe("imagebuilder version derivation", () => {
    it("gives the committed hardening component a valid, stable version", () => {
        const version = componentVersion(hardening);
        assert.equal(version, componentVersion({ ...hardening }));
        const [major, minor, patch] = nodes(version);
        assert.equal(major, 1);
        assert.equal(minor, fingerprint(hardening.content));
        assert.equal(patch, 0);
    });

    it("changes the component minor when the content changes, not for line endings", () => {
        const base = doc("c", "phases: []");
        assert.notEqual(componentVersion(base), componentVersion(doc("c", "phases: [ ]")));
        assert.equal(componentVersion(base), componentVersion({ name: "c", content: base.content.replace(/\n/g, "\r\n") }));
    });

    it("takes the major only from the component-major line, and refuses a document without one", () => {
        assert.equal(declaredMajor(doc("c", "x", 3)), 3);
        assert.throws(() => componentVersion({ name: "c", content: "phases: []\n" }), /component-major/);
        assert.throws(() => declaredMajor(doc("c", "x", 0)), /between 1/);
    });

    it("moves the recipe minor for component or settings changes and the patch for a new parent image", () => {
        const components = [doc("a", "one"), doc("b", "two")];
        const base = nodes(recipeVersion({ parentImage: PARENT, components }));
        const newParent = nodes(recipeVersion({ parentImage: "ami-0fedcba9876543210", components }));
        assert.deepEqual([newParent[0], newParent[1]], [base[0], base[1]]);
        assert.notEqual(newParent[2], base[2]);
        const newComponent = nodes(recipeVersion({ parentImage: PARENT, components: [doc("a", "one"), doc("b", "two!")] }));
        assert.equal(newComponent[2], base[2]);
        assert.notEqual(newComponent[1], base[1]);
        const reordered = nodes(recipeVersion({ parentImage: PARENT, components: [...components].reverse() }));
        assert.notEqual(reordered[1], base[1], "component order is execution order");
        const withSettings = nodes(recipeVersion({ parentImage: PARENT, components, settings: { rootVolumeGiB: 30 } }));
        assert.notEqual(withSettings[1], base[1]);
    });

    it("takes the recipe major from the highest component major", () => {
        const [major] = nodes(recipeVersion({ parentImage: PARENT, components: [doc("a", "x", 2), doc("b", "y", 5)] }));
        assert.equal(major, 5);
    });

    it("ignores settings key order", () => {
        assert.equal(canonicalJson({ b: [1, { d: 2, c: 3 }], a: null }), '{"a":null,"b":[1,{"c":3,"d":2}]}');
        const components = [doc("a", "x")];
        assert.equal(
            recipeVersion({ parentImage: PARENT, components, settings: { kms: "alias/k", volumes: [{ size: 30, device: "/dev/xvda" }] } }),
            recipeVersion({ parentImage: PARENT, components, settings: { volumes: [{ device: "/dev/xvda", size: 30 }], kms: "alias/k" } }),
        );
    });

    it("refuses a recipe without components or with a parent that is not an AMI id", () => {
        assert.throws(() => recipeVersion({ parentImage: PARENT, components: [] }), /at least one component/);
        assert.throws(() => recipeVersion({ parentImage: "/aws/service/ecs/optimized-ami", components: [doc("a", "x")] }), /AMI id/);
    });

    it("keeps every node within Image Builder's 0..2^30-1 and is a pure function of its inputs", () => {
        fc.assert(
            fc.property(fc.string(), fc.stringMatching(/^ami-[0-9a-f]{17}$/), fc.integer({ min: 1, max: 1000 }), (body, parent, major) => {
                const inputs = { parentImage: parent, components: [doc("c", body, major)] };
                const version = recipeVersion(inputs);
                assert.equal(version, recipeVersion(inputs));
                for (const node of nodes(version)) assert.ok(node >= 0 && node <= MAX_VERSION_NODE);
            }),
        );
    });
});
