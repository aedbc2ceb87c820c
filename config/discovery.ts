import { z } from "zod";
import type { Account } from "./accounts";
import { catalogName, glueCron } from "./primitives";
import { checkAccountRef, checkUnique } from "./references";

/** AWS tag keys and values (Tagging API limits: key 1-128, value 0-256). */
const tagKey = z.string().regex(/^[\w .:/=+@-]{1,128}$/, { error: "expected a tag key (1-128 of letters, digits, spaces and _.:/=+-@)" });
const tagValue = z.string().regex(/^[\w .:/=+@-]{0,256}$/, { error: "expected a tag value (0-256 of letters, digits, spaces and _.:/=+-@)" });
/** EventBridge Scheduler / rule expressions. */
const schedule = z.string().regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/, { error: "expected rate(...) or cron(...)" });

/**
 * Data-store discovery and PII detection in producer accounts (`lakewarden:discovery`). Absent: none.
 * Sources opt in with `optInTag`; `recordTags` names the tag that carries each art. 30 attribute.
 */
export const discoverySchema = z
    .strictObject({
        /** Producer accounts that run discovery. */
        producers: z.array(z.string()).min(1),
        optInTag: z.strictObject({ key: tagKey, value: tagValue }).default({ key: "lakewarden:discover", value: "true" }),
        /** Tag naming the model database (lakewarden:datasets) a source holds: its declared classifications win. */
        datasetTag: tagKey.default("lakewarden:dataset"),
        /** Tag of an Aurora/RDS cluster listing the schemas to crawl (comma-separated); default `public`. */
        schemasTag: tagKey.default("lakewarden:schemas"),
        recordTags: z
            .strictObject({
                dataSubjects: tagKey.default("gdpr:data-subjects"),
                purpose: tagKey.default("gdpr:purpose"),
                consumers: tagKey.default("gdpr:consumers"),
                owner: tagKey.default("gdpr:owner"),
                retention: tagKey.default("gdpr:retention"),
                lawfulBasis: tagKey.default("gdpr:lawful-basis"),
            })
            .prefault({}),
        schedules: z
            .strictObject({
                backfill: schedule.default("rate(1 day)"),
                catalog: schedule.default("rate(1 hour)"),
                /** Starts each source's Glue workflow: crawlers, then (on their success) the PII job. */
                detection: glueCron.default("cron(0 2 * * ? *)"),
                report: schedule.default("rate(1 day)"),
            })
            .prefault({}),
        detection: z
            .strictObject({
                /** Glue's classifyColumns sampleFraction and thresholdFraction. */
                sampleFraction: z.number().gt(0).max(1).default(0.1),
                thresholdFraction: z.number().gt(0).max(1).default(0.1),
                workers: z.number().int().min(2).max(100).default(2),
                timeoutMinutes: z.number().int().min(10).max(2880).default(120),
            })
            .prefault({}),
        /** Art. 30 attributes of the model's own datasets (their zone buckets are sources too). */
        records: z
            .array(
                z.strictObject({
                    database: catalogName,
                    dataSubjects: z.string().min(1).optional(),
                    purpose: z.string().min(1).optional(),
                    consumers: z.string().min(1).optional(),
                    owner: z.string().min(1).optional(),
                    retention: z.string().min(1).optional(),
                    lawfulBasis: z.string().min(1).optional(),
                }),
            )
            .default([]),
    })
    .optional();

export type Discovery = NonNullable<z.infer<typeof discoverySchema>>;

export function checkDiscovery(env: { accounts: Account[]; datasets: { database: string }[]; discovery?: Discovery }, ctx: z.RefinementCtx): void {
    const discovery = env.discovery;
    if (!discovery) {
        return;
    }
    discovery.producers.forEach((name, index) => checkAccountRef(env.accounts, ctx, ["discovery", "producers", index], name, ["producer"]));
    checkUnique(
        ctx,
        discovery.producers,
        p => p,
        i => ["discovery", "producers", i],
        "discovery producer",
    );
    checkUnique(
        ctx,
        discovery.records,
        r => r.database,
        i => ["discovery", "records", i, "database"],
        "record of processing",
    );
    discovery.records.forEach((record, index) => {
        if (!env.datasets.some(d => d.database === record.database)) {
            ctx.addIssue({
                code: "custom",
                path: ["discovery", "records", index, "database"],
                message: `database "${record.database}" is not in lakewarden:datasets`,
            });
        }
    });
    const keys: [string, PropertyKey[]][] = [
        [discovery.optInTag.key, ["discovery", "optInTag", "key"]],
        [discovery.datasetTag, ["discovery", "datasetTag"]],
        [discovery.schemasTag, ["discovery", "schemasTag"]],
        ...Object.entries(discovery.recordTags).map(([attribute, key]): [string, PropertyKey[]] => [key, ["discovery", "recordTags", attribute]]),
    ];
    checkUnique(
        ctx,
        keys,
        ([key]) => key,
        i => keys[i][1],
        "discovery tag key",
    );
}
