import * as aws from "@pulumi/aws";
import * as assert from "assert";
import * as path from "path";
import type { Policies, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { reconcilePolicyPackConfig } from "../../policy/lib/engine-config";
import { compilePattern, isExpired } from "../../policy/lib/exemptions";
import { lakewardenPolicies } from "../../policy/policies";
import { configFileForFixtures, find, PROVIDERS, runPolicyPack, stack, typed, UNKNOWN, untyped, urn, violationsOf } from "./helpers";
import { doc } from "./fixtures";

const CONFIG_DIR = path.join(__dirname, "..", "..", "policy", "config");
const wildcardPolicy = () =>
    stack(typed(aws.iam.RolePolicy, "wild", { role: "r", policy: doc({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::x/*" }) }));

describe("offline runner", () => {
    describe("--policy-pack-config handling", () => {
        it("rejects invalid enforcement levels and values that break a policy's schema", () => {
            assert.throws(() => runPolicyPack([], { config: { "iam-no-wildcard-actions": "blocking" } }), /not a valid enforcement level/);
            assert.throws(
                () => runPolicyPack([], { config: { "log-group-retention": { minRetentionDays: "ninety" } } }),
                /log-group-retention: minRetentionDays: expected integer/,
            );
            assert.throws(
                () => runPolicyPack([], { config: { "s3-bucket-versioning": { exemptions: [{ urn: "**", reason: "short" }] } } }),
                /reason: must be at least 10 characters/,
            );
            assert.throws(
                () => runPolicyPack([], { config: { "s3-bucket-versioning": { exemptions: [{ urn: "**", reason: "long enough reason", expires: "soon" }] } } }),
                /expires: does not match/,
            );
        });

        it("rejects keys that name no policy (suggesting the close match) and properties a policy does not declare", () => {
            assert.throws(
                () => runPolicyPack(wildcardPolicy(), { config: { "iam-no-wildcard-action": "disabled" } }),
                /iam-no-wildcard-action: no policy of this name \(did you mean iam-no-wildcard-actions\?\)/,
            );
            assert.throws(
                () => runPolicyPack(wildcardPolicy(), { config: { "log-group-retention": { minRetentionDay: 30 } } }),
                /log-group-retention: minRetentionDay: additional property not allowed/,
            );
        });

        it("loads the dev and prod config files: prod is all mandatory, dev relaxes a few", () => {
            for (const env of ["dev", "prod"]) {
                assert.doesNotThrow(() => runPolicyPack(wildcardPolicy(), configFileForFixtures(path.join(CONFIG_DIR, `${env}.json`))), env);
            }
            const levels = (env: string) =>
                [...reconcilePolicyPackConfig(lakewardenPolicies, "mandatory", require(path.join(CONFIG_DIR, `${env}.json`))).values()].map(
                    e => e.enforcementLevel,
                );
            assert.ok(levels("prod").every(l => l === "mandatory"));
            assert.ok(levels("dev").includes("advisory"));
            assert.ok(levels("dev").filter(l => l === "mandatory").length > 50);
        });

        it("requires a reason and an unexpired expiry to lower a policy below mandatory, and names the key", () => {
            const now = new Date("2027-02-01T00:00:00Z");
            const run = (config: Record<string, unknown>) => () => runPolicyPack(wildcardPolicy(), { config, now });
            assert.throws(run({ "iam-no-wildcard-actions": "advisory" }), /iam-no-wildcard-actions\.reason: lowering to advisory needs a reason/);
            assert.throws(
                run({ "iam-no-wildcard-actions": "disabled" }),
                /iam-no-wildcard-actions\.expires: lowering to disabled needs an expiry date \(YYYY-MM-DD\), got undefined/,
            );
            assert.throws(run({ all: "advisory" }), /all\.reason: lowering to advisory needs a reason/);
            assert.throws(
                run({ "iam-no-wildcard-actions": { enforcementLevel: "advisory", reason: "migration of the break-glass role", expires: "2027-01-31" } }),
                /iam-no-wildcard-actions\.expires: the relaxation to advisory expired on 2027-01-31/,
            );
            assert.throws(
                run({ "iam-no-wildcard-actions": { enforcementLevel: "advisory", reason: "migration of the break-glass role", expires: "31/01/2027" } }),
                /iam-no-wildcard-actions\.expires: lowering to advisory needs an expiry date/,
            );
            assert.throws(
                run({ "iam-no-wildcard-actions": { enforcementLevel: "mandatory", reason: "left over from a relaxation", expires: "2027-12-31" } }),
                /iam-no-wildcard-actions: reason and expires belong to a relaxation; mandatory is not below mandatory/,
            );
            const config = reconcilePolicyPackConfig(
                lakewardenPolicies,
                "mandatory",
                { "iam-no-wildcard-actions": { enforcementLevel: "advisory", reason: "migration of the break-glass role", expires: "2027-02-01" } },
                now,
            );
            assert.deepStrictEqual(config.get("iam-no-wildcard-actions")?.relaxation, { reason: "migration of the break-glass role", expires: "2027-02-01" });
            assert.deepStrictEqual(config.get("iam-no-wildcard-actions")?.properties, { exemptions: [], forbidPartialWildcards: false });
        });

        it("applies schema defaults before the configured values", () => {
            const config = reconcilePolicyPackConfig(lakewardenPolicies, "mandatory", { "log-group-retention": { maxRetentionDays: 400 } });
            assert.deepStrictEqual(config.get("log-group-retention")?.properties, { minRetentionDays: 90, maxRetentionDays: 400, exemptions: [] });
        });
    });

    describe("engine-faithful evaluation", () => {
        const naive: Policies = [
            {
                name: "naive",
                description: "Reads props through the proxy.",
                enforcementLevel: "mandatory",
                validateResource: (args: ResourceValidationArgs, report) => {
                    if (args.props.policy === "bad") {
                        report("bad policy");
                    }
                },
            },
        ];

        it("downgrades a policy that reads an unknown through the proxy to an advisory can't-run, like the server", () => {
            const result = runPolicyPack(stack(typed(aws.iam.RolePolicy, "opaque", { policy: UNKNOWN })), { policies: naive });
            assert.deepStrictEqual(
                result.violations.map(v => [v.policyName, v.enforcementLevel, v.message]),
                [
                    [
                        "naive",
                        "advisory",
                        "can't run policy 'naive' from policy pack 'lakewarden@v0.1.0' during preview: string value at .policy can't be known during preview",
                    ],
                ],
            );
        });

        it("prefixes string violations with the description, as reportViolation does", () => {
            const result = runPolicyPack(stack(typed(aws.iam.RolePolicy, "p", { policy: "bad" })), { policies: naive });
            assert.strictEqual(result.violations[0].message, "Reads props through the proxy.\nbad policy");
            assert.strictEqual(result.violations[0].urn, urn("aws:iam/rolePolicy:RolePolicy", "p"));
        });

        it("refuses unknown values outside preview", () => {
            assert.throws(
                () => runPolicyPack(stack(typed(aws.iam.RolePolicy, "opaque", { policy: UNKNOWN })), { preview: false }),
                /only possible during preview/,
            );
        });

        it("passes resource options, unwrapped secrets and the provider as the server does", () => {
            const seen: ResourceValidationArgs[] = [];
            const probe: Policies = [
                {
                    name: "probe",
                    description: "d",
                    validateResource: (args: ResourceValidationArgs) => {
                        seen.push(args);
                    },
                },
            ];
            const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" };
            runPolicyPack(
                [
                    untyped(
                        "the engine sends a secret input as a {signature, value} object",
                        "aws:sqs/queue:Queue",
                        "q",
                        { name: secret },
                        {
                            deleteBeforeReplace: true,
                            parent: "urn:parent",
                        },
                    ),
                    typed(aws.sqs.Queue, "q2", {}),
                ],
                { policies: probe },
            );
            assert.strictEqual(seen[0].props.name, "s3cr3t");
            assert.strictEqual(seen[0].opts.deleteBeforeReplace, true);
            assert.strictEqual(seen[0].opts.parent, "urn:parent");
            assert.ok(!("deleteBeforeReplace" in seen[1].opts), "only set when defined");
            assert.deepStrictEqual(seen[0].opts.customTimeouts, { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 });
            assert.strictEqual(seen[0].provider?.name, "producer");
            assert.strictEqual(seen[0].provider?.props.allowedAccountIds, PROVIDERS.producer.props.allowedAccountIds);
        });

        it("links parents, dependencies and property dependencies for stack policies, and attributes violations by URN", () => {
            let resources: PolicyResource[] = [];
            const probe: Policies = [
                {
                    name: "stack-probe",
                    description: "d",
                    validateStack: (args: StackValidationArgs, report) => {
                        resources = args.resources;
                        report("on the part", args.resources.find(r => r.name === "part")?.urn);
                    },
                },
            ];
            const bucket = typed(aws.s3.Bucket, "b", { bucket: "lw-b" });
            const part = typed(aws.s3.BucketVersioning, "part", { bucket: UNKNOWN }, { parent: bucket.urn, propertyDependencies: { bucket: [bucket.urn] } });
            const result = runPolicyPack([bucket, part], { policies: probe });
            const linked = resources.find(r => r.name === "part");
            assert.strictEqual(linked?.parent?.name, "b");
            assert.strictEqual(linked?.dependencies[0].name, "b");
            assert.strictEqual(linked?.propertyDependencies.bucket[0].name, "b");
            assert.deepStrictEqual(
                [result.violations[0].resourceType, result.violations[0].resourceName],
                ["aws:s3/bucketVersioning:BucketVersioning", "part"],
            );
        });

        it("counts the policies that ran and the resources checked", () => {
            const result = runPolicyPack(wildcardPolicy(), {
                config: { "iam-no-wildcard-actions": { enforcementLevel: "disabled", reason: "counting test: one policy off", expires: "2099-12-31" } },
            });
            assert.strictEqual(result.policiesRun, lakewardenPolicies.length - 1);
            assert.strictEqual(result.resourcesChecked, 3);
            assert.deepStrictEqual(violationsOf(result, "iam-no-wildcard-actions"), []);
        });
    });

    describe("exemptions", () => {
        it("match URN globs (* within a segment, ** across) and /regular expressions/", () => {
            const u = "urn:pulumi:dev::lakewarden::lakewarden:storage:SecureBucket$aws:s3/bucket:Bucket::access-logs";
            assert.ok(compilePattern("urn:pulumi:dev::lakewarden::**::access-logs").test(u));
            assert.ok(!compilePattern("urn:pulumi:*::access-logs").test(u));
            assert.ok(compilePattern("/::access-logs$/").test(u));
            assert.ok(!compilePattern("urn:pulumi:prod::**").test(u));
        });

        it("apply through the last day of `expires` (UTC)", () => {
            const e = { urn: "**", reason: "a reviewed reason", expires: "2026-03-31" };
            assert.ok(!isExpired(e, new Date("2026-03-31T23:30:00Z")));
            assert.ok(isExpired(e, new Date("2026-04-01T00:00:00Z")));
            assert.ok(!isExpired({ urn: "**", reason: "a reviewed reason" }, new Date("2099-01-01")));
        });

        it("report their uses and leave other resources alone", () => {
            const resources = wildcardPolicy();
            resources.push(typed(aws.iam.RolePolicy, "other", { role: "r", policy: doc({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::x/*" }) }));
            const result = runPolicyPack(resources, {
                config: { "iam-no-wildcard-actions": { exemptions: [{ urn: "**::wild", reason: "break-glass role, SEC-7" }] } },
            });
            assert.deepStrictEqual(
                violationsOf(result, "iam-no-wildcard-actions").map(v => v.resourceName),
                ["other"],
            );
            // The use carries the finding it waived, as the policy words it (the violation adds the description).
            const waived = violationsOf(runPolicyPack(resources), "iam-no-wildcard-actions").find(v => v.resourceName === "wild");
            assert.ok(waived?.message.endsWith('\npolicy statement 1 allows the wildcard action "*"'));
            assert.deepStrictEqual(result.exemptionsUsed, [
                {
                    policyName: "iam-no-wildcard-actions",
                    urn: find(resources, "wild").urn,
                    message: 'policy statement 1 allows the wildcard action "*"',
                    reason: "break-glass role, SEC-7",
                    expires: undefined,
                },
            ]);
        });

        it("fail as mandatory once expired, even when the policy is advisory", () => {
            const result = runPolicyPack(wildcardPolicy(), {
                now: new Date("2026-05-01T00:00:00Z"),
                config: {
                    "iam-no-wildcard-actions": {
                        enforcementLevel: "advisory",
                        reason: "break-glass role under review",
                        expires: "2026-12-31",
                        exemptions: [{ urn: "**::wild", reason: "break-glass role, SEC-7", expires: "2026-04-30" }],
                    },
                },
            });
            const found = violationsOf(result, "iam-no-wildcard-actions");
            assert.ok(found.some(v => v.enforcementLevel === "mandatory" && /exemption '\*\*::wild' expired on 2026-04-30/.test(v.message)));
            assert.ok(found.some(v => v.enforcementLevel === "advisory" && /wildcard action/.test(v.message)));
        });
    });
});
