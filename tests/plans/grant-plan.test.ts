import * as assert from "node:assert/strict";
import { environmentFromConfig, type Environment } from "../../config/environment";
import { consumerGrants, type GrantSpec, producerGrants } from "../../plans/grant-plan";
import { readStackConfig } from "../../tools/offline/stack-config";
import { ofType, sharedStack, type Recording } from "../helpers/program";

const env = (stack: string): Environment => environmentFromConfig(stack, readStackConfig(stack));

/** One line per grant: principal | resource | permissions | grantable. */
function lines(grants: GrantSpec[]): string[] {
    return grants
        .map(g => {
            const r = g.resource;
            const resource =
                r.kind === "database"
                    ? `db ${r.catalogId}:${r.name}`
                    : r.kind === "table"
                      ? `table ${r.catalogId}:${r.databaseName}.${r.name}`
                      : r.kind === "columns"
                        ? `columns ${r.catalogId}:${r.databaseName}.${r.name}(${r.columnNames.join(",")})`
                        : `filter ${r.tableCatalogId}:${r.databaseName}.${r.tableName}/${r.name}`;
            return `${g.principal} | ${resource} | ${g.permissions.join(",")} | ${g.grantable ? "grantable" : "-"}`;
        })
        .sort();
}

describe("Lake Formation grant plan", () => {
    describe("dev: the EMR Studio reference scenario", () => {
        const dev = env("dev");
        const consumer = "123456789012";
        const producer = "777788889999";
        const role = (name: string) => `arn:aws:iam::${consumer}:role/lakewarden-dev-analytics-${name}-runtime`;

        it("producer grants the consumer account exactly its shares, with grant option", () => {
            assert.deepEqual(lines(producerGrants(dev, "producer")), [
                `${consumer} | columns ${producer}:company.employees(department,name,salary,uid) | SELECT | grantable`,
                `${consumer} | db ${producer}:company | DESCRIBE | grantable`,
                `${consumer} | table ${producer}:company.employees | DESCRIBE | grantable`,
                `${consumer} | table ${producer}:company.products | DESCRIBE,SELECT | grantable`,
            ]);
        });

        it("sales reads all of products and only uid, name, department of employees; HR all of employees and nothing of products", () => {
            assert.deepEqual(lines(consumerGrants(dev, "analytics")), [
                `${role("hr")} | columns ${producer}:company.employees(department,name,salary,uid) | SELECT | -`,
                `${role("hr")} | db ${consumer}:company_shared | DESCRIBE | -`,
                `${role("sales")} | columns ${producer}:company.employees(department,name,uid) | SELECT | -`,
                `${role("sales")} | db ${consumer}:company_shared | DESCRIBE | -`,
                `${role("sales")} | table ${producer}:company.products | DESCRIBE,SELECT | -`,
            ]);
        });
    });

    describe("prod: two producers, three consumers", () => {
        const prod = env("prod");

        it("routes each share to the producer that owns the database", () => {
            const hr = lines(producerGrants(prod, "hr-lake"));
            const sales = lines(producerGrants(prod, "sales-lake"));
            assert.ok(hr.every(l => l.includes(":company")));
            assert.ok(sales.every(l => l.includes(":sales")));
        });

        it("shares the marketing customers table only through its row filter", () => {
            const marketing = "555566667777";
            assert.deepEqual(
                lines(producerGrants(prod, "sales-lake")).filter(l => l.startsWith(marketing)),
                [
                    `${marketing} | db 333344445555:sales | DESCRIBE | grantable`,
                    `${marketing} | filter 333344445555:sales.customers/lw_marketing_customers | SELECT | grantable`,
                    `${marketing} | table 333344445555:sales.customers | DESCRIBE | grantable`,
                ],
            );
            assert.deepEqual(lines(consumerGrants(prod, "marketing")), [
                `arn:aws:iam::${marketing}:role/lakewarden-prod-marketing-campaigns-runtime | columns 222233334444:company.products(category,name,product_id) | SELECT | -`,
                `arn:aws:iam::${marketing}:role/lakewarden-prod-marketing-campaigns-runtime | db ${marketing}:company_shared | DESCRIBE | -`,
                `arn:aws:iam::${marketing}:role/lakewarden-prod-marketing-campaigns-runtime | db ${marketing}:sales_shared | DESCRIBE | -`,
                `arn:aws:iam::${marketing}:role/lakewarden-prod-marketing-campaigns-runtime | filter 333344445555:sales.customers/lw_marketing_customers | SELECT | -`,
            ]);
        });

        it("grants each prod consumer account and runtime role exactly what the model says", () => {
            const analytics = "666677778888";
            const finance = "999900001111";
            const role = (account: string, consumer: string, name: string) => `arn:aws:iam::${account}:role/lakewarden-prod-${consumer}-${name}-runtime`;
            assert.deepEqual(lines(producerGrants(prod, "hr-lake")), [
                `555566667777 | db 222233334444:company | DESCRIBE | grantable`,
                `555566667777 | table 222233334444:company.products | DESCRIBE,SELECT | grantable`,
                `${analytics} | columns 222233334444:company.employees(department,name,salary,uid) | SELECT | grantable`,
                `${analytics} | db 222233334444:company | DESCRIBE | grantable`,
                `${analytics} | table 222233334444:company.employees | DESCRIBE | grantable`,
                `${analytics} | table 222233334444:company.products | DESCRIBE,SELECT | grantable`,
            ]);
            assert.deepEqual(lines(consumerGrants(prod, "analytics")), [
                `${role(analytics, "analytics", "hr")} | columns 222233334444:company.employees(department,name,salary,uid) | SELECT | -`,
                `${role(analytics, "analytics", "hr")} | db ${analytics}:company_shared | DESCRIBE | -`,
                `${role(analytics, "analytics", "sales")} | columns 222233334444:company.employees(department,name,uid) | SELECT | -`,
                `${role(analytics, "analytics", "sales")} | db ${analytics}:company_shared | DESCRIBE | -`,
                `${role(analytics, "analytics", "sales")} | db ${analytics}:sales_shared | DESCRIBE | -`,
                `${role(analytics, "analytics", "sales")} | table 222233334444:company.products | DESCRIBE,SELECT | -`,
                `${role(analytics, "analytics", "sales")} | table 333344445555:sales.orders | DESCRIBE,SELECT | -`,
            ]);
            assert.deepEqual(lines(consumerGrants(prod, "finance")), [
                `${role(finance, "finance", "controlling")} | columns 333344445555:sales.customers(customer_id,segment) | SELECT | -`,
                `${role(finance, "finance", "controlling")} | db ${finance}:sales_shared | DESCRIBE | -`,
                `${role(finance, "finance", "controlling")} | table 333344445555:sales.orders | DESCRIBE,SELECT | -`,
            ]);
        });

        it("never grants a runtime role anything its account did not receive", () => {
            for (const consumer of ["analytics", "finance", "marketing"]) {
                const received = producerGrants(prod, "hr-lake").concat(producerGrants(prod, "sales-lake"));
                for (const grant of consumerGrants(prod, consumer).filter(g => g.resource.kind !== "database")) {
                    const r = grant.resource;
                    const table = r.kind === "filter" ? r.tableName : (r as { name: string }).name;
                    assert.ok(
                        received.some(
                            g => (g.resource.kind === "filter" ? g.resource.tableName : (g.resource as { name: string }).name) === table && g.grantable,
                        ),
                        `${consumer} grants ${table} without having received it`,
                    );
                }
            }
        });
    });
});

/** The data-sharing grants; discovery's and sanitisation's grants to their own roles are asserted with them. */
function sharingGrants(recording: Recording) {
    return ofType(recording, "aws:lakeformation/permissions:Permissions").filter(
        p => !p.urn.includes("$lakewarden:discovery:") && !p.urn.includes("$lakewarden:sanitisation:"),
    );
}

describe("Lake Formation resources of the program", () => {
    let recording: Recording;
    before(async () => {
        recording = await sharedStack("dev");
    });

    it("creates one Permissions per grant spec, sorted, delete-before-replace, in the granting account", () => {
        // The data-sharing grants (the security account's reconciler grants are asserted with it).
        const permissions = sharingGrants(recording).filter(p => p.accountId !== "444455556666");
        const dev = env("dev");
        assert.equal(permissions.length, producerGrants(dev, "producer").length + consumerGrants(dev, "analytics").length);
        for (const p of permissions) {
            const perms = p.props.permissions as string[];
            assert.deepEqual(perms, [...perms].sort());
            assert.equal(p.opts.deleteBeforeReplace, true, `${p.name} must be replaced delete-first`);
            assert.notEqual(p.props.principal, "IAM_ALLOWED_PRINCIPALS");
            const granting = p.name.startsWith("producer-") ? "777788889999" : "123456789012";
            assert.equal(p.accountId, granting);
        }
    });

    it("owns the data lake settings of each account with empty defaults and version 4", () => {
        const settings = ofType(recording, "aws:lakeformation/dataLakeSettings:DataLakeSettings");
        assert.deepEqual(settings.map(s => s.accountId).sort(), ["123456789012", "777788889999"]);
        for (const s of settings) {
            assert.deepEqual(s.props.createDatabaseDefaultPermissions, []);
            assert.deepEqual(s.props.createTableDefaultPermissions, []);
            assert.deepEqual(s.props.parameters, { CROSS_ACCOUNT_VERSION: "4" });
            assert.deepEqual(s.props.admins, [`arn:aws:iam::${s.accountId}:role/lakewarden-deploy`]);
        }
    });

    it("registers data locations with a dedicated role and no hybrid access", () => {
        const registrations = ofType(recording, "aws:lakeformation/resource:Resource");
        assert.equal(registrations.length, 2);
        for (const r of registrations) {
            assert.equal(r.props.useServiceLinkedRole, false);
            assert.equal(r.props.hybridAccessEnabled, false);
            assert.match(String(r.props.roleArn), /^arn:aws:iam::777788889999:role\/lakewarden-dev-lf-(raw|curated)-access$/);
        }
    });

    it("links the consumer to the producer database by name and account", () => {
        const [link] = ofType(recording, "aws:glue/catalogDatabase:CatalogDatabase").filter(d => d.props.targetDatabase);
        assert.equal(link.props.name, "company_shared");
        assert.deepEqual(link.props.targetDatabase, { catalogId: "777788889999", databaseName: "company" });
        assert.equal(link.accountId, "123456789012");
    });

    it("orders consumer grants after the producer grants", () => {
        const producerUrns = new Set(
            sharingGrants(recording)
                .filter(p => p.accountId === "777788889999")
                .map(p => p.urn),
        );
        for (const grant of sharingGrants(recording).filter(p => p.accountId === "123456789012")) {
            for (const producerGrant of producerUrns) {
                assert.ok(grant.dependencies.includes(producerGrant), `${grant.name} does not wait for ${producerGrant}`);
            }
        }
    });

    it("tags every column with its classification for the policy pack", () => {
        const employees = ofType(recording, "aws:glue/catalogTable:CatalogTable").find(t => t.props.name === "employees");
        const columns = (employees?.props.storageDescriptor as { columns: { name: string; parameters: Record<string, string> }[] }).columns;
        assert.deepEqual(
            columns.map(c => `${c.name}:${c.parameters["lakewarden:classification"]}`),
            ["uid:internal", "name:pii", "department:internal", "salary:secret"],
        );
    });
});
