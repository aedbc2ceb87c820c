import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { diffAccess, renderAccessDiff } from "../../tools/access/diff";
import { computeAccessReport, renderAccessReport } from "../../tools/access/report";
import { planJson, type PlanResult, renderPlan, runPlan } from "../../tools/plan";
import type { RecordedResource } from "../../tools/offline/recorder";
import { sectionOf, sharedStack, withSection } from "../helpers/program";

// Exact, like the grant plan tests: the report is what a security reviewer signs off, so any change
// to who reads what must show up here as a reviewed diff.
describe("access report", () => {
    let dev: PlanResult;
    let prod: PlanResult;
    before(async function () {
        this.timeout(300_000);
        dev = await runPlan({ stack: "dev", recording: await sharedStack("dev") });
        prod = await runPlan({ stack: "prod", recording: await sharedStack("prod") });
    });

    it("dev: the analytics account and its runtime roles, every pii/secret column that crosses, with its approval", () => {
        assert.ok(dev.access, renderPlan(dev));
        assert.deepEqual(renderAccessReport(dev.access).split("\n"), DEV);
    });

    it("prod: three consumers, the marketing row filter, approvals per column and account", () => {
        assert.ok(prod.access, renderPlan(prod));
        assert.deepEqual(renderAccessReport(prod.access).split("\n"), PROD);
    });

    it("verbose lists every grant with its resource name and URN, and the JSON carries the report", () => {
        const verbose = renderAccessReport(prod.access!, true);
        for (const p of prod.resources.filter(r => r.type === "aws:lakeformation/permissions:Permissions")) {
            assert.ok(verbose.includes(`by ${p.name} in `) && verbose.includes(p.urn), `${p.name} missing from the verbose report`);
        }
        assert.match(verbose, /resource link marketing:sales_shared -> sales-lake:sales \(urn:pulumi:prod::/);
        const json = JSON.parse(JSON.stringify(planJson(prod))) as { access: { crossings: unknown[] }; policyConfigFile: string };
        assert.equal(json.access.crossings.length, prod.access!.crossings.length);
        assert.equal(json.policyConfigFile, "policy/config/prod.json");
    });

    it("the plan lists every policy the config relaxes below mandatory: dev some, prod none", () => {
        assert.ok(dev.relaxed!.some(r => r.policy === "s3-bucket-access-logging" && r.level === "advisory"));
        assert.match(renderPlan(dev), /relaxed below mandatory by policy\/config\/dev\.json: .*s3-bucket-access-logging \(advisory\)/);
        assert.deepEqual(prod.relaxed, []);
    });

    it("an expired approval leaves the crossing unapproved in the report, as in the pack", () => {
        const approvals = [{ column: "company.employees.name", account: "123456789012", reason: "reviewed once", approver: "SEC-1", expires: "2026-01-31" }];
        const report = computeAccessReport(dev.resources, dev.accounts, approvals, new Date("2026-02-01T00:00:00Z"));
        assert.ok(report.crossings.length > 0);
        assert.ok(report.crossings.every(c => c.approval === undefined));
    });
});

describe("access diff (--against)", () => {
    let base: PlanResult;
    before(async function () {
        this.timeout(300_000);
        base = await runPlan({ stack: "prod", recording: await sharedStack("prod") });
    });

    it("an unchanged program has no access changes", () => {
        const diff = diffAccess(base.access!, base.access!);
        assert.deepEqual(diff, { changes: [], newCrossings: [], endedCrossings: [] });
    });

    it("a change that makes a pii column cross accounts is listed and is a mandatory violation without an approval", async function () {
        this.timeout(300_000);
        const file = `${tmpdir()}/lw-base-${process.pid}.json`;
        writeFileSync(file, JSON.stringify(planJson(base)));
        // finance's controlling role and account start reading customers.email (pii).
        const addEmail = (resources: RecordedResource[]) => {
            for (const r of resources.filter(x => x.type === "aws:lakeformation/permissions:Permissions")) {
                const twc = r.props.tableWithColumns as { name?: string; columnNames?: string[] } | undefined;
                if (twc?.name === "customers" && String(r.props.principal).includes("999900001111")) {
                    twc.columnNames = [...(twc.columnNames ?? []), "email"].sort();
                }
            }
        };
        const head = await runPlan({ stack: "prod", against: file, recording: await sharedStack("prod"), mutate: addEmail });
        assert.equal(head.exitCode, 1);
        const text = renderAccessDiff(head.accessDiff!, file).split("\n");
        assert.deepEqual(text, [
            `access diff against ${file}: 2 change(s), 2 new pii/secret crossing(s)`,
            "  ~ widened consumer finance: sales-lake:sales.customers: columns +email",
            "  ~ widened role arn:aws:iam::999900001111:role/lakewarden-prod-finance-controlling-runtime: sales-lake:sales.customers: columns +email",
            "  ! starts crossing: sales-lake:sales.customers.email [pii] -> role lakewarden-prod-finance-controlling-runtime in finance by finance-grants-controlling-sales-customers-columns-select; NOT APPROVED",
            "  ! starts crossing: sales-lake:sales.customers.email [pii] -> finance by sales-lake-shares-finance-sales-customers-columns-select; NOT APPROVED",
        ]);
        const gate = head.policy!.violations.filter(v => v.policyName === "access-new-sensitive-crossing");
        assert.deepEqual(
            gate.map(v => [v.enforcementLevel, v.resourceName]),
            [
                ["mandatory", "finance-grants-controlling-sales-customers-columns-select"],
                ["mandatory", "sales-lake-shares-finance-sales-customers-columns-select"],
            ],
        );
        assert.match(gate[0].message, /lf-sensitive-data-requires-filter\.approvedColumns in policy\/config\/prod\.json/);
        // The pack itself refuses the unapproved named pii column too (not only the diff).
        assert.ok(head.policy!.violations.some(v => v.policyName === "lf-sensitive-data-requires-filter" && /sensitive columns email/.test(v.message)));
    });

    it("a removed row filter is a widening", () => {
        const widened = structuredClone(base.access!);
        const entry = widened.consumers.flatMap(c => c.entries).find(e => e.filter === "lw_marketing_customers");
        assert.ok(entry);
        delete entry.rowFilter;
        const diff = diffAccess(base.access!, widened);
        assert.deepEqual(
            diff.changes.map(c => `${c.change} ${c.holder}: ${c.line}`),
            ["widened consumer marketing: sales-lake:sales.customers filter lw_marketing_customers: rows: where country IN ('DE', 'FR', 'NL') -> all"],
        );
    });

    it("a row-filtered share whose columns leave the pii column out passes config and gate, and nothing pii reaches marketing", async function () {
        this.timeout(300_000);
        const shares = sectionOf<Record<string, unknown>[]>("prod", "shares");
        const filtered = shares.find(s => s.rowFilter !== undefined)!;
        filtered.columns = ["country", "customer_id", "segment"];
        const result = await runPlan({ stack: "prod", config: withSection("prod", "shares", shares) });
        assert.equal(result.exitCode, 0, renderPlan(result));
        assert.deepEqual(
            result.access!.crossings.filter(c => c.account === "marketing"),
            [],
        );
        const campaigns = result.access!.roles.find(r => r.role.endsWith("marketing-campaigns-runtime"))!;
        assert.ok(
            campaigns.entries.some(e => e.filter === "lw_marketing_customers" && e.columns?.map(c => c.name).join(",") === "customer_id,country,segment"),
        );
    });

    it("a base file without an access report is a config error naming it", async () => {
        const file = `${tmpdir()}/lw-empty-${process.pid}.json`;
        writeFileSync(file, "{}");
        const result = await runPlan({ stack: "dev", against: file });
        assert.equal(result.exitCode, 2);
        assert.equal(result.configError?.[0].key, "--against");
        assert.match(result.configError[0].message, /holds no access report/);
    });
});

const DEV = [
    "access report (from the recorded Lake Formation grants, filters, resource links and RAM shares):",
    "  consumer analytics (123456789012) receives:",
    "    producer:company.employees: uid, name[pii], department, salary[secret]; all rows [SELECT, grantable]",
    "    producer:company.employees (metadata only) [DESCRIBE, grantable]",
    "    producer:company.products (whole table): product_id, name, category, price; all rows [DESCRIBE,SELECT, grantable]",
    "    databases: producer:company",
    // The production sanitisation job's account receives CREATE_TABLE on the sanitised database (lakewarden:sanitisation.source).
    "  consumer 222233334444 (222233334444) receives:",
    "    databases: producer:company_sanitised",
    "  role arn:aws:iam::777788889999:role/lakewarden-dev-discovery-reporter-fn (producer) reads no rows (metadata only)",
    "  role arn:aws:iam::123456789012:role/lakewarden-dev-analytics-hr-runtime (analytics) reads:",
    "    producer:company.employees: uid, name[pii], department, salary[secret]; all rows [SELECT]",
    "  role arn:aws:iam::123456789012:role/lakewarden-dev-analytics-sales-runtime (analytics) reads:",
    "    producer:company.employees: uid, name[pii], department; all rows [SELECT]",
    "    producer:company.products (whole table): product_id, name, category, price; all rows [DESCRIBE,SELECT]",
    "  pii/secret columns crossing an account boundary: 5",
    "    producer:company.employees.name [pii] -> analytics by producer-shares-analytics-company-employees-columns-select; approved by SEC-DEV-0001 until 2027-06-30",
    "    producer:company.employees.name [pii] -> role lakewarden-dev-analytics-hr-runtime in analytics by analytics-grants-hr-company-employees-columns-select; approved by SEC-DEV-0001 until 2027-06-30",
    "    producer:company.employees.name [pii] -> role lakewarden-dev-analytics-sales-runtime in analytics by analytics-grants-sales-company-employees-columns-select; approved by SEC-DEV-0001 until 2027-06-30",
    "    producer:company.employees.salary [secret] -> analytics by producer-shares-analytics-company-employees-columns-select; approved by SEC-DEV-0001 until 2027-06-30",
    "    producer:company.employees.salary [secret] -> role lakewarden-dev-analytics-hr-runtime in analytics by analytics-grants-hr-company-employees-columns-select; approved by SEC-DEV-0001 until 2027-06-30",
];

const PROD = [
    "access report (from the recorded Lake Formation grants, filters, resource links and RAM shares):",
    "  consumer analytics (666677778888) receives:",
    "    hr-lake:company.employees: uid, name[pii], department, salary[secret]; all rows [SELECT, grantable]",
    "    hr-lake:company.employees (metadata only) [DESCRIBE, grantable]",
    "    hr-lake:company.products (whole table): product_id, name, category, price; all rows [DESCRIBE,SELECT, grantable]",
    "    sales-lake:sales.orders (whole table): order_id, customer_id, region, amount, ordered_at; all rows [DESCRIBE,SELECT, grantable]",
    "    databases: hr-lake:company, sales-lake:sales",
    "  consumer finance (999900001111) receives:",
    "    sales-lake:sales.customers: customer_id, country, segment; all rows [SELECT, grantable]",
    "    sales-lake:sales.customers (metadata only) [DESCRIBE, grantable]",
    "    sales-lake:sales.orders (whole table): order_id, customer_id, region, amount, ordered_at; all rows [DESCRIBE,SELECT, grantable]",
    "    databases: sales-lake:sales",
    "  consumer marketing (555566667777) receives:",
    "    hr-lake:company.products (whole table): product_id, name, category, price; all rows [DESCRIBE,SELECT, grantable]",
    "    sales-lake:sales.customers filter lw_marketing_customers: customer_id, email[pii], country, segment; rows where country IN ('DE', 'FR', 'NL') [SELECT, grantable]",
    "    sales-lake:sales.customers (metadata only) [DESCRIBE, grantable]",
    "    databases: hr-lake:company, sales-lake:sales",
    "  role arn:aws:iam::210987654321:role/lakewarden-prod-ou-row-filters-fn (security) reads:",
    "    security:amazon_security_lake_glue_db_eu_west_1.amazon_security_lake_table_eu_west_1_sh_findings_1_0 (whole table): columns not known; all rows [DESCRIBE,SELECT, grantable]",
    "  role arn:aws:iam::222233334444:role/lakewarden-prod-discovery-reporter-fn (hr-lake) reads no rows (metadata only)",
    // The sanitisation jobs read their source tables whole; pii is tokenised and secret dropped before anything leaves.
    "  role arn:aws:iam::222233334444:role/lakewarden-prod-sanitise-dev (hr-lake) reads:",
    "    hr-lake:company.employees (whole table): uid, name[pii], department, salary[secret]; all rows [DESCRIBE,SELECT]",
    "    hr-lake:company.products (whole table): product_id, name, category, price; all rows [DESCRIBE,SELECT]",
    "  role arn:aws:iam::333344445555:role/lakewarden-prod-discovery-reporter-fn (sales-lake) reads no rows (metadata only)",
    "  role arn:aws:iam::666677778888:role/lakewarden-prod-analytics-hr-runtime (analytics) reads:",
    "    hr-lake:company.employees: uid, name[pii], department, salary[secret]; all rows [SELECT]",
    "  role arn:aws:iam::666677778888:role/lakewarden-prod-analytics-sales-runtime (analytics) reads:",
    "    hr-lake:company.employees: uid, name[pii], department; all rows [SELECT]",
    "    hr-lake:company.products (whole table): product_id, name, category, price; all rows [DESCRIBE,SELECT]",
    "    sales-lake:sales.orders (whole table): order_id, customer_id, region, amount, ordered_at; all rows [DESCRIBE,SELECT]",
    "  role arn:aws:iam::999900001111:role/lakewarden-prod-finance-controlling-runtime (finance) reads:",
    "    sales-lake:sales.customers: customer_id, segment; all rows [SELECT]",
    "    sales-lake:sales.orders (whole table): order_id, customer_id, region, amount, ordered_at; all rows [DESCRIBE,SELECT]",
    "  role arn:aws:iam::555566667777:role/lakewarden-prod-marketing-campaigns-runtime (marketing) reads:",
    "    hr-lake:company.products: product_id, name, category; all rows [SELECT]",
    "    sales-lake:sales.customers filter lw_marketing_customers: customer_id, email[pii], country, segment; rows where country IN ('DE', 'FR', 'NL') [SELECT]",
    "  pii/secret columns crossing an account boundary: 7",
    "    hr-lake:company.employees.name [pii] -> analytics by hr-lake-shares-analytics-company-employees-columns-select; approved by DPO-2026-014 until 2027-03-31",
    "    hr-lake:company.employees.name [pii] -> role lakewarden-prod-analytics-hr-runtime in analytics by analytics-grants-hr-company-employees-columns-select; approved by DPO-2026-014 until 2027-03-31",
    "    hr-lake:company.employees.name [pii] -> role lakewarden-prod-analytics-sales-runtime in analytics by analytics-grants-sales-company-employees-columns-select; approved by DPO-2026-014 until 2027-03-31",
    "    hr-lake:company.employees.salary [secret] -> analytics by hr-lake-shares-analytics-company-employees-columns-select; approved by DPO-2026-014 until 2027-03-31",
    "    hr-lake:company.employees.salary [secret] -> role lakewarden-prod-analytics-hr-runtime in analytics by analytics-grants-hr-company-employees-columns-select; approved by DPO-2026-014 until 2027-03-31",
    "    sales-lake:sales.customers.email [pii] -> role lakewarden-prod-marketing-campaigns-runtime in marketing (rows where country IN ('DE', 'FR', 'NL')) by marketing-grants-campaigns-sales-customers-filter-select; approved by DPO-2026-021 until 2027-03-31",
    "    sales-lake:sales.customers.email [pii] -> marketing (rows where country IN ('DE', 'FR', 'NL')) by sales-lake-shares-marketing-sales-customers-filter-select; approved by DPO-2026-021 until 2027-03-31",
    "  incomplete: security-ou-row-filters-amazon_security_lake_glue_db_eu_west_1-amazon_security_lake_table_eu_west_1_sh_findings_1_0: table 210987654321:amazon_security_lake_glue_db_eu_west_1.amazon_security_lake_table_eu_west_1_sh_findings_1_0 is not declared in this stack (created outside it), so its columns are not known",
];
