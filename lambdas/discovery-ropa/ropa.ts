/** Reads every non-retired source and its tags, writes the report table and the CSV/JSON export. */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from "@aws-sdk/client-dynamodb";
import type { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SourceItem, StateStore } from "../discovery-common/state";
import { tagsOf } from "../discovery-common/tags";
import { buildRopa, discoveredSource, type Readers, type RecordAttribute, type RopaReport, toCsv } from "./record";

export interface RopaDeps {
    state: StateStore;
    dynamodb: DynamoDBClient;
    tagging: ResourceGroupsTaggingAPIClient;
    s3: S3Client;
    reportTable: string;
    reportsBucket: string;
    reportsPrefix: string;
    recordTags: Record<RecordAttribute, string>;
    /** Tag naming the model database a source holds (read live: a retag shows in the next report). */
    datasetTagKey: string;
    readers: Readers;
    now: () => Date;
}

/** Report table key: source ARN + report date (history of what each source declared, day by day). */
export const REPORT_TABLE_SCHEMA = {
    hashKey: "arn",
    rangeKey: "reportDate",
    attributes: [
        { name: "arn", type: "S" },
        { name: "reportDate", type: "S" },
    ],
} as const;

/** BatchWriteItem takes at most 25 requests; unprocessed items are retried until written. */
async function writeAll(client: DynamoDBClient, table: string, requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
        let pending: WriteRequest[] = requests.slice(i, i + 25);
        for (let attempt = 0; pending.length > 0; attempt++) {
            if (attempt >= 8) throw new Error(`${pending.length} report item(s) stayed unprocessed after ${attempt} attempts`);
            if (attempt > 0) await new Promise(r => setTimeout(r, 50 * 2 ** attempt));
            const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
            pending = out.UnprocessedItems?.[table] ?? [];
        }
    }
}

export async function runRopa(deps: RopaDeps): Promise<RopaReport> {
    const sources: SourceItem[] = [];
    for (const status of ["discovered", "catalogued", "ignored", "blocked"] as const) {
        for await (const source of deps.state.withStatus(status)) sources.push(source);
    }
    const tags = await tagsOf(
        deps.tagging,
        sources.map(s => s.arn),
    );
    const now = deps.now();
    const report = buildRopa(
        sources.map(s => discoveredSource(s, tags.get(s.arn) ?? {}, { dataset: deps.datasetTagKey, record: deps.recordTags })),
        deps.readers,
        now.toISOString(),
    );
    const reportDate = now.toISOString().slice(0, 10);
    await writeAll(
        deps.dynamodb,
        deps.reportTable,
        report.entries.map(e => ({
            PutRequest: {
                Item: {
                    arn: { S: e.arn },
                    reportDate: { S: reportDate },
                    generatedAt: { S: report.generatedAt },
                    entry: { S: JSON.stringify(e) },
                    complete: { BOOL: e.missing.length === 0 },
                },
            },
        })),
    );
    const put = (key: string, body: string, type: string) =>
        deps.s3.send(new PutObjectCommand({ Bucket: deps.reportsBucket, Key: key, Body: body, ContentType: type, ServerSideEncryption: "aws:kms" }));
    await put(`${deps.reportsPrefix}${reportDate}/record-of-processing.json`, JSON.stringify(report, null, 2), "application/json");
    await put(`${deps.reportsPrefix}${reportDate}/record-of-processing.csv`, toCsv(report), "text/csv");
    return report;
}
