import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { GetTableCommand, GetTablesCommand, GlueClient, type Table, UpdateTableCommand } from "@aws-sdk/client-glue";
import { AddLFTagsToResourceCommand, LakeFormationClient, RemoveLFTagsFromResourceCommand } from "@aws-sdk/client-lakeformation";
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { detectionsSchema } from "../../../contracts/detections";
import { CLASSIFICATION_PARAMETER as MODEL_CLASSIFICATION_PARAMETER } from "../../../components/lakeformation/data-catalog";
import { CLASSIFICATION_PARAMETER, DETECTED_ENTITIES_PARAMETER, PII_LF_TAG } from "../../../lambdas/discovery-common/markers";
import { glueNames, s3BucketArn } from "../../../lambdas/discovery-common/source";
import { StateStore } from "../../../lambdas/discovery-common/state";
import { handleJobEvent } from "../../../lambdas/discovery-reporter/handler";
import type { ReporterDeps } from "../../../lambdas/discovery-reporter/report";
import { type LocalStateTable, startStateTable } from "../../../support/discovery/state-table";

const account = "777788889999";
const source = { arn: s3BucketArn("bucket-test-iad"), kind: "s3" as const, name: "bucket-test-iad", accountId: account, region: "eu-west-1" };
const database = glueNames("dev", source).database;
const results = () =>
    readFileSync(path.join(__dirname, "..", "..", "fixtures", "aws", "discovery", "classify-columns-results.json"), "utf8").replace(
        "DATABASE_PLACEHOLDER",
        database,
    );
// GetObject bodies are SDK streams; the reporter only calls transformToString().
const body = (text: string) => ({ transformToString: async () => text }) as never;
const jobEvent = {
    version: "0",
    id: "e",
    "detail-type": "Glue Job State Change",
    source: "aws.glue",
    account,
    time: "2026-12-02T02:41:07Z",
    region: "eu-west-1",
    resources: [],
    detail: { jobName: "lakewarden-dev-pii-s3-abc", severity: "INFO", state: "SUCCEEDED", jobRunId: "jr_1", message: "Job run succeeded" },
};

const customers = (): Table => ({
    Name: "customers",
    DatabaseName: database,
    VersionId: "7",
    TableType: "EXTERNAL_TABLE",
    Parameters: { classification: "parquet" },
    StorageDescriptor: {
        Location: "s3://bucket-test-iad/customers/",
        Columns: [
            { Name: "id", Type: "string" },
            { Name: "email", Type: "string", Comment: "contact address" },
            { Name: "card_number", Type: "string" },
            { Name: "full_name", Type: "string" },
            // Marked by an earlier run; no longer detected: marks are cleared, the owner's comment kept.
            {
                Name: "notes",
                Type: "string",
                Comment: "[PII: PHONE_NUMBER] free text",
                Parameters: {
                    [DETECTED_ENTITIES_PARAMETER]: "PHONE_NUMBER",
                    [CLASSIFICATION_PARAMETER]: "pii",
                    "lakewarden:classification-source": "detection",
                },
            },
        ],
    },
});

describe("discovery reporter: a successful PII run marks the catalog and Lake Formation", () => {
    let dynamo: LocalStateTable;
    let glue: AwsClientStub<GlueClient>;
    let lf: AwsClientStub<LakeFormationClient>;
    let s3: AwsClientStub<S3Client>;
    before(() => {
        glue = mockClient(GlueClient);
        lf = mockClient(LakeFormationClient);
        s3 = mockClient(S3Client);
    });
    let deps: ReporterDeps;
    beforeEach(async () => {
        dynamo = await startStateTable();
        const state = new StateStore(dynamo.client, dynamo.tableName);
        await state.record(source, "2026-12-01T00:00:00Z", "test");
        await state.transition(source.arn, "discovered", "catalogued", { glueDatabase: database, glueJob: "lakewarden-dev-pii-s3-abc" });
        for (const m of [glue, lf, s3]) m.reset();
        s3.on(GetObjectCommand, { Bucket: "results", Key: "detections/runs/lakewarden-dev-pii-s3-abc/jr_1.json" }).resolves({ Body: body(results()) });
        s3.on(PutObjectCommand).resolves({});
        glue.on(GetTablesCommand, { DatabaseName: database })
            .resolvesOnce({ TableList: [customers()], NextToken: "page-2" })
            .resolvesOnce({
                TableList: [
                    { Name: "orders", DatabaseName: database, StorageDescriptor: { Columns: [{ Name: "order_id", Type: "string" }] } },
                    { Name: "not_scanned", DatabaseName: database, StorageDescriptor: { Columns: [] } },
                ],
            });
        // The model declares company.customers.email internal: the detection contradicts it.
        glue.on(GetTableCommand, { DatabaseName: "company", Name: "customers" }).resolves({
            Table: {
                Name: "customers",
                StorageDescriptor: {
                    Columns: [
                        { Name: "email", Type: "string", Parameters: { [CLASSIFICATION_PARAMETER]: "internal" } },
                        { Name: "full_name", Type: "string", Parameters: { [CLASSIFICATION_PARAMETER]: "pii" } },
                    ],
                },
            },
        });
        glue.on(GetTableCommand, { DatabaseName: "company", Name: "orders" }).resolves({ Table: { Name: "orders", StorageDescriptor: { Columns: [] } } });
        glue.on(UpdateTableCommand).resolves({});
        lf.on(AddLFTagsToResourceCommand).resolves({ Failures: [] });
        lf.on(RemoveLFTagsFromResourceCommand).resolves({ Failures: [] });
        // The source declares (by tag, read at report time) that it holds the model's `company` database.
        const tagging = new ResourceGroupsTaggingAPIClient({});
        mockClient(tagging)
            .on(GetResourcesCommand)
            .resolves({ ResourceTagMappingList: [{ ResourceARN: source.arn, Tags: [{ Key: "lakewarden:dataset", Value: "company" }] }] });
        deps = {
            glue: new GlueClient({}),
            lakeFormation: new LakeFormationClient({}),
            s3: new S3Client({}),
            state,
            tagging,
            datasetTagKey: "lakewarden:dataset",
            resultsBucket: "results",
            resultsPrefix: "detections/runs/",
            recordsPrefix: "detections/records/",
            disagreementsPrefix: "detections/disagreements/",
            catalogId: account,
        };
    });
    afterEach(() => dynamo.close());
    after(() => {
        for (const m of [glue, lf, s3]) m.restore();
    });

    it("uses the classification parameter the model's catalog writes", () => assert.equal(CLASSIFICATION_PARAMETER, MODEL_CLASSIFICATION_PARAMETER));

    it("writes comments, classification and detected entities, clears stale marks, tags columns, records detections and disagreements", async () => {
        const summary = await handleJobEvent(jobEvent, deps);
        const update = glue.commandCalls(UpdateTableCommand);
        assert.equal(update.length, 1, "orders has no detection and no marks: unchanged");
        assert.equal(update[0].args[0].input.VersionId, "7");
        const columns = Object.fromEntries(update[0].args[0].input.TableInput!.StorageDescriptor!.Columns!.map(c => [c.Name, c]));
        assert.equal(columns.email.Comment, "[PII: EMAIL] contact address");
        assert.deepEqual(columns.email.Parameters, {
            [DETECTED_ENTITIES_PARAMETER]: "EMAIL",
            [CLASSIFICATION_PARAMETER]: "pii",
            "lakewarden:classification-source": "detection",
        });
        assert.equal(columns.card_number.Parameters?.[DETECTED_ENTITIES_PARAMETER], "CREDIT_CARD");
        assert.deepEqual(columns.notes.Parameters, {});
        assert.equal(columns.notes.Comment, "free text");
        assert.deepEqual(columns.id.Parameters, {});
        const added = lf.commandCalls(AddLFTagsToResourceCommand).map(c => c.args[0].input);
        assert.deepEqual(added.find(a => a.Resource?.TableWithColumns)?.Resource?.TableWithColumns?.ColumnNames, ["email", "card_number", "full_name"]);
        assert.deepEqual(added.find(a => a.Resource?.TableWithColumns)?.LFTags, [{ CatalogId: account, TagKey: PII_LF_TAG, TagValues: ["true"] }]);
        assert.equal(added.filter(a => a.Resource?.Table && a.LFTags?.[0].TagValues?.[0] === "false").length, 2);
        assert.deepEqual(lf.commandCalls(RemoveLFTagsFromResourceCommand)[0].args[0].input.Resource?.TableWithColumns?.ColumnNames, ["notes"]);
        assert.deepEqual(summary.disagreements, [{ database: "company", table: "customers", column: "email", declared: "internal", detected: ["EMAIL"] }]);
        const puts = Object.fromEntries(s3.commandCalls(PutObjectCommand).map(c => [c.args[0].input.Key, JSON.parse(String(c.args[0].input.Body))]));
        const records = detectionsSchema.parse(puts["detections/records/company.json"]);
        assert.deepEqual(
            records.map(r => `${r.database}.${r.table}.${r.column}:${r.entityTypes.join("+")}`),
            ["company.customers.email:EMAIL", "company.customers.card_number:CREDIT_CARD", "company.customers.full_name:PERSON_NAME"],
        );
        assert.equal(puts["detections/disagreements/company.json"].disagreements.length, 1);
    });

    it("fails (and so alarms) when Lake Formation reports a tagging failure instead of ignoring it", async () => {
        lf.on(AddLFTagsToResourceCommand).resolves({ Failures: [{ Error: { ErrorCode: "AccessDeniedException", ErrorMessage: "no ASSOCIATE" } }] });
        await assert.rejects(handleJobEvent(jobEvent, deps), /AccessDeniedException: no ASSOCIATE/);
    });

    it("refuses results for a database the source is not catalogued in, and runs that did not succeed", async () => {
        s3.on(GetObjectCommand).resolves({ Body: body(results().replace(database, "lw_dev_other")) });
        await assert.rejects(handleJobEvent(jobEvent, deps), /the source is catalogued in/);
        await assert.rejects(handleJobEvent({ ...jobEvent, detail: { ...jobEvent.detail, state: "FAILED" } }, deps), /only successful runs/);
    });

    it("without a dataset tag, records name the discovered database and nothing is compared with the model", async () => {
        const untagged = new ResourceGroupsTaggingAPIClient({});
        mockClient(untagged)
            .on(GetResourcesCommand)
            .resolves({ ResourceTagMappingList: [{ ResourceARN: source.arn, Tags: [] }] });
        const summary = await handleJobEvent(jobEvent, { ...deps, tagging: untagged });
        assert.deepEqual(summary.disagreements, []);
        assert.equal(glue.commandCalls(GetTableCommand).length, 0);
        assert.ok(summary.detections.every(d => d.database === database));
        assert.ok(s3.commandCalls(PutObjectCommand).some(c => c.args[0].input.Key === `detections/records/${database}.json`));
    });
});
