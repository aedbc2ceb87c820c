import * as assert from "node:assert/strict";
import { environmentFromConfig } from "../../config/environment";
import { ConfigError } from "../../config/errors";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readStackConfig } from "../../tools/offline/stack-config";
import { expectProblem, mutate, problemsOf } from "../helpers/config";

describe("environment model", () => {
    for (const stack of ["dev", "prod"]) {
        it(`accepts Pulumi.${stack}.yaml`, () => {
            const env = environmentFromConfig(stack, readStackConfig(stack));
            assert.equal(env.name, stack);
            assert.ok(env.accounts.some(a => a.role === "security"));
            assert.ok(env.accounts.some(a => a.role === "producer"));
        });
    }

    it("prod has at least two consumers", () => {
        const env = environmentFromConfig("prod", readStackConfig("prod"));
        assert.ok(env.accounts.filter(a => a.role === "consumer").length >= 2);
    });

    it("rejects an account id that is not 12 digits", () => {
        expectProblem(
            mutate("dev", r => (r.accounts[1].id = "44445555666")),
            "lakewarden:accounts[security].id",
            /12-digit AWS account id, got "44445555666"/,
        );
    });

    it("rejects an account id given as a number", () => {
        expectProblem(
            mutate("dev", r => (r.accounts[1].id = 444455556666)),
            "lakewarden:accounts[security].id",
            /12-digit AWS account id/,
        );
    });

    it("rejects two accounts with the same id", () => {
        expectProblem(
            mutate("dev", r => {
                r.accounts[3].id = r.accounts[2].id;
                r.accounts[3].deployRoleArn = r.accounts[2].deployRoleArn;
            }),
            "lakewarden:accounts[analytics].id",
            /duplicate account id "777788889999"/,
        );
    });

    it("rejects two accounts with the same name", () => {
        expectProblem(
            mutate("dev", r => (r.accounts[3].name = "producer")),
            "lakewarden:accounts[producer].name",
            /duplicate account name "producer"/,
        );
    });

    it("rejects a deploy role ARN in another account", () => {
        expectProblem(
            mutate("dev", r => (r.accounts[2].deployRoleArn = "arn:aws:iam::123456789012:role/lakewarden-deploy")),
            "lakewarden:accounts[producer].deployRoleArn",
            /role ARN is in account 123456789012, but account "producer" has id 777788889999/,
        );
    });

    it("rejects a Lake Formation admin from another account", () => {
        expectProblem(
            mutate("dev", r => (r.accounts[2].lakeFormationAdmins = ["arn:aws:iam::123456789012:role/admin"])),
            "lakewarden:accounts[producer].lakeFormationAdmins[0]",
            /must be a role of account 777788889999/,
        );
    });

    it("rejects an environment without a security account", () => {
        expectProblem(
            mutate("dev", r => (r.accounts = r.accounts.filter(a => a.role !== "security"))),
            "lakewarden:accounts",
            /at least one account with role "security"/,
        );
    });

    it("rejects an environment without a producer account", () => {
        const raw = mutate("dev", r => {
            r.accounts = r.accounts.filter(a => a.role !== "producer");
            r.datasets = [];
            r.shares = [];
            r.consumerAccess = [];
        });
        expectProblem(raw, "lakewarden:accounts", /at least one account with role "producer"/);
    });

    it("rejects an unknown account referenced from another section", () => {
        expectProblem(
            mutate("dev", r => (r.shares[0].consumer = "analytcs")),
            "lakewarden:shares[0].consumer",
            /unknown account "analytcs"/,
        );
    });

    it("rejects a reference to an account of the wrong role", () => {
        expectProblem(
            mutate("dev", r => (r.datasets[0].producer = "analytics")),
            "lakewarden:datasets[0].producer",
            /role consumer, expected producer/,
        );
    });

    it("rejects an unknown config key instead of ignoring it", () => {
        const config = { ...readStackConfig("dev"), "lakewarden:acounts": "[]" };
        assert.throws(
            () => environmentFromConfig("dev", config),
            (e: unknown) => e instanceof ConfigError && e.problems[0].key === "lakewarden:acounts",
        );
    });

    it("rejects a near-miss namespace that would silently drop a section", () => {
        const config = { ...readStackConfig("dev"), "lakwarden:remediation": "{}" };
        assert.throws(
            () => environmentFromConfig("dev", config),
            (e: unknown) =>
                e instanceof ConfigError && e.problems.some(p => p.key === "lakwarden:remediation" && /did you mean lakewarden:remediation\?/.test(p.message)),
        );
    });

    it("rejects default providers left on or disabled for something else than aws", () => {
        for (const value of [undefined, "[]", '["gcp"]', "true"]) {
            const config: Record<string, string> = { ...readStackConfig("dev") };
            if (value === undefined) delete config["pulumi:disable-default-providers"];
            else config["pulumi:disable-default-providers"] = value;
            assert.throws(
                () => environmentFromConfig("dev", config),
                (e: unknown) =>
                    e instanceof ConfigError && e.problems.some(p => p.key === "pulumi:disable-default-providers" && /must be \["aws"\]/.test(p.message)),
                String(value),
            );
        }
    });

    it("reports every problem at once, each with its key", () => {
        const problems = problemsOf(
            mutate("dev", r => {
                r.accounts[0].id = "1";
                (r.organization as Record<string, unknown>).id = "org-1";
            }),
        );
        assert.deepEqual(problems.map(p => p.key).sort(), ["lakewarden:accounts[management].id", "lakewarden:organization.id"]);
    });

    it("rejects a region the AWS provider does not know, suggesting the close match", () => {
        expectProblem(
            mutate("dev", r => (r.homeRegion = "eu-wset-1")),
            "lakewarden:homeRegion",
            /unknown AWS region "eu-wset-1" \(did you mean eu-west-1\?\)/,
        );
        expectProblem(
            mutate("dev", r => (r.accounts[3].region = "us-east-7")),
            "lakewarden:accounts[analytics].region",
            /unknown AWS region "us-east-7" \(did you mean us-east-1\?\)/,
        );
        // Matches the old pattern (two letters, a word, a digit) but is no region.
        expectProblem(
            mutate("dev", r => (r.homeRegion = "zz-middle-9")),
            "lakewarden:homeRegion",
            /^unknown AWS region "zz-middle-9"$/,
        );
    });

    it("names an account by its index when it has no usable name", () => {
        expectProblem(
            mutate("dev", r => {
                delete r.accounts[2].name;
            }),
            "lakewarden:accounts[2].name",
            /expected string/,
        );
    });

    it("rejects a stack file that is not valid YAML, naming the file", () => {
        const root = mkdtempSync(path.join(tmpdir(), "lw-stack-"));
        writeFileSync(path.join(root, "Pulumi.broken.yaml"), "config:\n  lakewarden:homeRegion: eu-west-1\n   lakewarden:tags: [a\n");
        assert.throws(
            () => readStackConfig("broken", root),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.problems.length === 1 &&
                e.problems[0].key === "Pulumi.broken.yaml" &&
                /not valid YAML: .*line/.test(e.problems[0].message),
        );
        assert.throws(
            () => readStackConfig("absent", root),
            (e: unknown) => e instanceof ConfigError && e.problems[0].key === "Pulumi.absent.yaml" && /does not exist/.test(e.problems[0].message),
        );
    });
});
