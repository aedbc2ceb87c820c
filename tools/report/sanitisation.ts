// What the plan says about sanitisation (lakewarden:sanitisation): per recorded sanitisation job, what the lower
// environment receives of each column (the `--column-policy` the model generated), and the columns a detection
// (Glue sensitive data detection, Macie) reports as sensitive while the model classifies them lower: the job refuses
// (drops) them at run time until the model is updated (sanitise/refusals.ts, the same rule as core.refused_by_detections).
import { readFileSync } from "node:fs";
import { type Dataset } from "../../config/datasets";
import { ConfigError } from "../../config/errors";
import { type Detection, detectionsSchema } from "../../contracts/detections";
import { refusedColumns } from "../../sanitise/refusals";
import type { RecordedResource } from "../offline/recorder";

interface PolicyColumn {
    name: string;
    classification: string;
    action: string;
}

interface Refusal {
    column: string;
    classification: string;
    detected: string[];
}

interface SanitisationJobReport {
    job: string;
    accountId?: string;
    dataset: string;
    table: string;
    /** s3://<bucket>/<prefix> of the sanitised copy. */
    target: string;
    /** action -> columns (keep, drop, tokenise, generalise). */
    actions: Record<string, string[]>;
    /** Where the job reads detection records at run time, if anywhere. */
    detectionsUri?: string;
    refusals: Refusal[];
}

export interface SanitisationReport {
    jobs: SanitisationJobReport[];
    /** The --detections file the refusals were computed from (none: refusals are known at run time only). */
    detectionsFile?: string;
}

/** Reads a detection records file (contracts/detections.ts, as discovery exports it); a bad file is a config error naming the flag. */
export function readDetections(file: string): Detection[] {
    let parsed: unknown;
    try {
        parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new ConfigError([{ key: "--detections", message: `${file} is not readable JSON: ${(error as Error).message}` }]);
    }
    const result = detectionsSchema.safeParse(parsed);
    if (!result.success) {
        const issue = result.error.issues[0];
        throw new ConfigError([{ key: "--detections", message: `${file}: [${issue.path.join(".")}] ${issue.message} (expected detection records)` }]);
    }
    return result.data;
}

export function sanitisationReport(
    resources: readonly RecordedResource[],
    datasets: readonly Dataset[],
    detections?: { file: string; records: Detection[] },
): SanitisationReport {
    const jobs = resources
        .filter(r => r.type === "aws:glue/job:Job")
        .flatMap(r => {
            const args = r.props.defaultArguments as Record<string, unknown> | undefined;
            if (!args || typeof args["--column-policy"] !== "string") return [];
            const policy = JSON.parse(args["--column-policy"]) as { columns: PolicyColumn[] };
            const datasetName = String(args["--dataset"]);
            const table = String(args["--table"]);
            const actions: Record<string, string[]> = {};
            for (const c of policy.columns) (actions[c.action] ??= []).push(c.name);
            const dataset = datasets.find(d => d.database === datasetName);
            const records = detections?.records ?? [];
            const refusals = dataset
                ? refusedColumns(dataset, table, records).map(column => ({
                      column,
                      classification: policy.columns.find(c => c.name === column)?.classification ?? "?",
                      detected: [
                          ...new Set(
                              records
                                  .filter(d => d.database === datasetName && d.table === table && d.column.toLowerCase() === column.toLowerCase())
                                  .flatMap(d => d.entityTypes.map(e => `${e} (${d.source})`)),
                          ),
                      ].sort(),
                  }))
                : [];
            return [
                {
                    job: String(r.props.name),
                    ...(r.accountId ? { accountId: r.accountId } : {}),
                    dataset: datasetName,
                    table,
                    target: `s3://${String(args["--target-bucket"])}/${String(args["--target-prefix"])}/`,
                    actions,
                    ...(typeof args["--detections-uri"] === "string" ? { detectionsUri: args["--detections-uri"] } : {}),
                    refusals,
                },
            ];
        })
        .sort((a, b) => a.job.localeCompare(b.job));
    return { jobs, ...(detections ? { detectionsFile: detections.file } : {}) };
}

export function renderSanitisationReport(report: SanitisationReport): string {
    if (report.jobs.length === 0) return "";
    const lines = [`sanitisation to lower environments: ${report.jobs.length} job(s)`];
    for (const job of report.jobs) {
        const actions = ["keep", "tokenise", "generalise", "drop"].filter(a => job.actions[a]).map(a => `${a} ${job.actions[a].join(", ")}`);
        lines.push(`  ${job.job} (${job.accountId ?? "?"}): ${job.dataset}.${job.table} -> ${job.target}`, `    ${actions.join("; ")}`);
        for (const r of job.refusals) {
            lines.push(`    REFUSED ${r.column} [${r.classification}]: detected ${r.detected.join(", ")}; dropped until the model classifies it pii or secret`);
        }
    }
    const refused = report.jobs.reduce((n, j) => n + j.refusals.length, 0);
    lines.push(
        report.detectionsFile
            ? `  refusals from ${report.detectionsFile}: ${refused} column(s) the model classifies lower than a detection`
            : "  refusals: no --detections file given; each job applies the detection records it reads at run time (--detections-uri)",
    );
    return lines.join("\n");
}
