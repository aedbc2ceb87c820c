import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ALLOWED_ACTIONS, type Dataset, datasetsSchema, DEFAULT_ACTION } from "../../config/datasets";
import { sanitisationJobArguments } from "../../sanitise/job-arguments";

const ROOT = path.join(__dirname, "..", "..");

/** Runs `script` with glue.sanitise.core imported as `core`, stdin = JSON input; returns its JSON stdout. */
function python(script: string, input: unknown): unknown {
    const run = spawnSync("python3", ["-c", `import json, sys\nfrom glue.sanitise import core\ndata = json.load(sys.stdin)\n${script}`], {
        cwd: ROOT,
        input: JSON.stringify(input),
        encoding: "utf8",
    });
    assert.equal(run.error, undefined, `python3 is needed to check the job arguments against the core: ${run.error?.message}`);
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout);
}

const [sales]: Dataset[] = datasetsSchema.parse([
    {
        producer: "producer",
        database: "sales",
        tables: [
            {
                name: "invoices",
                columns: [
                    { name: "invoiceid", type: "string", classification: "internal", sanitise: "drop" },
                    { name: "accountid", type: "string", classification: "pii" },
                    { name: "purchasetime", type: "bigint", classification: "confidential", sanitise: { generalise: "timestamp", unit: "day" } },
                    { name: "purchaseamount", type: "double", classification: "internal" },
                    { name: "purchaseitemnumber", type: "int", classification: "internal", sanitise: { generalise: "bucket", width: 10 } },
                    { name: "location", type: "string", classification: "pii", sanitise: { generalise: "location", decimals: 1 } },
                    { name: "apikey", type: "string", classification: "secret" },
                ],
            },
        ],
    },
]);

const input = {
    dataset: sales,
    table: "invoices",
    sourceDatabase: "sales",
    sourceTable: "invoices",
    targetBucket: "lw-dev-444455556666-eu-west-1-lower-env",
    targetPrefix: "sanitised/sales/invoices",
    targetDatabase: "sales_sanitised",
    targetTable: "invoices",
    targetCatalogId: "444455556666",
    targetKeyArn: "arn:aws:kms:eu-west-1:444455556666:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    tokenKeySecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:lakewarden/prod/sanitise/token-key-AbCdEf",
    detectionsUri: "s3://lw-prod-111122223333-eu-west-1-discovery/detections/records/sales.json",
};

describe("sanitise/job-arguments", () => {
    it("produces arguments whose column policy glue/sanitise/core.py accepts with the model's actions", () => {
        const args = sanitisationJobArguments({ ...input, refusedColumns: ["purchaseamount"] });
        assert.ok(Object.keys(args).every(k => k.startsWith("--")));
        assert.equal(args["--staging-prefix"], "sanitised/sales/_staging/invoices");
        const rules = python(
            `rules = core.load_policy_argument(data["--column-policy"])\n` +
                `print(json.dumps({"rules": {k: [r.name, r.classification, r.action, r.type, r.generalise] for k, r in rules.items()}, ` +
                `"staging": core.default_staging_root(data["--target-prefix"])}))`,
            args,
        ) as { rules: Record<string, unknown[]>; staging: string };
        assert.deepEqual(rules.rules, {
            invoiceid: ["invoiceid", "internal", "drop", "string", null],
            accountid: ["accountid", "pii", "tokenise", "string", null],
            purchasetime: ["purchasetime", "confidential", "generalise", "bigint", { kind: "timestamp", unit: "day" }],
            // Refused by a detection: dropped whatever the model says, until the model is updated.
            purchaseamount: ["purchaseamount", "internal", "drop", "double", null],
            purchaseitemnumber: ["purchaseitemnumber", "internal", "generalise", "int", { kind: "bucket", width: 10 }],
            location: ["location", "pii", "generalise", "string", { kind: "location", decimals: 1 }],
            apikey: ["apikey", "secret", "drop", "string", null],
        });
        assert.equal(rules.staging, args["--staging-prefix"], "TS and Python agree on the default staging root");
        assert.equal(args["--job-bookmark-option"], "job-bookmark-enable");
        assert.equal(args["--detections-uri"], input.detectionsUri);
        assert.equal(args["--target-catalog-id"], "444455556666");
    });

    it("produces exactly the arguments glue/sanitise/job.py resolves (required always, optional when given)", () => {
        const declared = python(
            `import ast\ntree = ast.parse(open("glue/sanitise/job.py").read())\n` +
                `assigns = {n.targets[0].id: n.value for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)}\n` +
                `required = [e.value for e in assigns["REQUIRED"].elts]\n` +
                `optional = [e.value for e in assigns["OPTIONAL"].generators[0].iter.elts]\n` +
                `print(json.dumps({"required": required, "optional": optional}))`,
            {},
        ) as { required: string[]; optional: string[] };
        // JOB_NAME is Glue's own; the bookmark and catalog flags are read by Glue, not by the script.
        const glueOwn = ["--job-bookmark-option", "--enable-glue-datacatalog"];
        const full = Object.keys(sanitisationJobArguments(input)).filter(k => !glueOwn.includes(k));
        const minimal = Object.keys(
            sanitisationJobArguments({ ...input, targetCatalogId: undefined, targetKeyArn: undefined, detectionsUri: undefined }),
        ).filter(k => !glueOwn.includes(k));
        const script = declared.required.filter(a => a !== "JOB_NAME").map(a => `--${a}`);
        assert.deepEqual([...minimal].sort(), [...script].sort());
        assert.deepEqual([...full].sort(), [...script, ...declared.optional.map(a => `--${a}`)].sort());
    });

    it("has the same default and allowed actions per classification as the core", () => {
        const tables = python(`print(json.dumps({"default": core.DEFAULT_ACTION, "allowed": {k: sorted(v) for k, v in core.ALLOWED_ACTIONS.items()}}))`, {});
        assert.deepEqual(tables, {
            default: DEFAULT_ACTION,
            allowed: Object.fromEntries(Object.entries(ALLOWED_ACTIONS).map(([k, v]) => [k, [...v].sort()])),
        });
    });

    it("refuses a staging prefix inside the table location, a refused column the table lacks, and malformed inputs", () => {
        assert.throws(() => sanitisationJobArguments({ ...input, stagingPrefix: "sanitised/sales/invoices/_staging" }), /overlaps the table location/);
        assert.throws(() => sanitisationJobArguments({ ...input, refusedColumns: ["email"] }), /refused columns not in the table: email/);
        assert.throws(() => sanitisationJobArguments({ ...input, table: "orders" }), /sales\.orders: the dataset has no table orders/);
        assert.throws(() => sanitisationJobArguments({ ...input, tokenKeySecretArn: "lakewarden/token-key" }), /not a Secrets Manager ARN/);
        assert.throws(() => sanitisationJobArguments({ ...input, detectionsUri: "s3://bucket/other/sales.json" }), /detections\/records/);
        assert.throws(() => sanitisationJobArguments({ ...input, targetPrefix: "a//b" }), /not an S3 key prefix/);
        assert.throws(() => sanitisationJobArguments({ ...input, targetKeyArn: "alias/lower" }), /not a KMS key ARN/);
    });

    it("stops at Glue's 260 KB argument limit", () => {
        const columns = Array.from({ length: 4000 }, (_, i) => ({
            name: `c${String(i).padStart(4, "0")}_${"x".repeat(40)}`,
            type: "string",
            classification: "internal" as const,
        }));
        const wide: Dataset = { ...sales, tables: [{ name: "invoices", format: "parquet", columns }] };
        assert.throws(() => sanitisationJobArguments({ ...input, dataset: wide }), /over Glue's 260000-byte limit/);
        const narrow: Dataset = { ...sales, tables: [{ name: "invoices", format: "parquet", columns: columns.slice(0, 1000) }] };
        const args = sanitisationJobArguments({ ...input, dataset: narrow });
        assert.ok(args["--column-policy"].length > 60_000);
    });
});
