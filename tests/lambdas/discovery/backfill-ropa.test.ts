import * as assert from "node:assert/strict";
import { BatchWriteItemCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DescribeDBClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { ListBucketsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { dynamoDbTableArn, s3BucketArn } from "../../../lambdas/discovery-common/source";
import { StateStore } from "../../../lambdas/discovery-common/state";
import { tagsOf } from "../../../lambdas/discovery-common/tags";
import { runBackfill } from "../../../lambdas/discovery-backfill/backfill";
import { buildRopa, toCsv } from "../../../lambdas/discovery-ropa/record";
import { runRopa } from "../../../lambdas/discovery-ropa/ropa";
import { type LocalStateTable, startStateTable } from "../../../support/discovery/state-table";

const account = "777788889999";
const home = { accountId: account, region: "eu-west-1" };
const optIn = [{ Key: "lakewarden:discover", Value: "true" }];
const recordTags = {
    dataSubjects: "gdpr:data-subjects",
    purpose: "gdpr:purpose",
    consumers: "gdpr:consumers",
    owner: "gdpr:owner",
    retention: "gdpr:retention",
    lawfulBasis: "gdpr:lawful-basis",
};

describe("discovery backfill and record of processing", () => {
    let dynamo: LocalStateTable;
    let state: StateStore;
    let tagging: AwsClientStub<ResourceGroupsTaggingAPIClient>;
    let s3: AwsClientStub<S3Client>;
    let rds: AwsClientStub<RDSClient>;
    before(() => {
        tagging = mockClient(ResourceGroupsTaggingAPIClient);
        s3 = mockClient(S3Client);
        rds = mockClient(RDSClient);
    });
    beforeEach(async () => {
        dynamo = await startStateTable();
        state = new StateStore(dynamo.client, dynamo.tableName);
        for (const m of [tagging, s3, rds]) m.reset();
    });
    afterEach(() => dynamo.close());
    after(() => {
        for (const m of [tagging, s3, rds]) m.restore();
    });

    it("pages through every listing, adds opted-in stores that exist once, and retires sources that are gone", async () => {
        await state.record({ arn: s3BucketArn("deleted-bucket"), kind: "s3", name: "deleted-bucket", ...home }, "2026-11-01T00:00:00Z", "event:old");
        // Ignored when first seen (no opt-in tag then); tagged since: the backfill reconsiders it.
        const music = { arn: dynamoDbTableArn("eu-west-1", account, "Music"), kind: "dynamodb" as const, name: "Music", ...home };
        await state.record(music, "2026-11-01T00:00:00Z", "event:old");
        await state.transition(music.arn, "discovered", "ignored", { reason: "no opt-in tag" });
        const pages = () =>
            tagging
                .on(GetResourcesCommand)
                .resolvesOnce({ ResourceTagMappingList: [{ ResourceARN: s3BucketArn("old-bucket"), Tags: optIn }], PaginationToken: "p2" })
                .resolvesOnce({
                    ResourceTagMappingList: [
                        { ResourceARN: dynamoDbTableArn("eu-west-1", account, "Music"), Tags: optIn },
                        { ResourceARN: s3BucketArn("deleted-bucket"), Tags: optIn },
                    ],
                });
        pages();
        s3.on(ListBucketsCommand)
            .resolvesOnce({ Buckets: [{ Name: "old-bucket" }], ContinuationToken: "c2" })
            .resolvesOnce({ Buckets: [{ Name: "other" }] });
        // A client of its own for the listings, so the state table stays on dynalite.
        const listing = new DynamoDBClient({ region: "eu-west-1" });
        mockClient(listing)
            .on(ListTablesCommand)
            .resolvesOnce({ TableNames: ["a"], LastEvaluatedTableName: "a" })
            .resolvesOnce({ TableNames: ["Music"] });
        rds.on(DescribeDBClustersCommand).resolvesOnce({ DBClusters: [], Marker: "m2" }).resolvesOnce({ DBClusters: [] });
        const deps = {
            state,
            tagging: new ResourceGroupsTaggingAPIClient({}),
            s3: new S3Client({}),
            dynamodb: listing,
            rds: new RDSClient({}),
            home,
            optIn: { key: "lakewarden:discover", value: "true" },
            now: () => new Date("2026-12-02T00:00:00Z"),
        };
        assert.deepEqual(await runBackfill(deps), { added: 1, reopened: 1, known: 0, retired: 1 });
        assert.equal((await state.get(music.arn))?.status, "discovered");
        assert.equal(tagging.commandCalls(GetResourcesCommand)[1].args[0].input.PaginationToken, "p2");
        assert.equal(s3.commandCalls(ListBucketsCommand)[1].args[0].input.ContinuationToken, "c2");
        assert.equal(rds.commandCalls(DescribeDBClustersCommand)[1].args[0].input.Marker, "m2");
        assert.equal((await state.get(s3BucketArn("deleted-bucket")))?.status, "retired");
        // A second backfill over the same estate changes nothing.
        tagging.reset();
        pages();
        s3.reset();
        s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: "old-bucket" }] });
        mockClient(listing)
            .on(ListTablesCommand)
            .resolves({ TableNames: ["Music"] });
        rds.reset();
        rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
        assert.deepEqual(await runBackfill(deps), { added: 0, reopened: 0, known: 2, retired: 0 });
    });

    it("asks the Tagging API for at most 100 ARNs per call", async () => {
        const arns = Array.from({ length: 230 }, (_, i) => s3BucketArn(`bucket-${String(i).padStart(3, "0")}`));
        tagging.on(GetResourcesCommand).callsFake((input: { ResourceARNList: string[] }) => ({
            ResourceTagMappingList: input.ResourceARNList.map(arn => ({ ResourceARN: arn, Tags: optIn })),
        }));
        const tags = await tagsOf(new ResourceGroupsTaggingAPIClient({}), arns);
        assert.deepEqual(
            tagging.commandCalls(GetResourcesCommand).map(c => c.args[0].input.ResourceARNList?.length),
            [100, 100, 30],
        );
        assert.equal([...tags.values()].filter(t => t["lakewarden:discover"] === "true").length, 230);
    });

    it("writes the art. 30 record with history, lists sources lacking tags and who may read each", async () => {
        const complete = { arn: s3BucketArn("hr-records"), kind: "s3" as const, name: "hr-records", ...home };
        const partial = { arn: dynamoDbTableArn("eu-west-1", account, "Music"), kind: "dynamodb" as const, name: "Music", ...home };
        await state.record(complete, "2026-12-01T00:00:00Z", "t");
        await state.record(partial, "2026-12-01T00:00:00Z", "t");
        await state.transition(complete.arn, "discovered", "catalogued", { glueDatabase: "lw_db" });
        const tags = Object.entries({
            "gdpr:data-subjects": "employees",
            "gdpr:purpose": "payroll",
            "gdpr:consumers": "hr",
            "gdpr:owner": "hr",
            "gdpr:retention": "10y",
            "gdpr:lawful-basis": "=cmd|' /C calc'!A0",
            "lakewarden:dataset": "company",
        }).map(([Key, Value]) => ({ Key, Value }));
        tagging.on(GetResourcesCommand).resolves({
            ResourceTagMappingList: [
                { ResourceARN: complete.arn, Tags: tags },
                { ResourceARN: partial.arn, Tags: [{ Key: "gdpr:purpose", Value: "catalogue" }] },
            ],
        });
        s3.on(PutObjectCommand).resolves({});
        const reportClient = new DynamoDBClient({ region: "eu-west-1" });
        const writes = mockClient(reportClient);
        writes.on(BatchWriteItemCommand).resolves({});
        const readers = {
            company: [
                {
                    account: "analytics",
                    accountId: "123456789012",
                    tables: ["employees"],
                    roles: [{ roleArn: "arn:aws:iam::123456789012:role/hr", tables: ["employees"] }],
                },
            ],
        };
        const report = await runRopa({
            state,
            dynamodb: reportClient,
            tagging: new ResourceGroupsTaggingAPIClient({}),
            s3: new S3Client({}),
            reportTable: "ropa",
            reportsBucket: "reports",
            reportsPrefix: "record-of-processing/",
            recordTags,
            datasetTagKey: "lakewarden:dataset",
            readers,
            now: () => new Date("2026-12-02T06:00:00Z"),
        });
        assert.deepEqual(report.lacking, [partial.arn]);
        assert.deepEqual(report.entries.find(e => e.arn === partial.arn)?.missing, ["dataSubjects", "consumers", "owner", "retention", "lawfulBasis"]);
        assert.deepEqual(report.entries.find(e => e.arn === complete.arn)?.readers, readers.company);
        const items = writes.commandCalls(BatchWriteItemCommand)[0].args[0].input.RequestItems!.ropa.map(r => r.PutRequest!.Item!);
        assert.deepEqual(
            items.map(i => [i.arn.S, i.reportDate.S, i.complete.BOOL]),
            [
                [partial.arn, "2026-12-02", false],
                [complete.arn, "2026-12-02", true],
            ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        );
        const keys = s3.commandCalls(PutObjectCommand).map(c => c.args[0].input.Key);
        assert.deepEqual(keys, ["record-of-processing/2026-12-02/record-of-processing.json", "record-of-processing/2026-12-02/record-of-processing.csv"]);
        const csv = String(s3.commandCalls(PutObjectCommand)[1].args[0].input.Body);
        assert.match(csv, /"'=cmd\|' \/C calc'!A0"/, "a formula-looking value is neutralised");
    });

    it("CSV quotes every cell", () => {
        const csv = toCsv(buildRopa([{ arn: "a", kind: "s3", name: 'x"y', status: "catalogued", attributes: {} }], {}, "2026-12-02T00:00:00Z"));
        assert.equal(csv.split("\n")[1].split(",")[2], '"x""y"');
    });
});
