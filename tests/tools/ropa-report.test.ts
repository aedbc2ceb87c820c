import * as assert from "node:assert/strict";
import { environmentFromConfig } from "../../config/environment";
import { toCsv } from "../../lambdas/discovery-ropa/record";
import { recordOfProcessing } from "../../tools/ropa-report";
import { readStackConfig } from "../../tools/offline/stack-config";

describe("npm run ropa: the record of processing from the dev model", () => {
    const env = environmentFromConfig("dev", readStackConfig("dev"));
    const discovery = env.discovery!;

    it("lists each model dataset with its art. 30 attributes and the consumer accounts and roles that may read it", () => {
        const report = recordOfProcessing({ ...env, discovery }, [], "2026-12-02T00:00:00.000Z");
        assert.deepEqual(report.lacking, []);
        const [company] = report.entries;
        assert.equal(company.name, "company");
        assert.equal(company.attributes.lawfulBasis, "art. 6(1)(b) contract");
        assert.deepEqual(company.readers, [
            {
                account: "analytics",
                accountId: "123456789012",
                tables: ["employees", "products"],
                roles: [
                    { roleArn: "arn:aws:iam::123456789012:role/lakewarden-dev-analytics-hr-runtime", tables: ["employees"] },
                    { roleArn: "arn:aws:iam::123456789012:role/lakewarden-dev-analytics-sales-runtime", tables: ["employees", "products"] },
                ],
            },
        ]);
        assert.match(toCsv(report).split("\n")[0], /^arn,kind,name,status,dataset,dataSubjects,purpose,consumers,owner,retention,lawfulBasis,missing,readerAccounts,readerRoles$/);
    });

    it("flags a discovered source lacking required tags; one holding a model dataset inherits its readers", () => {
        const report = recordOfProcessing(
            { ...env, discovery },
            [
                { arn: "arn:aws:s3:::untagged", kind: "s3", name: "untagged", status: "catalogued", tags: {} },
                { arn: "arn:aws:s3:::hr-copy", kind: "s3", name: "hr-copy", status: "catalogued", tags: { "lakewarden:dataset": "company", "gdpr:purpose": "payroll" } },
            ],
            "2026-12-02T00:00:00.000Z",
        );
        assert.deepEqual(report.lacking, ["arn:aws:s3:::hr-copy", "arn:aws:s3:::untagged"]);
        assert.equal(report.entries.find((e) => e.arn === "arn:aws:s3:::hr-copy")?.readers[0].accountId, "123456789012");
        assert.deepEqual(report.entries.find((e) => e.arn === "arn:aws:s3:::untagged")?.readers, []);
    });
});
