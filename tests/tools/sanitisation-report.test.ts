import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs, planJson, renderPlan, runPlan } from "../../tools/plan";
import { sharedStack } from "../helpers/program";

const DETECTIONS = path.join(__dirname, "..", "fixtures", "detections", "company.json");

describe("plan: sanitisation report and detection refusals", () => {
    it("lists what each job sends to the lower environment, and refuses a column a detection contradicts", async () => {
        const result = await runPlan({ stack: "prod", recording: await sharedStack("prod"), detections: DETECTIONS });
        assert.equal(result.exitCode, 0);
        const jobs = result.sanitisation?.jobs ?? [];
        assert.deepEqual(
            jobs.map(j => [j.job, j.accountId, j.actions]),
            [
                ["lakewarden-prod-sanitise-dev-company-employees", "222233334444", { keep: ["uid", "department"], tokenise: ["name"], drop: ["salary"] }],
                ["lakewarden-prod-sanitise-dev-company-products", "222233334444", { keep: ["product_id", "name", "category", "price"] }],
            ],
        );
        // department is internal in the model but Macie found e-mail addresses in it; name is pii already (no refusal).
        assert.deepEqual(jobs[0].refusals, [{ column: "department", classification: "internal", detected: ["EMAIL (macie)"] }]);
        assert.deepEqual(jobs[1].refusals, []);
        const text = renderPlan(result);
        assert.match(text, /REFUSED department \[internal\]: detected EMAIL \(macie\); dropped until the model classifies it pii or secret/);
        assert.match(text, /refusals from .*company\.json: 1 column\(s\)/);
        assert.deepEqual((planJson(result) as { sanitisation: unknown }).sanitisation, result.sanitisation);
    });

    it("says that refusals are decided at run time when no records are given, and prints nothing for a stack without jobs", async () => {
        const prod = await runPlan({ stack: "prod", recording: await sharedStack("prod") });
        assert.match(renderPlan(prod), /refusals: no --detections file given; each job applies the detection records it reads at run time/);
        assert.ok(prod.sanitisation?.jobs.every(j => j.detectionsUri === `s3://lw-prod-222233334444-eu-west-1-discovery/detections/records/${j.dataset}.json`));
        const dev = await runPlan({ stack: "dev", recording: await sharedStack("dev") });
        assert.deepEqual(dev.sanitisation?.jobs, []);
        assert.doesNotMatch(renderPlan(dev), /sanitisation to lower environments/);
    });

    it("is a configuration error naming --detections when the file is not detection records", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "lw-detections-"));
        const bad = path.join(dir, "bad.json");
        writeFileSync(bad, JSON.stringify([{ database: "company", table: "employees", column: "name", entityTypes: [], source: "macie" }]));
        const result = await runPlan({ stack: "prod", recording: await sharedStack("prod"), detections: bad });
        assert.equal(result.exitCode, 2);
        assert.equal(result.configError?.[0].key, "--detections");
        assert.match(result.configError?.[0].message ?? "", /bad\.json: \[0\.entityTypes\]/);
        assert.equal(parseArgs(["--stack", "prod", "--detections", DETECTIONS]).options.detections, DETECTIONS);
    });
});
