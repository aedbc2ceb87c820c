// One describe block per policy from a declarative case: compliant input, each violation,
// another resource type, the unknown sentinel in every property path of the resources under
// test, and config overrides (levels, exemptions, policy-specific settings).
import * as assert from "assert";
import { allPaths, clone, find, type PlannedResource, type PolicyRunResult, runPolicyPack, setPath, UNKNOWN, violationsOf } from "./helpers";

export interface ViolationCase {
    name: string;
    mutate(resources: PlannedResource[]): void;
    expect: RegExp;
    /** Resource the violation is attributed to (default: the case's target). */
    on?: string;
}

interface UnknownTarget {
    /** Resource whose props receive the sentinel, path by path. */
    resource: string;
    /** Globs (`*` = anything) of paths where an unknown value must be a mandatory violation. */
    violates: string[];
    /** Globs of paths where an unknown value must pass (ARNs, names, unrelated settings). */
    allowed?: string[];
}

interface ConfigCase {
    name: string;
    config: Record<string, unknown>;
    mutate?(resources: PlannedResource[]): void;
    /** "pass" or a message the (mandatory) violation must match. */
    expect: "pass" | RegExp;
    /** Use `config` instead of merging it over the case's base config. */
    replace?: boolean;
}

export interface PolicyCase {
    policy: string;
    /** Name of the resource the policy reports on. */
    target: string;
    compliant(): PlannedResource[];
    violations: ViolationCase[];
    /** A stack whose resources are of other types, carrying the same bad settings. */
    otherType(): PlannedResource[];
    unknowns: UnknownTarget[];
    /** This policy's config properties for every run (e.g. organizationId). */
    config?: Record<string, unknown>;
    configCases?: ConfigCase[];
}

export const covered = new Set<string>();
const NOW = new Date("2026-01-15T12:00:00Z");

/** A level entry; one below mandatory carries the reason and expiry the config requires of it. */
function levelEntry(level: string): Record<string, unknown> {
    return level === "advisory" || level === "disabled"
        ? { enforcementLevel: level, reason: "the enforcement level under test", expires: "2099-12-31" }
        : { enforcementLevel: level };
}

function runner(c: PolicyCase) {
    /** Runs the pack with this policy's base config merged with `own` (properties or a level). */
    return (
        resources: PlannedResource[],
        own: Record<string, unknown> | string = {},
        extra: Record<string, unknown> = {},
        replace = false,
    ): PolicyRunResult => {
        const base = replace ? {} : c.config;
        const entry = typeof own === "string" ? { ...base, ...levelEntry(own) } : { ...base, ...own };
        const others = Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, typeof value === "string" ? levelEntry(value) : value]));
        return runPolicyPack(resources, { config: { ...others, [c.policy]: entry }, now: NOW });
    };
}

function glob(pattern: string): RegExp {
    return new RegExp(
        `^${pattern
            .split("*")
            .map(p => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    );
}

function classify(target: UnknownTarget, path: string): "violates" | "allowed" | undefined {
    if ((target.allowed ?? []).some(p => glob(p).test(path))) {
        return "allowed";
    }
    return target.violates.some(p => glob(p).test(path)) ? "violates" : undefined;
}

function cantRun(result: PolicyRunResult, policy: string): string[] {
    return violationsOf(result, policy)
        .filter(v => /can't run/.test(v.message))
        .map(v => v.message);
}

export function describePolicy(c: PolicyCase): void {
    covered.add(c.policy);
    describe(`policy ${c.policy}`, () => {
        const run = runner(c);
        const fresh = () => clone(c.compliant());
        const targetUrn = (resources: PlannedResource[], name = c.target) => find(resources, name).urn;

        it("passes compliant input", () => {
            const result = run(fresh());
            assert.deepStrictEqual(
                violationsOf(result, c.policy).map(v => v.message),
                [],
            );
        });

        for (const v of c.violations) {
            it(`reports: ${v.name}`, () => {
                const resources = fresh();
                v.mutate(resources);
                const found = violationsOf(run(resources), c.policy);
                const match = found.find(f => v.expect.test(f.message));
                assert.ok(match, `expected ${v.expect} among ${JSON.stringify(found.map(f => f.message))}`);
                assert.strictEqual(match.enforcementLevel, "mandatory");
                assert.strictEqual(match.urn, targetUrn(resources, v.on));
            });
        }

        it("does not apply to other resource types", () => {
            const result = run(clone(c.otherType()));
            assert.deepStrictEqual(
                violationsOf(result, c.policy).map(v => v.message),
                [],
            );
        });

        for (const target of c.unknowns) {
            it(`handles the unknown sentinel in every property of ${target.resource}`, () => {
                const paths = allPaths(find(fresh(), target.resource).props);
                assert.ok(paths.length > 0, "the fixture has properties");
                for (const keys of paths) {
                    const path = keys.join(".");
                    const kind = classify(target, path);
                    assert.ok(kind, `path ${path} of ${target.resource} is not classified as violates/allowed`);
                    const resources = fresh();
                    setPath(find(resources, target.resource).props, keys, UNKNOWN);
                    const result = run(resources);
                    assert.deepStrictEqual(cantRun(result, c.policy), [], `unknown ${path} reached the proxy`);
                    const found = violationsOf(result, c.policy);
                    if (kind === "violates") {
                        assert.ok(
                            found.some(f => f.enforcementLevel === "mandatory" && /not known|cannot be verified|cannot be checked|cannot tell/.test(f.message)),
                            `unknown ${path} should be a mandatory violation, got ${JSON.stringify(found.map(f => f.message))}`,
                        );
                    } else {
                        assert.deepStrictEqual(
                            found.map(f => f.message),
                            [],
                            `unknown ${path} should pass`,
                        );
                    }
                }
            });
        }

        const first = c.violations[0];
        const broken = () => {
            const resources = fresh();
            first.mutate(resources);
            return resources;
        };

        it("follows configured enforcement levels (policy key over `all`)", () => {
            const advisory = violationsOf(run(broken(), "advisory"), c.policy);
            assert.ok(advisory.length > 0 && advisory.every(v => v.enforcementLevel === "advisory"));
            assert.deepStrictEqual(violationsOf(run(broken(), "disabled"), c.policy), []);
            const allAdvisory = violationsOf(run(broken(), {}, { all: "advisory" }), c.policy);
            assert.ok(allAdvisory.length > 0 && allAdvisory.every(v => v.enforcementLevel === "advisory"));
            const overridden = violationsOf(run(broken(), "mandatory", { all: "advisory" }), c.policy);
            assert.ok(overridden.length > 0 && overridden.every(v => v.enforcementLevel === "mandatory"));
        });

        it("honours an exemption for the resource and fails once it has expired", () => {
            const resources = broken();
            const where = targetUrn(resources, first.on);
            const live = run(resources, { exemptions: [{ urn: where, reason: "accepted risk, ticket SEC-1", expires: "2026-02-01" }] });
            assert.deepStrictEqual(
                violationsOf(live, c.policy).filter(v => v.urn === where),
                [],
            );
            assert.ok(live.exemptionsUsed.some(u => u.policyName === c.policy && u.urn === where));
            const expired = run(resources, { exemptions: [{ urn: where, reason: "accepted risk, ticket SEC-1", expires: "2026-01-01" }] });
            const messages = violationsOf(expired, c.policy)
                .filter(v => v.enforcementLevel === "mandatory")
                .map(v => v.message);
            assert.ok(
                messages.some(m => /expired on 2026-01-01/.test(m)),
                JSON.stringify(messages),
            );
            assert.ok(
                messages.some(m => first.expect.test(m)),
                "the underlying violation is back",
            );
        });

        for (const cc of c.configCases ?? []) {
            it(`config: ${cc.name}`, () => {
                const resources = fresh();
                cc.mutate?.(resources);
                const found = violationsOf(run(resources, cc.config, {}, cc.replace), c.policy);
                const expected = cc.expect;
                if (expected === "pass") {
                    assert.deepStrictEqual(
                        found.map(f => f.message),
                        [],
                    );
                } else {
                    assert.ok(
                        found.some(f => expected.test(f.message)),
                        JSON.stringify(found.map(f => f.message)),
                    );
                }
            });
        }
    });
}
