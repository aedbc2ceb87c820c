/**
 * `npm run ropa -- --stack dev [--format csv|json] [--sources state.json]`: the GDPR art. 30 record of
 * processing from the environment model (its datasets with `discovery.records`, and who may read each),
 * optionally with discovered sources exported from the state table ([{arn, kind, name, status, tags}]).
 */
import { readFileSync } from "node:fs";
import { readersByDatabase } from "../plans/readers";
import type { Discovery } from "../config/discovery";
import { type Environment, environmentFromConfig } from "../config/environment";
import { buildRopa, discoveredSource, type RopaReport, type RopaSource, toCsv } from "../lambdas/discovery-ropa/record";
import { readStackConfig } from "./offline/stack-config";

export interface ExportedSource {
    arn: string;
    kind: string;
    name: string;
    status: string;
    tags: Record<string, string>;
}

/** The record: every model dataset (attributes from `discovery.records`) and every exported source (from its tags). */
export function recordOfProcessing(env: Environment & { discovery: Discovery }, exported: ExportedSource[], generatedAt: string): RopaReport {
    const discovery = env.discovery;
    const modelSources: RopaSource[] = env.datasets.map(dataset => {
        const { database: _database, ...attributes } = discovery.records.find(r => r.database === dataset.database) ?? { database: dataset.database };
        return {
            arn: `lakewarden:dataset/${dataset.producer}/${dataset.database}`,
            kind: "dataset",
            name: dataset.database,
            status: "declared",
            dataset: dataset.database,
            attributes,
        };
    });
    const discovered = exported.map(s => discoveredSource(s, s.tags, { dataset: discovery.datasetTag, record: discovery.recordTags }));
    return buildRopa([...modelSources, ...discovered], readersByDatabase(env), generatedAt);
}

function option(name: string): string | undefined {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? process.argv[index + 1] : undefined;
}

function main(): void {
    const stack = option("stack") ?? "dev";
    const format = option("format") ?? "csv";
    if (format !== "csv" && format !== "json") throw new Error(`--format: expected csv or json, got ${format}`);
    const env = environmentFromConfig(stack, readStackConfig(stack));
    const discovery = env.discovery;
    if (!discovery) {
        console.error(`lakewarden:discovery is not set in Pulumi.${stack}.yaml: there is no record of processing to build`);
        process.exit(2);
    }
    const file = option("sources");
    const exported = file ? (JSON.parse(readFileSync(file, "utf8")) as ExportedSource[]) : [];
    const report = recordOfProcessing({ ...env, discovery }, exported, new Date().toISOString());
    process.stdout.write(format === "csv" ? toCsv(report) : `${JSON.stringify(report, null, 2)}\n`);
    if (report.lacking.length > 0)
        console.error(`${report.lacking.length} source(s) lack required record-of-processing attributes: ${report.lacking.join(", ")}`);
}

if (require.main === module) main();
