import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { datasetsSchema } from "../../config/datasets";
import { parseEnvironment } from "../../config/environment";
import { expectProblem, mutate } from "../helpers/config";
import { sanitisationJobArguments } from "../../sanitise/job-arguments";

type Raw = Record<string, unknown>;
const column = (r: { datasets: Raw[] }, table: number, index: number): Raw => (r.datasets[0].tables as { columns: Raw[] }[])[table].columns[index];
const KEY = "lakewarden:datasets[0].tables[0]";

describe("config: dataset sanitise overrides", () => {
    it("never lets a pii column leave as plaintext, naming the key and the column", () => {
        // dev company.employees: uid internal, name pii, department internal, salary secret
        expectProblem(
            mutate("dev", r => (column(r, 0, 1).sanitise = "keep")),
            `${KEY}.columns[1].sanitise`,
            /column name is pii: a lower environment may not receive it as keep \(allowed: drop, tokenise, generalise\)/,
        );
    });

    it("only drops a secret column", () => {
        for (const sanitise of ["tokenise", "keep", { generalise: "bucket", width: 1000 }]) {
            expectProblem(
                mutate("dev", r => (column(r, 0, 3).sanitise = sanitise)),
                `${KEY}.columns[3].sanitise`,
                /salary is secret: .* \(allowed: drop\)$/,
            );
        }
    });

    it("bounds the generalisers as the core does", () => {
        expectProblem(
            mutate("dev", r => (column(r, 0, 1).sanitise = { generalise: "location", decimals: 3 })),
            `${KEY}.columns[1].sanitise.decimals`,
            /0, 1 or 2/,
        );
        expectProblem(
            mutate("dev", r => (column(r, 1, 3).sanitise = { generalise: "bucket", width: 0 })),
            "lakewarden:datasets[0].tables[1].columns[3].sanitise.width",
            /positive/,
        );
        expectProblem(
            mutate("dev", r => (column(r, 0, 1).sanitise = { generalise: "timestamp", unit: "hour" })),
            `${KEY}.columns[1].sanitise`,
            /unit: day\|month/,
        );
        expectProblem(
            mutate("dev", r => (column(r, 0, 0).sanitise = "mask")),
            `${KEY}.columns[0].sanitise`,
            /expected keep, drop, tokenise, or a generaliser/,
        );
    });

    it("refuses a generaliser the column's type cannot feed", () => {
        expectProblem(
            mutate("dev", r => (column(r, 0, 2).sanitise = { generalise: "bucket", width: 10 })),
            `${KEY}.columns[2].sanitise.generalise`,
            /department is string: the bucket generaliser needs/,
        );
    });

    it("accepts overrides within the bounds", () => {
        const raw = mutate("dev", r => {
            column(r, 0, 1).sanitise = "drop";
            column(r, 0, 2).sanitise = "tokenise";
            column(r, 1, 3).sanitise = { generalise: "bucket", width: 5 };
        });
        const env = parseEnvironment("dev", raw);
        const [employees, products] = env.datasets[0].tables;
        assert.deepEqual(
            [employees.columns[1].sanitise, employees.columns[2].sanitise, products.columns[3].sanitise],
            ["drop", "tokenise", { generalise: "bucket", width: 5 }],
        );
    });

    it("accepts exactly what glue/sanitise/core.py accepts, for every classification and override", () => {
        const overrides: unknown[] = [
            "keep",
            "drop",
            "tokenise",
            { generalise: "timestamp", unit: "day" },
            { generalise: "timestamp", unit: "month" },
            { generalise: "bucket", width: 0.5 },
            { generalise: "location", decimals: 2 },
        ];
        const cases = ["public", "internal", "confidential", "pii", "secret"].flatMap(classification =>
            overrides.map(sanitise => ({ classification, sanitise })),
        );
        const typeOf = (s: unknown) => (typeof s === "object" && (s as Raw).generalise === "bucket" ? "double" : "string");
        const ts = cases.map(({ classification, sanitise }) => {
            const parsed = datasetsSchema.safeParse([
                { producer: "producer", database: "d", tables: [{ name: "t", columns: [{ name: "c", type: typeOf(sanitise), classification, sanitise }] }] },
            ]);
            if (!parsed.success) return { accepted: false, policy: null };
            const args = sanitisationJobArguments({
                dataset: parsed.data[0],
                table: "t",
                sourceDatabase: "d",
                sourceTable: "t",
                targetBucket: "lower-bucket",
                targetPrefix: "sanitised/d/t",
                targetDatabase: "d",
                targetTable: "t",
                tokenKeySecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:k-AbCdEf",
            });
            return { accepted: true, policy: args["--column-policy"] };
        });
        // The core judges the same override written in its own form (from the TS policy where TS accepted it).
        const coreForm = cases.map(
            ({ classification, sanitise }, i) => ts[i].policy ?? JSON.stringify({ columns: [{ name: "c", classification, ...coreOverride(sanitise) }] }),
        );
        const run = spawnSync(
            "python3",
            [
                "-c",
                "import json, sys\nfrom glue.sanitise import core\nout = []\nfor p in json.load(sys.stdin):\n" +
                    "    try:\n        core.load_policy_argument(p); out.append(True)\n    except core.PolicyError:\n        out.append(False)\nprint(json.dumps(out))",
            ],
            { cwd: path.join(__dirname, "..", ".."), input: JSON.stringify(coreForm), encoding: "utf8" },
        );
        assert.equal(run.status, 0, run.stderr);
        const accepted: boolean[] = JSON.parse(run.stdout);
        assert.deepEqual(
            cases.map((c, i) => `${c.classification} ${JSON.stringify(c.sanitise)}: ${ts[i].accepted}`),
            cases.map((c, i) => `${c.classification} ${JSON.stringify(c.sanitise)}: ${accepted[i]}`),
        );
        assert.equal(ts.filter(t => !t.accepted).length, 2 + 6, "confidential and pii refuse keep; secret refuses all but drop");
    });
});

function coreOverride(sanitise: unknown): Raw {
    if (typeof sanitise === "string") return { action: sanitise };
    const { generalise: kind, ...rest } = sanitise as Raw;
    return { action: "generalise", generalise: { kind, ...rest } };
}
