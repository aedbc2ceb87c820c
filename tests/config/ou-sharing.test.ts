import { expectProblem, mutate } from "../helpers/config";

type Mapping = { ou: string; consumers: string[]; tables: Record<string, unknown>[] };
const mappings = (raw: Record<string, unknown>) => (raw.ouSharing as { mappings: Mapping[] }).mappings;

describe("ouSharing validation", () => {
    it("rejects OU sharing and target OUs without a management account (they would deploy nothing)", () => {
        const withoutManagement = mutate("prod", r => {
            r.accounts = r.accounts.filter(a => a.role !== "management");
        });
        expectProblem(withoutManagement, "lakewarden:ouSharing.mappings", /management account's org-reader role; add the account with role "management"/);
        expectProblem(withoutManagement, "lakewarden:sensitiveData.targetOus", /deployed from the management account; add the account with role "management"/);
    });

    it("rejects an OU id that is neither ou-… nor r-…", () => {
        expectProblem(
            mutate("prod", r => (mappings(r)[0].ou = "Prod")),
            "lakewarden:ouSharing.mappings[0].ou",
            /expected an OU id \(ou-xxxx-xxxxxxxx\) or root id/,
        );
    });

    it("rejects an unknown consumer account", () => {
        expectProblem(
            mutate("prod", r => (mappings(r)[1].consumers = ["financ"])),
            "lakewarden:ouSharing.mappings[1].consumers[0]",
            /unknown account "financ"/,
        );
    });

    it("rejects a consumer that is not a consumer account", () => {
        expectProblem(
            mutate("prod", r => (mappings(r)[1].consumers = ["security"])),
            "lakewarden:ouSharing.mappings[1].consumers[0]",
            /role security, expected consumer/,
        );
    });

    it("rejects an account column that could inject SQL", () => {
        expectProblem(
            mutate("prod", r => (mappings(r)[0].tables[0].accountColumn = "accountid) OR (1=1")),
            "lakewarden:ouSharing.mappings[0].tables[0].accountColumn",
            /expected a column identifier/,
        );
    });

    it("rejects two mappings of the same OU", () => {
        expectProblem(
            mutate("prod", r => (mappings(r)[1].ou = mappings(r)[0].ou)),
            "lakewarden:ouSharing.mappings[1].ou",
            /duplicate OU mapping/,
        );
    });

    it("rejects one table with two account columns", () => {
        expectProblem(
            mutate("prod", r => (mappings(r)[1].tables[0].accountColumn = "account_id")),
            "lakewarden:ouSharing.mappings[1].tables[0].accountColumn",
            /already uses account column "accountid"/,
        );
    });
});
