import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { environmentFromConfig } from "../../config/environment";
import { ConfigError } from "../../config/errors";
import { checkOrganizationSingletons, readProjectStacks, singletonClaims, singletonProblems, type StackModel } from "../../tools/offline/org-singletons";
import { readStackConfig, REPO_ROOT } from "../../tools/offline/stack-config";
import { runPlan } from "../../tools/plan";
import { sharedStack } from "../helpers/program";

type Organization = { id: string; ramSharingWithinOrganization?: boolean; macieAdministrator?: { stack: string; accountId: string } };

/** A stack's config with its organisation section rewritten (and optionally other sections), as the loader reads it. */
function config(stack: string, organization: (o: Organization) => Organization, sections: Record<string, unknown> = {}): Record<string, string> {
    const base = readStackConfig(stack);
    const org = organization(JSON.parse(base["lakewarden:organization"]) as Organization);
    return {
        ...base,
        "lakewarden:organization": JSON.stringify(org),
        ...Object.fromEntries(Object.entries(sections).map(([k, v]) => [`lakewarden:${k}`, JSON.stringify(v)])),
    };
}

function model(stack: string, cfg: Record<string, string> = readStackConfig(stack)): StackModel {
    return { file: `Pulumi.${stack}.yaml`, env: environmentFromConfig(stack, cfg) };
}

/** Dev as it shipped before: it delegates Macie too, its baseline targets prod's OU, and it shares Security Lake's tables by OU. */
function devOwningMacie(): Record<string, string> {
    const { macieAdministrator: _, ...own } = JSON.parse(readStackConfig("dev")["lakewarden:organization"]) as Organization;
    const sensitive = JSON.parse(readStackConfig("dev")["lakewarden:sensitiveData"]) as { targetOus: string[] };
    const ou = "ou-lw00-workload1x";
    const table = {
        database: "amazon_security_lake_glue_db_eu_west_1",
        table: "amazon_security_lake_table_eu_west_1_sh_findings_1_0",
        accountColumn: "accountid",
        includeNested: true,
    };
    return config("dev", () => own, {
        sensitiveData: { ...sensitive, targetOus: [ou] },
        ouSharing: { schedule: "rate(1 hour)", mappings: [{ ou, consumers: ["analytics"], tables: [table] }] },
    });
}

describe("organisation singletons across the project's stacks (tools/offline/org-singletons.ts)", () => {
    it("the repository's own stacks pass: one organisation, prod owns the Macie delegation, dev names it", () => {
        const stacks = readProjectStacks();
        assert.deepEqual(
            stacks.map(s => s.file),
            ["Pulumi.dev.yaml", "Pulumi.prod.yaml"],
        );
        assert.equal(stacks[0].env.organization.id, stacks[1].env.organization.id);
        assert.deepEqual(singletonProblems(stacks), []);
        assert.deepEqual(stacks[0].env.organization.macieAdministrator, { stack: "prod", accountId: "210987654321" });
        assert.ok(singletonClaims(stacks[1].env).some(c => c.id === "macie-delegation/o-lw0example1"));
        assert.ok(!singletonClaims(stacks[0].env).some(c => c.id.startsWith("macie-delegation/")));
    });

    it("refuses two stacks that both delegate Macie in one organisation, naming both files and the keys", () => {
        const problems = singletonProblems([model("dev", devOwningMacie()), model("prod")]);
        const byId = (fragment: string) => problems.filter(p => p.message.includes(fragment));
        const [delegation] = byId("delegated Macie administrator of organisation o-lw0example1");
        assert.ok(delegation, JSON.stringify(problems, null, 2));
        assert.equal(delegation.key, "Pulumi.prod.yaml: lakewarden:accounts[management], lakewarden:organization.macieAdministrator (absent)");
        assert.match(delegation.message, /owned by two stacks: Pulumi\.dev\.yaml \(lakewarden:accounts\[management\].*\) and Pulumi\.prod\.yaml/);
        assert.match(delegation.message, /name that stack in the other's lakewarden:organization\.macieAdministrator/);
        // The management account's own Macie (aws.macie2.Account) is the same resource in both stacks.
        assert.equal(byId("Macie in account 111122223333 (management), eu-west-1").length, 1);
        assert.equal(byId("Macie organisation configuration of o-lw0example1 in eu-west-1").length, 1);
        // Dev's member baseline on prod's OU.
        const [ou] = byId("member baseline of ou-lw00-workload1x");
        assert.equal(ou.key, "Pulumi.prod.yaml: lakewarden:sensitiveData.targetOus");
        // Both read Security Lake's tables in their own security account: one Security Lake administrator per organisation.
        const [lake] = byId("Security Lake delegated administrator of o-lw0example1");
        assert.equal(lake.key, "Pulumi.prod.yaml: lakewarden:ouSharing.mappings[0].tables[0].database");
        assert.match(lake.message, /Pulumi\.dev\.yaml \(lakewarden:ouSharing\.mappings\[0\]\.tables\[0\]\.database\)/);
        assert.equal(problems.length, 5, JSON.stringify(problems, null, 2));
    });

    it("allows two owners in different organisations (each with its own management account)", () => {
        const dev = devOwningMacie();
        const accounts = (JSON.parse(dev["lakewarden:accounts"]) as { role: string; id: string; deployRoleArn: string; previewRoleArn: string }[]).map(a =>
            a.role === "management"
                ? {
                      ...a,
                      id: "121212121212",
                      deployRoleArn: "arn:aws:iam::121212121212:role/lakewarden-deploy",
                      previewRoleArn: "arn:aws:iam::121212121212:role/lakewarden-preview",
                  }
                : a,
        );
        const otherOrg = {
            ...dev,
            "lakewarden:organization": JSON.stringify({ id: "o-lw0example2", ramSharingWithinOrganization: true }),
            "lakewarden:accounts": JSON.stringify(accounts),
        };
        assert.deepEqual(singletonProblems([model("dev", otherOrg), model("prod")]), []);
    });

    it("refuses a macieAdministrator that is not the named stack's delegation", () => {
        const named = (macieAdministrator: { stack: string; accountId: string }) =>
            singletonProblems([
                model(
                    "dev",
                    config("dev", o => ({ ...o, macieAdministrator })),
                ),
                model("prod"),
            ]);
        const key = "Pulumi.dev.yaml: lakewarden:organization.macieAdministrator";
        assert.deepEqual(named({ stack: "prod", accountId: "999999999999" }), [
            {
                key,
                message:
                    "accountId 999999999999 is not the Macie administrator stack prod delegates to: 210987654321 (Pulumi.prod.yaml, lakewarden:accounts[security])",
            },
        ]);
        assert.deepEqual(named({ stack: "staging", accountId: "210987654321" }), [
            { key, message: "names stack staging, but there is no Pulumi.staging.yaml (stacks: dev, prod)" },
        ]);
        assert.deepEqual(named({ stack: "dev", accountId: "210987654321" }), [
            { key, message: "names this stack; leave it out when this stack owns the organisation's Macie delegation" },
        ]);
        // Prod in another organisation cannot administer dev's.
        const prodElsewhere = model(
            "prod",
            config("prod", o => ({ ...o, id: "o-lw0example9" })),
        );
        assert.deepEqual(
            singletonProblems([model("dev"), prodElsewhere]).map(p => p.message),
            [
                "names stack prod, which is in organisation o-lw0example9 (Pulumi.prod.yaml), not o-lw0example1; a stack of another organisation cannot be this organisation's Macie administrator",
            ],
        );
        // Prod that names dev back: nobody delegates.
        const prodNamingDev = model(
            "prod",
            config("prod", o => ({ ...o, macieAdministrator: { stack: "dev", accountId: "444455556666" } })),
        );
        assert.deepEqual(
            singletonProblems([model("dev"), prodNamingDev]).map(p => p.message),
            [
                "names stack prod, which does not delegate Macie (Pulumi.prod.yaml names its own macieAdministrator)",
                "names stack dev, which does not delegate Macie (Pulumi.dev.yaml names its own macieAdministrator)",
            ],
        );
    });

    it("refuses an account that two stacks manage (Lake Formation settings, Macie membership and export)", () => {
        const hrLake = model("prod").env.accounts.find(a => a.name === "hr-lake")!.id;
        const dev = model("dev");
        // Dev's producer in prod's hr-lake account (the model as the loader returns it, account id replaced).
        const env = { ...dev.env, accounts: dev.env.accounts.map(a => (a.name === "producer" ? { ...a, id: hrLake } : a)) };
        const problems = singletonProblems([{ file: dev.file, env }, model("prod")]);
        const about = (start: string) => problems.filter(p => p.message.startsWith(start));
        assert.deepEqual(
            about(`the Lake Formation settings of account ${hrLake} (hr-lake) in eu-west-1`).map(p => p.key),
            ["Pulumi.prod.yaml: lakewarden:accounts[hr-lake]"],
        );
        assert.match(
            about(`the Lake Formation settings of account ${hrLake}`)[0].message,
            /owned by two stacks: Pulumi\.dev\.yaml \(lakewarden:accounts\[producer\]\)/,
        );
        // Prod's security account enrols it as an organisation member, dev's invites it: one administrator per account.
        assert.match(
            about(`the Macie association of account ${hrLake} (hr-lake) in eu-west-1`)[0].message,
            /Pulumi\.dev\.yaml \(lakewarden:remediation, lakewarden:accounts\[producer\]\) and Pulumi\.prod\.yaml/,
        );
        // Both run scan stages there: one Macie export configuration per account and Region.
        assert.deepEqual(
            about(`the Macie export configuration of account ${hrLake}`).map(p => p.key),
            ["Pulumi.prod.yaml: lakewarden:scanStage.pipelines[0].account"],
        );
        assert.equal(problems.length, 3, JSON.stringify(problems, null, 2));
    });

    it("reads every Pulumi.*.yaml of a project, names an invalid one, and the plan's check involves the planned stack only", () => {
        const root = mkdtempSync(path.join(tmpdir(), "lw-org-"));
        try {
            for (const f of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
                writeFileSync(path.join(root, f), readFileSync(path.join(REPO_ROOT, f)));
            }
            assert.deepEqual(singletonProblems(readProjectStacks(root)), []);
            // A copy of prod as "staging" owns the same delegation as prod: both plans refuse it, naming each other.
            writeFileSync(path.join(root, "Pulumi.staging.yaml"), readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml")));
            assert.throws(
                () => checkOrganizationSingletons(environmentFromConfig("prod", readStackConfig("prod")), root),
                (e: unknown) =>
                    e instanceof ConfigError &&
                    e.problems.some(p => p.key.startsWith("Pulumi.staging.yaml: ") && p.message.includes("Pulumi.prod.yaml (lakewarden:accounts[management]")),
            );
            // Dev is part of no conflict between prod and staging.
            checkOrganizationSingletons(environmentFromConfig("dev", readStackConfig("dev")), root);
            writeFileSync(path.join(root, "Pulumi.staging.yaml"), 'config:\n  pulumi:disable-default-providers: ["aws"]\n  lakewarden:homeRegion: eu-west-9\n');
            assert.throws(
                () => readProjectStacks(root),
                (e: unknown) => e instanceof ConfigError && e.problems.some(p => p.key === "Pulumi.staging.yaml: lakewarden:homeRegion"),
            );
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });

    it("npm run plan stops with exit 2 on dev as it shipped (two Macie delegations in one organisation)", async () => {
        const result = await runPlan({ stack: "dev", config: devOwningMacie() });
        assert.equal(result.exitCode, 2);
        assert.deepEqual(result.resources, []);
        assert.ok(
            result.configError?.some(p => p.key === "Pulumi.prod.yaml: lakewarden:accounts[management], lakewarden:organization.macieAdministrator (absent)"),
            JSON.stringify(result.configError, null, 2),
        );
    });

    it("config validation refuses a macieAdministrator that is one of the stack's own accounts", () => {
        assert.throws(
            () =>
                environmentFromConfig(
                    "dev",
                    config("dev", o => ({ ...o, macieAdministrator: { stack: "prod", accountId: "444455556666" } })),
                ),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.problems.length === 1 &&
                e.problems[0].key === "lakewarden:organization.macieAdministrator.accountId" &&
                e.problems[0].message.startsWith('444455556666 is this stack\'s account "security"'),
        );
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the claims are the program's singleton resources (recorded), account by account`, async function () {
            this.timeout(300_000);
            const recording = await sharedStack(stack);
            const env = environmentFromConfig(stack, readStackConfig(stack));
            const claims = singletonClaims(env).map(c => c.id);
            const perAccount = (kind: string) =>
                claims
                    .filter(id => id.startsWith(`${kind}/`))
                    .map(id => id.split("/")[1])
                    .sort();
            const recorded = (type: string, account: (r: (typeof recording.resources)[number]) => unknown = r => r.accountId) =>
                recording.resources
                    .filter(r => r.type === type)
                    .map(r => String(account(r)))
                    .sort();
            assert.deepEqual(perAccount("macie-account"), recorded("aws:macie2/account:Account"));
            assert.deepEqual(perAccount("macie-export"), recorded("aws:macie2/classificationExportConfiguration:ClassificationExportConfiguration"));
            assert.deepEqual(perAccount("lakeformation-settings"), recorded("aws:lakeformation/dataLakeSettings:DataLakeSettings"));
            const [security] = env.accounts.filter(a => a.role === "security");
            assert.deepEqual(
                perAccount("macie-association").filter(id => id !== security.id),
                recorded("aws:macie2/member:Member", r => r.props.accountId),
            );
            assert.equal(
                claims.filter(id => id.startsWith("macie-delegation/")).length,
                recorded("aws:macie2/organizationAdminAccount:OrganizationAdminAccount").length,
            );
            assert.equal(
                claims.filter(id => id.startsWith("macie-organization-configuration/")).length,
                recorded("aws:macie2/organizationConfiguration:OrganizationConfiguration").length,
            );
            assert.deepEqual(
                claims
                    .filter(id => id.startsWith("sensitive-data-ou/"))
                    .map(id => id.split("/")[2])
                    .sort(),
                recorded("aws:organizations/policyAttachment:PolicyAttachment", r => r.props.targetId),
            );
        });
    }
});
