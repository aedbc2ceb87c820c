import { z } from "zod";
import { isValidColumn } from "./expression";

/** The mapping document the reconciler reads from SSM: which OU's accounts each consumer may see, per table. */

export const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
// Glue stores database and table names in lower case; anything else would never match the catalog.
const GLUE_NAME = /^[a-z0-9_-]{1,255}$/;

const accountId = z.string().regex(ACCOUNT_ID, "must be a 12-digit AWS account id");
const glueName = z.string().regex(GLUE_NAME, "must be a lower-case Glue name ([a-z0-9_-], 1-255 chars)");

const tableRefShape = {
    catalogId: accountId,
    database: glueName,
    table: glueName,
};

const tableRefSchema = z.strictObject(tableRefShape);

const tableSchema = z.strictObject({
    ...tableRefShape,
    accountColumn: z.string().refine(isValidColumn, "must be a column identifier (letters, digits, _; dots for nested fields; no keyword)"),
    includeNested: z.boolean().default(true),
});

const mappingSchema = z.strictObject({
    ouId: z.string().refine(id => OU_ID.test(id) || ROOT_ID.test(id), "must be an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)"),
    consumers: z.array(accountId).min(1),
    tables: z.array(tableSchema).min(1),
});

export type TableRef = z.output<typeof tableRefSchema>;

export function tableKey(ref: TableRef): string {
    return `${ref.catalogId}/${ref.database}/${ref.table}`;
}

const mappingDocumentSchema = z
    .strictObject({
        version: z.literal(1),
        mappings: z.array(mappingSchema),
        // Tables no mapping names any more: the reconciler removes its filters and grants from them.
        retiredTables: z.array(tableRefSchema).default([]),
    })
    .superRefine((doc, ctx) => {
        const columns = new Map<string, string>();
        doc.mappings.forEach((mapping, m) => {
            if (new Set(mapping.consumers).size !== mapping.consumers.length) {
                ctx.addIssue({ code: "custom", path: ["mappings", m, "consumers"], message: "consumers must be unique" });
            }
            mapping.tables.forEach((table, t) => {
                const key = tableKey(table);
                const seen = columns.get(key);
                // Filter names do not carry the column, so one table has one account column.
                if (seen !== undefined && seen !== table.accountColumn) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["mappings", m, "tables", t, "accountColumn"],
                        message: `table ${key} already uses account column "${seen}"`,
                    });
                }
                columns.set(key, table.accountColumn);
                if (mapping.consumers.includes(table.catalogId)) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["mappings", m, "consumers"],
                        message: `consumer ${table.catalogId} owns the catalog of ${key}`,
                    });
                }
            });
        });
        doc.retiredTables.forEach((table, r) => {
            if (columns.has(tableKey(table))) {
                ctx.addIssue({ code: "custom", path: ["retiredTables", r], message: `${tableKey(table)} is still mapped` });
            }
        });
    });

export type MappingDocument = z.output<typeof mappingDocumentSchema>;

export function parseMappingDocument(raw: unknown): MappingDocument {
    const parsed = mappingDocumentSchema.safeParse(raw);
    if (!parsed.success) {
        throw new Error(`invalid OU mapping document:\n${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
}
