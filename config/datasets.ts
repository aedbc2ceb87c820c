import { z } from "zod";
import { catalogName, shortName } from "./primitives";

const classifications = ["public", "internal", "confidential", "pii", "secret"] as const;
type Classification = (typeof classifications)[number];
/** Columns of these classes never cross an account without an explicit column allow-list or a row filter. */
const sensitiveClassifications: readonly Classification[] = ["pii", "secret"];

const columnSchema = z.strictObject({
    name: catalogName,
    type: z.string().regex(/^[a-z][a-z0-9_<>,:() ]*$/, { error: "expected a Hive/Glue column type such as string, int, decimal(10,2)" }),
    classification: z.enum(classifications, { error: `expected one of ${classifications.join(", ")}` }),
    comment: z.string().max(255).optional(),
});

const tableSchema = z.strictObject({
    name: catalogName,
    format: z.enum(["parquet", "csv", "json"]).default("parquet"),
    columns: z.array(columnSchema).min(1, { error: "expected at least one column" }),
});

export const zones = ["raw", "curated"] as const;

const datasetSchema = z.strictObject({
    /** Producer account name. */
    producer: shortName,
    database: catalogName,
    description: z.string().max(2048).optional(),
    zone: z.enum(zones).default("curated"),
    tables: z.array(tableSchema).min(1, { error: "expected at least one table" }),
});

export const datasetsSchema = z.array(datasetSchema).default([]);

export type Column = z.infer<typeof columnSchema>;
export type Table = z.infer<typeof tableSchema>;
export type Dataset = z.infer<typeof datasetSchema>;

export function isSensitive(column: Column): boolean {
    return sensitiveClassifications.includes(column.classification);
}
