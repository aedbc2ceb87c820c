// The organisation id is written once, in the stack config (lakewarden:organization.id): the offline
// runner judges with the stack config it is given, refuses a missing id where a policy needs it and a
// per-policy copy that disagrees, before any resource, naming the file and key.
import * as assert from "assert";
import * as path from "path";
import * as aws from "@pulumi/aws";
import type { StackConfig } from "../../policy/lib/org-config";
import { configFileForFixtures, configProblems, ORG_ID, runPolicyPack, stack, STACK_CONFIG, typed, violationsOf } from "./helpers";
import { CONSUMER_ROLE_ARN, doc } from "./fixtures";

const CONFIG_DIR = path.join(__dirname, "..", "..", "policy", "config");

const orgTrust = (org: string) =>
    stack(
        typed(aws.iam.Role, "shared", {
            assumeRolePolicy: doc({
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Principal: { AWS: CONSUMER_ROLE_ARN },
                Condition: { StringEquals: { "aws:PrincipalOrgID": org } },
            }),
        }),
    );

const withOrganization = (value: unknown): StackConfig => ({ name: "qa", config: { "lakewarden:organization": JSON.stringify(value) } });

describe("the organisation id, read from the stack config", () => {
    it("judges aws:PrincipalOrgID against the stack's organisation, with no per-policy copy in either environment's config", () => {
        for (const env of ["dev", "prod"]) {
            const configFile = path.join(CONFIG_DIR, `${env}.json`);
            assert.doesNotMatch(JSON.stringify(require(configFile)), /organizationId/, `${env}.json holds no copy`);
            assert.deepStrictEqual(
                violationsOf(runPolicyPack(orgTrust(ORG_ID), configFileForFixtures(configFile)), "iam-trust-cross-account-conditions"),
                [],
                env,
            );
            const other = violationsOf(runPolicyPack(orgTrust("o-other000001"), configFileForFixtures(configFile)), "iam-trust-cross-account-conditions");
            assert.ok(other.length === 1 && /is not o-lw0example1/.test(other[0].message), JSON.stringify(other));
        }
        const elsewhere = withOrganization({ id: "o-other000001" });
        assert.deepStrictEqual(violationsOf(runPolicyPack(orgTrust("o-other000001"), { stack: elsewhere }), "iam-trust-cross-account-conditions"), []);
    });

    it("is an error naming Pulumi.<stack>.yaml and lakewarden:organization.id when the stack config has none", () => {
        const problems = configProblems(() => runPolicyPack(orgTrust(ORG_ID), { stack: { name: "qa", config: {} } }));
        assert.strictEqual(problems.length, 1);
        assert.strictEqual(problems[0].key, "Pulumi.qa.yaml: lakewarden:organization.id");
        assert.match(problems[0].message, /not set.*policies need it: .*iam-trust-cross-account-conditions/);
    });

    it("is an error naming the key when the stack's organisation has no valid id", () => {
        assert.deepStrictEqual(
            configProblems(() => runPolicyPack([], { stack: withOrganization({ ramSharingWithinOrganization: true }) })).map(p => p.key),
            ["Pulumi.qa.yaml: lakewarden:organization.id"],
        );
        assert.match(configProblems(() => runPolicyPack([], { stack: withOrganization({ id: "o-UPPER" }) }))[0].message, /expected an organization id/);
        assert.deepStrictEqual(
            configProblems(() => runPolicyPack([], { stack: { name: "qa", config: { "lakewarden:organization": "o-lw0example1" } } })).map(p => p.key),
            ["Pulumi.qa.yaml: lakewarden:organization"],
        );
    });

    it("needs no organisation when every policy that reads it is disabled", () => {
        const readers = ["iam-trust-cross-account-conditions", "s3-bucket-policy-scoped-principals", "kms-key-policy-scoped", "sns-topic-policy-scoped"];
        const off = { enforcementLevel: "disabled", reason: "the spec's own stack has no organisation", expires: "2099-12-31" };
        const partly = Object.fromEntries(readers.map(name => [name, off]));
        const problems = configProblems(() => runPolicyPack([], { stack: { name: "qa", config: {} }, config: partly }));
        const needing = /policies need it: (.*)\)$/.exec(problems[0].message)?.[1].split(", ") ?? [];
        assert.ok(needing.includes("lambda-permission-scoped") && needing.includes("lf-cross-account-grant-env-accounts"), problems[0].message);
        assert.deepStrictEqual(
            readers.filter(name => needing.includes(name)),
            [],
            "disabled policies do not need it",
        );
        const all = { all: off };
        assert.doesNotThrow(() => runPolicyPack([], { stack: { name: "qa", config: {} }, config: all }));
    });

    it("accepts a per-policy copy equal to the stack's, and refuses one that disagrees, naming the file and key", () => {
        assert.doesNotThrow(() => runPolicyPack(orgTrust(ORG_ID), { config: { "kms-key-policy-scoped": { organizationId: ORG_ID } } }));
        const config = {
            "kms-key-policy-scoped": { organizationId: "o-other000001" },
            "lambda-permission-scoped": { organizationId: ORG_ID },
            "sqs-queue-policy-scoped": {
                enforcementLevel: "disabled",
                reason: "a disabled copy still disagrees",
                expires: "2099-12-31",
                organizationId: "o-other000002",
            },
        };
        assert.deepStrictEqual(
            configProblems(() => runPolicyPack(orgTrust(ORG_ID), { config, stack: STACK_CONFIG })),
            [
                {
                    key: "--policy-pack-config: kms-key-policy-scoped.organizationId",
                    message:
                        '"o-other000001" disagrees with lakewarden:organization.id o-lw0example1 in Pulumi.dev.yaml; remove it (the pack reads the organisation id from the stack config)',
                },
                {
                    key: "--policy-pack-config: sqs-queue-policy-scoped.organizationId",
                    message:
                        '"o-other000002" disagrees with lakewarden:organization.id o-lw0example1 in Pulumi.dev.yaml; remove it (the pack reads the organisation id from the stack config)',
                },
            ],
        );
    });
});
