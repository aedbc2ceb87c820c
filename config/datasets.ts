import { z } from "zod";
import { catalogName, shortName } from "./primitives";

const classifications = ["public", "internal", "confidential", "pii", "secret"] as const;
type Classification = (typeof classifications)[number];
/** Columns of these classes never cross an account without an explicit column allow-list or a row filter. */
const sensitiveClassifications: readonly Classification[] = ["pii", "secret"];

const sanitiseActions = ["keep", "drop", "tokenise", "generalise"] as const;
export type SanitiseAction = (typeof sanitiseActions)[number];

/**
 * What a lower environment receives per classification, and the overrides each may take. The same tables
 * are DEFAULT_ACTION and ALLOWED_ACTIONS in glue/sanitise/core.py (tests/sanitise/job-arguments.test.ts
 * compares them): pii and secret never leave as plaintext, secret is only ever dropped.
 */
export const DEFAULT_ACTION: Readonly<Record<Classification, SanitiseAction>> = {
    public: "keep",
    internal: "keep",
    confidential: "tokenise",
    pii: "tokenise",
    secret: "drop",
};
export const ALLOWED_ACTIONS: Readonly<Record<Classification, readonly SanitiseAction[]>> = {
    public: sanitiseActions,
    internal: sanitiseActions,
    confidential: ["drop", "tokenise", "generalise"],
    pii: ["drop", "tokenise", "generalise"],
    secret: ["drop"],
};

/** Generalisers, bounded as core._check_generaliser bounds them. */
const generaliserSchema = z.discriminatedUnion("generalise", [
    z.strictObject({ generalise: z.literal("timestamp"), unit: z.enum(["day", "month"], { error: "expected day or month" }) }),
    z.strictObject({ generalise: z.literal("bucket"), width: z.number().positive({ error: "expected a positive bucket width" }) }),
    z.strictObject({
        generalise: z.literal("location"),
        // 2 decimals of a degree is about 1 km; finer is not a generalisation.
        decimals: z.number().int().min(0).max(2, { error: "expected 0, 1 or 2 decimals (2 is about 1 km)" }),
    }),
]);

/** Column types each generaliser reads (core.generalise): epoch milliseconds or ISO text, numbers, "lat,lon" text. */
const GENERALISABLE_TYPES = {
    timestamp: /^(timestamp|date|bigint|string)$/,
    bucket: /^(tinyint|smallint|int|bigint|float|double|decimal\(\d+,\d+\))$/,
    location: /^string$/,
} as const;

/** Per-column override: `keep`, `drop`, `tokenise`, or a generaliser object such as `{ generalise: timestamp, unit: day }`. */
const sanitiseSchema = z.union([z.enum(["keep", "drop", "tokenise"]), generaliserSchema], {
    error:
        "expected keep, drop, tokenise, or a generaliser: { generalise: timestamp, unit: day|month }, { generalise: bucket, width: >0 } " +
        "or { generalise: location, decimals: 0-2 }",
});
export type SanitiseOverride = z.infer<typeof sanitiseSchema>;

export function actionOf(override: SanitiseOverride): SanitiseAction {
    return typeof override === "string" ? override : "generalise";
}

const columnSchema = z
    .strictObject({
        name: catalogName,
        type: z.string().regex(/^[a-z][a-z0-9_<>,:() ]*$/, { error: "expected a Hive/Glue column type such as string, int, decimal(10,2)" }),
        classification: z.enum(classifications, { error: `expected one of ${classifications.join(", ")}` }),
        comment: z.string().max(255).optional(),
        /** What a lower environment receives instead of the classification's default action. */
        sanitise: sanitiseSchema.optional(),
    })
    .superRefine((column, ctx) => {
        if (column.sanitise === undefined) return;
        const action = actionOf(column.sanitise);
        const allowed = ALLOWED_ACTIONS[column.classification];
        if (!allowed.includes(action)) {
            ctx.addIssue({
                code: "custom",
                path: ["sanitise"],
                message: `column ${column.name} is ${column.classification}: a lower environment may not receive it as ${action} (allowed: ${allowed.join(", ")})`,
            });
        } else if (typeof column.sanitise !== "string" && !GENERALISABLE_TYPES[column.sanitise.generalise].test(column.type)) {
            ctx.addIssue({
                code: "custom",
                path: ["sanitise", "generalise"],
                message: `column ${column.name} is ${column.type}: the ${column.sanitise.generalise} generaliser needs ${GENERALISABLE_TYPES[column.sanitise.generalise].source}`,
            });
        }
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
