/**
 * `npm run ropa -- --stack dev [--format csv|json] [--sources state.json]`: the GDPR art. 30 record of
 * processing from the environment model (its datasets with `discovery.records`, and who may read each),
 * optionally with discovered sources exported from the state table ([{arn, kind, name, status, dataset?, tags}]).
 */
import { readFileSync } from "node:fs";
import { readersByDatabase } from "../components/discovery/readers";
import { environmentFromConfig } from "../config/environment";
import { attributesFromTags, buildRopa, type RopaSource, toCsv } from "../lambdas/discovery-ropa/record";
import { readStackConfig } from "./offline/stack-config";

function option(name: string): string | undefined {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? process.argv[index + 1] : undefined;
}

const stack = option("stack") ?? "dev";
const format = option("format") ?? "csv";
if (format !== "csv" && format !== "json") throw new Error(`--format: expected csv or json, got ${format}`);
const env = environmentFromConfig(stack, readStackConfig(stack));
if (!env.discovery) {
    console.error(`lakewarden:discovery is not set in Pulumi.${stack}.yaml: there is no record of processing to build`);
    process.exit(2);
}
const discovery = env.discovery;
const modelSources: RopaSource[] = env.datasets.map((dataset) => {
    const record = discovery.records.find((r) => r.database === dataset.database);
    const { database: _database, ...attributes } = record ?? { database: dataset.database };
    return { arn: `lakewarden:dataset/${dataset.producer}/${dataset.database}`, kind: "dataset", name: dataset.database, status: "declared", dataset: dataset.database, attributes };
});
const file = option("sources");
const discovered: RopaSource[] = file
    ? (JSON.parse(readFileSync(file, "utf8")) as { arn: string; kind: string; name: string; status: string; dataset?: string; tags: Record<string, string> }[]).map((s) => ({
          arn: s.arn,
          kind: s.kind,
          name: s.name,
          status: s.status,
          ...(s.dataset ? { dataset: s.dataset } : {}),
          attributes: attributesFromTags(s.tags, discovery.recordTags),
      }))
    : [];
const report = buildRopa([...modelSources, ...discovered], readersByDatabase(env), new Date().toISOString());
process.stdout.write(format === "csv" ? toCsv(report) : `${JSON.stringify(report, null, 2)}\n`);
if (report.lacking.length > 0) console.error(`${report.lacking.length} source(s) lack required record-of-processing attributes: ${report.lacking.join(", ")}`);
