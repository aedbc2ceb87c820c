import * as assert from "node:assert/strict";
import { parseEnvironment } from "../../config/environment";
import { expectProblem, mutate, type Raw } from "../helpers/config";

describe("data-sharing model validation", () => {
    it("rejects an unknown table in a share", () => {
        expectProblem(
            mutate("dev", r => (r.shares[1].table = "prodcts")),
            "lakewarden:shares[1].table",
            /unknown table company.prodcts/,
        );
    });

    it("rejects an unknown column in a share", () => {
        expectProblem(
            mutate("dev", r => (r.shares[0].columns = ["uid", "salery"])),
            "lakewarden:shares[0].columns",
            /unknown column "salery" of table employees/,
        );
    });

    it("rejects a pii/secret table shared without a column allow-list or row filter", () => {
        expectProblem(
            mutate("dev", r => delete r.shares[0].columns),
            "lakewarden:shares[0]",
            /pii\/secret columns \(name, salary\)/,
        );
    });

    it("rejects a row filter alone on a pii/secret table: it limits rows, not columns (the pack would refuse the filter)", () => {
        expectProblem(
            mutate("dev", r => {
                delete r.shares[0].columns;
                r.shares[0].rowFilter = "department = 'sales'";
            }),
            "lakewarden:shares[0]",
            /pii\/secret columns \(name, salary\).*a rowFilter limits rows, not columns/,
        );
    });

    it("accepts a row-filtered share whose columns leave the pii column out, read by a role without columns", () => {
        const raw = mutate("prod", r => {
            const share = r.shares.find(s => s.rowFilter !== undefined) as Raw;
            share.columns = ["country", "customer_id", "segment"];
        });
        assert.doesNotThrow(() => parseEnvironment("prod", raw));
    });

    it("rejects a duplicate share of one table to one consumer", () => {
        expectProblem(
            mutate("dev", r => r.shares.push({ ...r.shares[1] })),
            "lakewarden:shares[2]",
            /duplicate share/,
        );
    });

    it("rejects an unknown consumer in consumerAccess", () => {
        expectProblem(
            mutate("dev", r => (r.consumerAccess[0].consumer = "nobody")),
            "lakewarden:consumerAccess[0].consumer",
            /unknown account "nobody"/,
        );
    });

    it("rejects duplicate runtime role names", () => {
        expectProblem(
            mutate("dev", r => ((r.consumerAccess[0].roles as { name: string }[])[1].name = "sales")),
            "lakewarden:consumerAccess[0].roles[1].name",
            /duplicate runtime role "sales"/,
        );
    });

    it("rejects a role reading a table its account did not receive", () => {
        expectProblem(
            mutate("dev", r => {
                r.shares = r.shares.filter(s => s.table !== "products");
            }),
            "lakewarden:consumerAccess[0].roles[0].reads[0]",
            /reads company.products, which is not shared with consumer "analytics"/,
        );
    });

    it("rejects a role reading more columns than its account received", () => {
        expectProblem(
            mutate("dev", r => (r.shares[0].columns = ["uid", "name", "department"])),
            "lakewarden:consumerAccess[0].roles[1].reads[0]",
            /reads columns salary of company.employees, beyond what consumer "analytics" received/,
        );
    });

    it("rejects narrowing the columns of a row-filtered share per role", () => {
        expectProblem(
            mutate("prod", r => {
                const campaigns = (r.consumerAccess[2].roles as { reads: Record<string, unknown>[] }[])[0];
                campaigns.reads[0].columns = ["customer_id"];
            }),
            "lakewarden:consumerAccess[2].roles[0].reads[0].columns",
            /through a row filter/,
        );
    });

    it("rejects duplicate database names across datasets", () => {
        expectProblem(
            mutate("prod", r => (r.datasets[1].database = "company")),
            "lakewarden:datasets[1].database",
            /duplicate database "company"/,
        );
    });

    it("rejects duplicate column names in a table", () => {
        expectProblem(
            mutate("dev", r => {
                const table = (r.datasets[0].tables as { columns: Record<string, unknown>[] }[])[0];
                table.columns.push({ ...table.columns[0] });
            }),
            "lakewarden:datasets[0].tables[0].columns[4].name",
            /duplicate column "uid"/,
        );
    });

    it("rejects RAM invitations while sharing inside the organisation", () => {
        expectProblem(
            mutate(
                "dev",
                r =>
                    ((r.organization as Record<string, unknown>).ramShareInvitations = [
                        { consumer: "analytics", shareArn: "arn:aws:ram:eu-west-1:777788889999:resource-share/abc-123" },
                    ]),
            ),
            "lakewarden:organization.ramShareInvitations[0]",
            /only exist outside one organisation/,
        );
    });
});
