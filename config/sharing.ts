import { z } from "zod";
import { catalogName, shortName } from "./primitives";

/**
 * A producer table granted to a consumer account. `columns` is an allow-list; `rowFilter`
 * makes the share a Lake Formation data cells filter (rows where the expression holds).
 */
const shareSchema = z.strictObject({
    consumer: shortName,
    database: catalogName,
    table: catalogName,
    columns: z.array(catalogName).min(1).optional(),
    rowFilter: z.string().min(1).max(2048, { error: "a Lake Formation row filter is limited to 2,048 characters" }).optional(),
});

/** What one runtime role of a consumer reads: a table it received, optionally fewer columns. */
const readSchema = z.strictObject({
    database: catalogName,
    table: catalogName,
    columns: z.array(catalogName).min(1).optional(),
});

const runtimeRoleSchema = z.strictObject({
    name: shortName,
    description: z.string().max(1000).optional(),
    reads: z.array(readSchema).default([]),
});

const consumerAccessSchema = z.strictObject({
    consumer: shortName,
    roles: z.array(runtimeRoleSchema).min(1),
});

export const sharesSchema = z.array(shareSchema).default([]);
export const consumerAccessListSchema = z.array(consumerAccessSchema).default([]);

export type Share = z.infer<typeof shareSchema>;
export type ConsumerAccess = z.infer<typeof consumerAccessSchema>;
