import * as assert from "node:assert/strict";
import { accountTargets, globToRegExp, pulumiUpCommand } from "../../tools/offline/targets";
import { sharedStack, type Recording } from "../helpers/program";

describe("per-account deploy targets", () => {
    let prod: Recording;
    before(async () => {
        prod = await sharedStack("prod");
    });

    it("reads globs as the engine does", () => {
        assert.ok(globToRegExp("urn:pulumi:dev::p::a:b:C$**::x-*").test("urn:pulumi:dev::p::a:b:C$d:e:F$aws:s3/bucket:Bucket::x-raw"));
        assert.ok(!globToRegExp("urn:pulumi:dev::p::a:b:C$**::x-*").test("urn:pulumi:dev::p::a:b:C$aws:s3/bucket:Bucket::y-raw"));
        assert.ok(!globToRegExp("urn:*").test("urn:pulumi:dev"));
    });

    for (const account of ["hr-lake", "sales-lake", "finance", "security", "management"]) {
        it(`selects exactly ${account}'s subtree and provider`, () => {
            const { targets, selected } = accountTargets(prod.resources, account);
            const component = prod.resources.find(r => r.type.startsWith("lakewarden:account:") && r.name === account);
            assert.ok(component);
            const expected = new Set([component.urn, `urn:pulumi:prod::lakewarden::pulumi:providers:aws::${account}`]);
            if (account === "management") {
                expected.add("urn:pulumi:prod::lakewarden::pulumi:providers:aws::management-us-east-1");
            }
            let grew = true;
            while (grew) {
                grew = false;
                for (const r of prod.resources) {
                    if (r.parent && expected.has(r.parent) && !expected.has(r.urn)) {
                        expected.add(r.urn);
                        grew = true;
                    }
                }
            }
            assert.deepEqual([...selected].sort(), [...expected].sort());
            assert.ok(targets.includes(`urn:pulumi:prod::lakewarden::pulumi:providers:aws::${account}`));
        });
    }

    it("uses globs for the component subtree", () => {
        const { targets, explicit } = accountTargets(prod.resources, "finance");
        assert.equal(explicit, false);
        assert.deepEqual(targets, [
            "urn:pulumi:prod::lakewarden::lakewarden:account:Consumer::finance",
            "urn:pulumi:prod::lakewarden::lakewarden:account:Consumer$**::finance-*",
            "urn:pulumi:prod::lakewarden::pulumi:providers:aws::finance",
        ]);
    });

    it("falls back to explicit URNs when an account name prefixes another's", () => {
        const renamed = prod.resources.map(r => ({ ...r }));
        // An account named "sales" would glob "sales-*" over "sales-lake-*" children too.
        const { explicit, selected } = accountTargets(
            renamed.map(r => (r.name === "finance" && r.type.startsWith("lakewarden:account:") ? { ...r, name: "sales" } : r)),
            "sales",
        );
        assert.equal(explicit, true);
        assert.ok(selected.every(urn => !urn.includes("sales-lake")));
    });

    it("builds the pulumi command with the policy pack", () => {
        assert.deepEqual(pulumiUpCommand("prod", ["a", "b"], false), [
            "pulumi",
            "up",
            "--stack",
            "prod",
            "--target",
            "a",
            "--target",
            "b",
            "--policy-pack",
            "policy",
            "--policy-pack-config",
            "policy/config/prod.json",
        ]);
    });

    it("names the known accounts when the account is unknown", () => {
        assert.throws(
            () => accountTargets(prod.resources, "nope"),
            /no account named "nope" in this stack \(accounts: hr-lake, sales-lake, analytics, finance, marketing, security, management\)/,
        );
    });
});
