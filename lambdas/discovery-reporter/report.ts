/**
 * After a PII job run succeeded: marks every column of the scanned tables (comment, classification
 * parameter, detected-entities parameter, LF-tag), clears marks that no longer apply, writes the
 * detection records and the columns whose detection contradicts the model's classification (the handler
 * counts them in a metric whose alarm notifies; the file lists them until a clean run replaces it).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { GetTableCommand, type GlueClient, paginateGetTables, type Table, type TableInput, UpdateTableCommand, EntityNotFoundException } from "@aws-sdk/client-glue";
import { AddLFTagsToResourceCommand, type LakeFormationClient, type LFTagError, RemoveLFTagsFromResourceCommand, type Resource } from "@aws-sdk/client-lakeformation";
import { type Detection, detectionsSchema } from "../../contracts/detections";
import { CLASSIFICATION_PARAMETER, PII_LF_TAG } from "../discovery-common/markers";
import type { StateStore } from "../discovery-common/state";
import { markColumn } from "./columns";
import { type JobResults, jobResultsSchema, resultsKey } from "./results";

export interface ReporterDeps {
    glue: GlueClient;
    lakeFormation: LakeFormationClient;
    s3: S3Client;
    state: StateStore;
    resultsBucket: string;
    /** Key prefix of job results inside the bucket, e.g. `detections/runs/`. */
    resultsPrefix: string;
    /** Key prefix of the detection records the sanitiser reads, e.g. `detections/records/`. */
    recordsPrefix: string;
    /** Key prefix of the open disagreements per database (the alarm on the metric points here). */
    disagreementsPrefix: string;
    catalogId: string;
}

export interface Disagreement {
    database: string;
    table: string;
    column: string;
    declared: string;
    detected: string[];
}

export interface ReportSummary {
    database: string;
    tablesUpdated: number;
    columnsMarked: number;
    columnsCleared: number;
    detections: Detection[];
    disagreements: Disagreement[];
}

/** Classifications under which a detected entity is expected (config/datasets sensitiveClassifications). */
const SENSITIVE = new Set(["pii", "secret"]);

const tableInputOf = (table: Table, columns: TableInput["StorageDescriptor"] extends infer S ? S : never): TableInput => ({
    Name: table.Name,
    Description: table.Description,
    Owner: table.Owner,
    Retention: table.Retention,
    StorageDescriptor: columns,
    PartitionKeys: table.PartitionKeys,
    TableType: table.TableType,
    Parameters: table.Parameters,
    ViewOriginalText: table.ViewOriginalText,
    ViewExpandedText: table.ViewExpandedText,
    TargetTable: table.TargetTable,
});

function failuresOf(call: string, failures: LFTagError[] | undefined): void {
    if (failures && failures.length > 0) {
        throw new Error(`${call}: ${failures.map((f) => `${f.Error?.ErrorCode}: ${f.Error?.ErrorMessage}`).join("; ")}`);
    }
}

export async function readResults(deps: Pick<ReporterDeps, "s3" | "resultsBucket" | "resultsPrefix">, jobName: string, jobRunId: string): Promise<JobResults> {
    const out = await deps.s3.send(new GetObjectCommand({ Bucket: deps.resultsBucket, Key: resultsKey(deps.resultsPrefix, jobName, jobRunId) }));
    const parsed = jobResultsSchema.safeParse(JSON.parse(await out.Body!.transformToString()));
    if (!parsed.success) throw new Error(`results of ${jobName} ${jobRunId}: ${parsed.error.message}`);
    return parsed.data;
}

async function declaredColumns(glue: GlueClient, catalogId: string, database: string, table: string): Promise<Map<string, string> | undefined> {
    try {
        const out = await glue.send(new GetTableCommand({ CatalogId: catalogId, DatabaseName: database, Name: table }));
        const columns = out.Table?.StorageDescriptor?.Columns ?? [];
        return new Map(columns.filter((c) => c.Name && c.Parameters?.[CLASSIFICATION_PARAMETER]).map((c) => [c.Name!, c.Parameters![CLASSIFICATION_PARAMETER]]));
    } catch (error) {
        if (error instanceof EntityNotFoundException) return undefined;
        throw error;
    }
}

export async function report(deps: ReporterDeps, results: JobResults): Promise<ReportSummary> {
    const source = await deps.state.get(results.sourceArn);
    if (!source) throw new Error(`results for ${results.sourceArn}, which the state table does not know`);
    if (source.glueDatabase !== results.database) throw new Error(`results name database ${results.database}, the source is catalogued in ${source.glueDatabase}`);
    const summary: ReportSummary = { database: results.database, tablesUpdated: 0, columnsMarked: 0, columnsCleared: 0, detections: [], disagreements: [] };
    const lfTag = (resource: Resource, value: "true" | "false") =>
        deps.lakeFormation.send(new AddLFTagsToResourceCommand({ CatalogId: deps.catalogId, Resource: resource, LFTags: [{ CatalogId: deps.catalogId, TagKey: PII_LF_TAG, TagValues: [value] }] }));
    for await (const page of paginateGetTables({ client: deps.glue }, { CatalogId: deps.catalogId, DatabaseName: results.database })) {
        for (const table of page.TableList ?? []) {
            const detected = results.tables[table.Name!];
            // A table the run did not scan keeps its marks: absence of a result is not absence of PII.
            if (!detected) continue;
            const marked = (table.StorageDescriptor?.Columns ?? []).map((c) => markColumn(c, detected[c.Name!]));
            const declared = source.dataset ? await declaredColumns(deps.glue, deps.catalogId, source.dataset, table.Name!) : undefined;
            if (marked.some((m) => m.changed)) {
                await deps.glue.send(
                    new UpdateTableCommand({
                        CatalogId: deps.catalogId,
                        DatabaseName: results.database,
                        // Optimistic concurrency: fails if the crawler changed the table since GetTables.
                        VersionId: table.VersionId,
                        TableInput: tableInputOf(table, { ...table.StorageDescriptor, Columns: marked.map((m) => m.column) }),
                    }),
                );
                summary.tablesUpdated++;
            }
            const tableResource: Resource = { Table: { CatalogId: deps.catalogId, DatabaseName: results.database, Name: table.Name } };
            failuresOf("AddLFTagsToResource(table)", (await lfTag(tableResource, "false")).Failures);
            const pii = marked.filter((m) => m.entities.length > 0).map((m) => m.column.Name!);
            const cleared = marked.filter((m) => m.entities.length === 0 && m.wasMarked).map((m) => m.column.Name!);
            const columnsResource = (names: string[]): Resource => ({ TableWithColumns: { CatalogId: deps.catalogId, DatabaseName: results.database, Name: table.Name, ColumnNames: names } });
            if (pii.length > 0) failuresOf("AddLFTagsToResource(columns)", (await lfTag(columnsResource(pii), "true")).Failures);
            if (cleared.length > 0) {
                const out = await deps.lakeFormation.send(
                    new RemoveLFTagsFromResourceCommand({ CatalogId: deps.catalogId, Resource: columnsResource(cleared), LFTags: [{ CatalogId: deps.catalogId, TagKey: PII_LF_TAG, TagValues: ["true"] }] }),
                );
                failuresOf("RemoveLFTagsFromResource(columns)", out.Failures);
            }
            summary.columnsMarked += pii.length;
            summary.columnsCleared += cleared.length;
            for (const m of marked.filter((x) => x.entities.length > 0)) {
                const column = m.column.Name!;
                // Records name the model's table when the source declares one: that is what the sanitiser shares.
                summary.detections.push({
                    database: source.dataset ?? results.database,
                    table: table.Name!,
                    column,
                    entityTypes: m.entities,
                    source: "glue-sensitive-data-detection",
                    detectedAt: results.detectedAt,
                });
                const declaredClass = declared?.get(column);
                if (declaredClass && !SENSITIVE.has(declaredClass)) {
                    summary.disagreements.push({ database: source.dataset!, table: table.Name!, column, declared: declaredClass, detected: m.entities });
                }
            }
        }
    }
    const records = detectionsSchema.parse(summary.detections);
    await deps.s3.send(
        new PutObjectCommand({
            Bucket: deps.resultsBucket,
            Key: `${deps.recordsPrefix}${source.dataset ?? results.database}.json`,
            Body: JSON.stringify(records, null, 2),
            ContentType: "application/json",
            ServerSideEncryption: "aws:kms",
        }),
    );
    await deps.s3.send(
        new PutObjectCommand({
            Bucket: deps.resultsBucket,
            Key: `${deps.disagreementsPrefix}${source.dataset ?? results.database}.json`,
            Body: JSON.stringify({ sourceArn: results.sourceArn, detectedAt: results.detectedAt, disagreements: summary.disagreements }, null, 2),
            ContentType: "application/json",
            ServerSideEncryption: "aws:kms",
        }),
    );
    return summary;
}
