/**
 * The record of processing activities (GDPR art. 30) built from the sources' tags and from who lakewarden
 * lets read each source (pure: the Lambda, `npm run ropa` and the tests share it).
 */
import { z } from "zod";

export const RECORD_ATTRIBUTES = ["dataSubjects", "purpose", "consumers", "owner", "retention", "lawfulBasis"] as const;
export type RecordAttribute = (typeof RECORD_ATTRIBUTES)[number];

export const readersSchema = z.record(
    z.string(),
    z.array(
        z.object({
            account: z.string(),
            accountId: z.string(),
            tables: z.array(z.string()),
            roles: z.array(z.object({ roleArn: z.string(), tables: z.array(z.string()) })),
        }),
    ),
);
/** Per model database: the consumer accounts granted access, and within each the runtime roles and what they read. */
export type Readers = z.infer<typeof readersSchema>;

export interface RopaSource {
    arn: string;
    kind: string;
    name: string;
    status: string;
    /** Model database the source holds (dataset tag or the model's own zone bucket). */
    dataset?: string;
    /** Attribute values as found (tags of the source, or the model's records for its own datasets). */
    attributes: Partial<Record<RecordAttribute, string>>;
}

interface RopaEntry extends RopaSource {
    missing: RecordAttribute[];
    readers: Readers[string];
}

export interface RopaReport {
    generatedAt: string;
    entries: RopaEntry[];
    /** ARNs of sources lacking at least one required attribute. */
    lacking: string[];
}

function attributesFromTags(tags: Record<string, string>, recordTags: Record<RecordAttribute, string>): Partial<Record<RecordAttribute, string>> {
    const out: Partial<Record<RecordAttribute, string>> = {};
    for (const attribute of RECORD_ATTRIBUTES) {
        const value = tags[recordTags[attribute]]?.trim();
        if (value) out[attribute] = value;
    }
    return out;
}

export function buildRopa(sources: RopaSource[], readers: Readers, generatedAt: string): RopaReport {
    const entries = [...sources]
        .sort((a, b) => a.arn.localeCompare(b.arn))
        .map(source => ({
            ...source,
            missing: RECORD_ATTRIBUTES.filter(a => !source.attributes[a]),
            readers: source.dataset ? (readers[source.dataset] ?? []) : [],
        }));
    return { generatedAt, entries, lacking: entries.filter(e => e.missing.length > 0).map(e => e.arn) };
}

const CSV_COLUMNS = ["arn", "kind", "name", "status", "dataset", ...RECORD_ATTRIBUTES, "missing", "readerAccounts", "readerRoles"] as const;

function csvCell(value: string): string {
    // Quote always; a leading = + - @ is prefixed so spreadsheets never run it as a formula.
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return `"${safe.replace(/"/g, '""')}"`;
}

export function toCsv(report: RopaReport): string {
    const rows = report.entries.map(e => [
        e.arn,
        e.kind,
        e.name,
        e.status,
        e.dataset ?? "",
        ...RECORD_ATTRIBUTES.map(a => e.attributes[a] ?? ""),
        e.missing.join(" "),
        e.readers.map(r => `${r.account} (${r.accountId}): ${r.tables.join(" ")}`).join("; "),
        e.readers.flatMap(r => r.roles.map(role => `${role.roleArn}: ${role.tables.join(" ")}`)).join("; "),
    ]);
    return [CSV_COLUMNS.join(","), ...rows.map(row => row.map(csvCell).join(","))].join("\n") + "\n";
}

/** A discovered source as the record lists it: the model dataset its dataset tag names, and the record attributes of its tags. */
export function discoveredSource(
    source: { arn: string; kind: string; name: string; status: string },
    tags: Record<string, string>,
    tagKeys: { dataset: string; record: Record<RecordAttribute, string> },
): RopaSource {
    const dataset = tags[tagKeys.dataset] || undefined;
    return {
        arn: source.arn,
        kind: source.kind,
        name: source.name,
        status: source.status,
        ...(dataset ? { dataset } : {}),
        attributes: attributesFromTags(tags, tagKeys.record),
    };
}
