import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../../pulumi/resource-options";
import type { Dataset, Table } from "../../config/datasets";

export interface DataCatalogArgs {
    catalogId: string;
    datasets: Dataset[];
    /** Bucket name per zone; a table lives under s3://<bucket>/<database>/<table>/. */
    zoneBuckets: Record<Dataset["zone"], string>;
}

/** Column parameter the policy pack reads to know which columns are sensitive. */
export const CLASSIFICATION_PARAMETER = "lakewarden:classification";

const FORMATS: Record<Table["format"], { input: string; output: string; serde: string; params?: Record<string, string> }> = {
    parquet: {
        input: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        output: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        serde: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    },
    csv: {
        input: "org.apache.hadoop.mapred.TextInputFormat",
        output: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        serde: "org.apache.hadoop.hive.serde2.OpenCSVSerde",
        params: { separatorChar: ",", quoteChar: '"', "skip.header.line.count": "1" },
    },
    json: {
        input: "org.apache.hadoop.mapred.TextInputFormat",
        output: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        serde: "org.openx.data.jsonserde.JsonSerDe",
    },
};

/** Glue databases and tables generated from `lakewarden:datasets`, with explicit names and column classifications. */
export class DataCatalog extends pulumi.ComponentResource {
    readonly databases: Map<string, aws.glue.CatalogDatabase>;
    readonly tables: aws.glue.CatalogTable[] = [];

    constructor(name: string, args: DataCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:lakeformation:DataCatalog", name, {}, opts);
        this.databases = new Map();
        for (const dataset of args.datasets) {
            const bucket = args.zoneBuckets[dataset.zone];
            const database = new aws.glue.CatalogDatabase(
                `${name}-${dataset.database}`,
                {
                    catalogId: args.catalogId,
                    name: dataset.database,
                    description: dataset.description,
                    locationUri: `s3://${bucket}/${dataset.database}/`,
                    createTableDefaultPermissions: [],
                },
                { parent: this, dependsOn: childDependsOn(opts) },
            );
            this.databases.set(dataset.database, database);
            for (const table of dataset.tables) {
                this.tables.push(catalogTable(`${name}-${dataset.database}-${table.name}`, args.catalogId, dataset, table, bucket, database, this));
            }
        }
        this.registerOutputs({});
    }
}

function catalogTable(
    name: string,
    catalogId: string,
    dataset: Dataset,
    table: Table,
    bucket: string,
    database: aws.glue.CatalogDatabase,
    parent: pulumi.Resource,
): aws.glue.CatalogTable {
    const format = FORMATS[table.format];
    return new aws.glue.CatalogTable(
        name,
        {
            catalogId,
            databaseName: database.name,
            name: table.name,
            tableType: "EXTERNAL_TABLE",
            parameters: {
                classification: table.format,
                ...(table.format === "parquet" ? { "parquet.compression": "SNAPPY" } : {}),
            },
            storageDescriptor: {
                location: `s3://${bucket}/${dataset.database}/${table.name}/`,
                inputFormat: format.input,
                outputFormat: format.output,
                serDeInfo: { serializationLibrary: format.serde, parameters: format.params ?? {} },
                columns: table.columns.map(c => ({
                    name: c.name,
                    type: c.type,
                    comment: c.comment,
                    parameters: { [CLASSIFICATION_PARAMETER]: c.classification },
                })),
            },
        },
        { parent },
    );
}
