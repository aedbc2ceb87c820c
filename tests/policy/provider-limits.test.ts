import * as aws from "@pulumi/aws";
// pulumi-provider-input-limits: the provider's and the API's size limits, from one table.
import * as assert from "assert";
import { INPUT_LIMITS } from "../../policy/lib/input-limits";
import { find, resource, stack, typed } from "./helpers";
import { doc, LAMBDA_TRUST, role, rolePolicy } from "./fixtures";
import { describePolicy } from "./harness";

const bigPolicy = (n: number) =>
    doc(
        ...Array.from({ length: n }, (_, i) => ({
            Sid: `S${i}`,
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: [`arn:aws:s3:::lw-bucket-number-${i}/prefix/${"x".repeat(60)}/*`],
        })),
    );

describePolicy({
    policy: "pulumi-provider-input-limits",
    target: "cis",
    compliant: () =>
        stack(
            typed(aws.imagebuilder.Component, "cis", {
                name: "lw-cis",
                version: "1.0.0",
                platform: "Linux",
                description: "CIS hardening",
                data: "x".repeat(16000),
                tags: { owner: "platform" },
            }),
            role("builder", LAMBDA_TRUST, { name: "l".repeat(64), description: "builds images" }),
            rolePolicy("builder-a", bigPolicy(30), "builder-role"),
            typed(aws.ssm.Parameter, "mapping", { name: "/lakewarden/dev/mapping", type: "String", value: "v".repeat(4096) }),
            typed(aws.lakeformation.DataCellsFilter, "filter", {
                tableData: {
                    name: "f",
                    databaseName: "d",
                    tableName: "t",
                    tableCatalogId: "111111111111",
                    rowFilter: { filterExpression: `ou IN (${"'a',".repeat(400)}'b')` },
                    columnWildcard: {},
                },
            }),
        ),
    violations: [
        {
            name: "an Image Builder component document over 16,000 characters",
            mutate: r => {
                find(r, "cis").props.data = "x".repeat(16001);
            },
            expect: /data is 16001 characters, over the limit of 16000; the provider refuses it at preview .*imagebuilder\/component.go/,
        },
        {
            name: "a role name over 64 characters",
            on: "builder",
            mutate: r => {
                find(r, "builder").props.name = "l".repeat(65);
            },
            expect: /name is 65 characters, over the limit of 64/,
        },
        {
            name: "a role's inline policies over 10,240 characters together",
            on: "builder-a",
            mutate: r => {
                r.push(rolePolicy("builder-b", bigPolicy(30), "builder-role"));
            },
            expect: /inline policies of role builder-role total \d+ non-whitespace characters, over 10240/,
        },
        {
            name: "a Standard-tier SSM value over 4 KB",
            on: "mapping",
            mutate: r => {
                find(r, "mapping").props.value = "v".repeat(4097);
            },
            expect: /value is 4097 characters, over the limit of 4096; AWS refuses it at deploy/,
        },
        {
            name: "a row filter over 2,048 characters",
            on: "filter",
            mutate: r => {
                (find(r, "filter").props.tableData as { rowFilter: { filterExpression: string } }).rowFilter.filterExpression = "x".repeat(2049);
            },
            expect: /tableData.rowFilter.filterExpression is 2049 characters/,
        },
        {
            name: "a tag value over 256 characters",
            mutate: r => {
                find(r, "cis").props.tags = { owner: "o".repeat(257) };
            },
            expect: /tag owner is 257 characters, over 256/,
        },
    ],
    otherType: () => stack(resource("lakewarden:imagebuilder:AmiPipeline", "pipeline", { data: "x".repeat(20000), name: "n".repeat(100) }, { provider: null })),
    unknowns: [
        // Unknown values are outputs of this program; the provider measures them once resolved.
        { resource: "cis", violates: [], allowed: ["*"] },
        { resource: "mapping", violates: [], allowed: ["*"] },
    ],
    configCases: [
        {
            name: "an 8 KB value passes in the Advanced tier",
            config: {},
            mutate: r => {
                Object.assign(find(r, "mapping").props, { tier: "Advanced", value: "v".repeat(8192) });
            },
            expect: "pass",
        },
        {
            name: "the Advanced tier still stops at 8 KB",
            config: {},
            mutate: r => {
                Object.assign(find(r, "mapping").props, { tier: "Advanced", value: "v".repeat(8193) });
            },
            expect: /over the limit of 8192/,
        },
    ],
});

describe("the input limit table", () => {
    it("names a source for every row and only provider validators as provider-enforced", () => {
        for (const limit of INPUT_LIMITS) {
            assert.ok(limit.source.length > 20, `${limit.type} ${limit.property}`);
            assert.strictEqual(
                limit.enforcedBy === "provider",
                limit.source.startsWith("hashicorp/terraform-provider-aws internal/service/"),
                `${limit.type} ${limit.property}`,
            );
        }
    });
});
