import * as assert from "assert";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ConfigError } from "../../config/errors";
import { lakewardenPolicies } from "../../policy/policies";
import { readPolicyConfig, relaxedPolicies } from "../../tools/offline/policy-config";
import { readStackConfig } from "../../tools/offline/stack-config";
import { renderPlan, runPlan } from "../../tools/plan";

const DEV = path.join(__dirname, "..", "..", "policy", "config", "dev.json");

describe("policy pack config relaxations (offline plan)", () => {
    it("lists dev's relaxed policies with their reason and expiry", () => {
        const relaxed = relaxedPolicies("policy/config/dev.json", readPolicyConfig(DEV), lakewardenPolicies, new Date("2027-01-01T00:00:00Z"));
        assert.deepStrictEqual(
            relaxed.map(r => [r.policy, r.level, r.expires]),
            [
                ["s3-bucket-access-logging", "advisory", "2027-03-31"],
                ["lf-permissions-canonical", "advisory", "2027-03-31"],
            ],
        );
        assert.ok(relaxed.every(r => (r.reason ?? "").length > 40));
    });

    it("is a config error naming the file and key once a relaxation has expired", () => {
        assert.throws(
            () => relaxedPolicies("policy/config/dev.json", readPolicyConfig(DEV), lakewardenPolicies, new Date("2027-04-01T00:00:00Z")),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.problems.some(p => p.key === "policy/config/dev.json: s3-bucket-access-logging.expires" && /expired on 2027-03-31/.test(p.message)),
        );
    });

    it("is a config error naming the file and key when a relaxation has no reason", () => {
        assert.throws(
            () => relaxedPolicies("policy/config/x.json", { "kms-key-rotation": { enforcementLevel: "disabled", expires: "2099-01-01" } }, lakewardenPolicies),
            (e: unknown) => e instanceof ConfigError && e.problems.some(p => p.key === "policy/config/x.json: kms-key-rotation.reason"),
        );
    });

    it("stops the plan with exit 2 before evaluating the program when a relaxation has no expiry", async () => {
        const file = path.join(mkdtempSync(path.join(tmpdir(), "lw-policy-")), "relaxed.json");
        writeFileSync(
            file,
            JSON.stringify({ all: "mandatory", "kms-key-rotation": { enforcementLevel: "advisory", reason: "rotation handled by the HSM team" } }),
        );
        const result = await runPlan({ stack: "dev", policyConfigFile: file });
        assert.strictEqual(result.exitCode, 2);
        assert.deepStrictEqual(
            result.configError?.map(p => p.key),
            [`${path.relative(path.join(__dirname, "..", ".."), file)}: kms-key-rotation.expires`],
        );
        assert.match(renderPlan(result), /kms-key-rotation\.expires: lowering to advisory needs an expiry date/);
    });
});

describe("the organisation id in the offline plan (written once, in the stack config)", () => {
    it("stops the plan with exit 2 naming Pulumi.dev.yaml and lakewarden:organization.id when the stack config has none", async () => {
        const config = { ...readStackConfig("dev") };
        delete config["lakewarden:organization"];
        const result = await runPlan({ stack: "dev", config });
        assert.strictEqual(result.exitCode, 2);
        assert.deepStrictEqual(
            result.configError?.map(p => p.key),
            ["Pulumi.dev.yaml: lakewarden:organization.id"],
        );
        assert.match(renderPlan(result), /Pulumi\.dev\.yaml: lakewarden:organization\.id: not set/);
    });

    it("stops the plan with exit 2 naming the policy config file and key when a per-policy copy disagrees", async () => {
        const file = path.join(mkdtempSync(path.join(tmpdir(), "lw-policy-")), "org.json");
        const prod = readPolicyConfig(path.join(__dirname, "..", "..", "policy", "config", "prod.json"));
        writeFileSync(file, JSON.stringify({ ...prod, "secret-policy-scoped": { organizationId: "o-lw0example2" } }));
        const result = await runPlan({ stack: "prod", policyConfigFile: file });
        assert.strictEqual(result.exitCode, 2);
        assert.deepStrictEqual(result.configError, [
            {
                key: `${path.relative(path.join(__dirname, "..", ".."), file)}: secret-policy-scoped.organizationId`,
                message:
                    '"o-lw0example2" disagrees with lakewarden:organization.id o-lw0example1 in Pulumi.prod.yaml; remove it (the pack reads the organisation id from the stack config)',
            },
        ]);
    });
});

describe("exemptions in the offline plan", () => {
    it("stops the plan with exit 2 naming the file and key when an exemption matches no resource of the stack", async () => {
        const file = path.join(mkdtempSync(path.join(tmpdir(), "lw-policy-")), "stale.json");
        const prod = readPolicyConfig(path.join(__dirname, "..", "..", "policy", "config", "prod.json"));
        const exemption = { urn: "**::lakewarden-prod-old-bucket", reason: "bucket removed last quarter, SEC-9" };
        writeFileSync(file, JSON.stringify({ ...prod, "s3-bucket-versioning": { exemptions: [exemption] } }));
        const result = await runPlan({ stack: "prod", policyConfigFile: file });
        assert.strictEqual(result.exitCode, 2);
        assert.deepStrictEqual(
            result.configError?.map(p => p.key),
            [`${path.relative(path.join(__dirname, "..", ".."), file)}: s3-bucket-versioning.exemptions[0]`],
        );
        assert.match(renderPlan(result), /matches no resource s3-bucket-versioning judges in this stack/);
    });
});
