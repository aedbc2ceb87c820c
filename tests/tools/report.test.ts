import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Log } from "sarif";
import { lakewardenPolicies } from "../../policy/policies";
import { type PlanResult, renderPlan, runPlan } from "../../tools/plan";
import { planJunit, xmlEscape } from "../../tools/report/junit";
import { SARIF_SCHEMA, planSarif } from "../../tools/report/sarif";
import { sharedStack } from "../helpers/program";

const REPO = path.join(__dirname, "..", "..");
// A name with every character XML must escape: the reports carry resource names verbatim.
const AWKWARD = `wild<card> & "quoted" 'policy'`;

/**
 * dev with two real defects: a wildcard role policy (iam-no-wildcard-actions, mandatory) and one
 * bucket's access logging removed (s3-bucket-access-logging, advisory in policy/config/dev.json).
 */
async function brokenDev(): Promise<PlanResult> {
    return runPlan({
        stack: "dev",
        recording: await sharedStack("dev"),
        mutate: resources => {
            const policy = resources.find(r => r.type === "aws:iam/rolePolicy:RolePolicy");
            assert.ok(policy);
            policy.name = AWKWARD;
            policy.props.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
            const logging = resources.findIndex(r => r.type.startsWith("aws:s3/bucketLogging"));
            assert.ok(logging >= 0);
            resources.splice(logging, 1);
        },
    });
}

describe("plan reports for CI (--sarif, --junit) and the text report", () => {
    let result: PlanResult;
    before(async () => {
        result = await brokenDev();
        assert.equal(result.exitCode, 1, renderPlan(result));
    });

    const violation = (policy: string) => {
        const v = result.policy?.violations.find(x => x.policyName === policy);
        assert.ok(v, `${policy} not reported:\n${renderPlan(result)}`);
        return v;
    };

    it("SARIF 2.1.0: the spec's required fields, one rule per policy, levels, logical and physical locations", () => {
        const log: Log = JSON.parse(JSON.stringify(planSarif(result))) as Log;
        // Required by SARIF 2.1.0: sarifLog.version and runs (§3.13), run.tool (§3.14), tool.driver and its
        // name (§3.18/3.19), result.message (§3.27.11) with text; ruleId (§3.27.5) is how code scanning groups alerts.
        assert.equal(log.version, "2.1.0");
        assert.equal(log.$schema, SARIF_SCHEMA);
        assert.equal(log.runs.length, 1);
        const [run] = log.runs;
        assert.equal(run.tool.driver.name, "lakewarden");
        const rules = run.tool.driver.rules ?? [];
        const ids = rules.map(r => r.id);
        assert.equal(new Set(ids).size, ids.length, "rule ids are unique");
        const disabled = new Set((result.relaxed ?? []).filter(r => r.level === "disabled").map(r => r.policy));
        for (const p of lakewardenPolicies.filter(x => !disabled.has(x.name))) {
            const rule = rules.find(r => r.id === p.name);
            assert.ok(rule, `no rule for ${p.name}`);
            assert.equal(rule.shortDescription?.text, p.description);
        }
        const logging = rules.find(r => r.id === "s3-bucket-access-logging");
        assert.deepEqual(logging?.properties?.tags, ["security", "cdk-nag:AwsSolutions-S1", "checkov:CKV_AWS_18", "cis:s3-bucket-access-logging"]);
        assert.equal(logging?.properties?.["security-severity"], "5.5");
        assert.match(logging?.help?.text ?? "", /BucketLogging/);

        const results = run.results ?? [];
        assert.equal(results.length, result.policy?.violations.length);
        for (const r of results) {
            assert.ok(r.ruleId && ids.includes(r.ruleId), `result names an undeclared rule ${r.ruleId}`);
            assert.equal(rules[r.ruleIndex ?? -1]?.id, r.ruleId);
            assert.ok((r.message.text ?? "").length > 0);
            const location = r.locations?.[0];
            assert.equal(location?.physicalLocation?.artifactLocation?.uri, "Pulumi.dev.yaml");
            assert.equal(location?.physicalLocation?.region?.startLine, 1);
            assert.ok(r.partialFingerprints?.["lakewardenResource/v1"]);
        }
        assert.ok(existsSync(path.join(REPO, "Pulumi.dev.yaml")), "the physical location is a file of the repository");

        const wildcard = violation("iam-no-wildcard-actions");
        const mandatory = results.find(r => r.ruleId === "iam-no-wildcard-actions");
        assert.equal(mandatory?.level, "error");
        assert.deepEqual(mandatory?.locations?.[0].logicalLocations, [{ fullyQualifiedName: wildcard.urn, name: AWKWARD, kind: "resource" }]);
        const advisory = results.find(r => r.ruleId === "s3-bucket-access-logging");
        assert.equal(advisory?.level, "warning");
        assert.equal(advisory?.locations?.[0].logicalLocations?.[0].fullyQualifiedName, violation("s3-bucket-access-logging").urn);
        assert.match(advisory?.message.text ?? "", /\(cdk-nag:AwsSolutions-S1, checkov:CKV_AWS_18, cis:s3-bucket-access-logging\)/);
    });

    it("JUnit: well-formed, a suite per policy, a failure per mandatory resource, advisory in system-out, names escaped", () => {
        const xml = planJunit(result);
        assert.equal(XMLValidator.validate(xml), true);
        const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: name => ["testsuite", "testcase"].includes(name) }).parse(
            xml,
        ) as {
            testsuites: {
                tests: string;
                failures: string;
                testsuite: {
                    name: string;
                    tests: string;
                    failures: string;
                    testcase?: { classname: string; name: string; failure?: { message: string; "#text": string }; "system-out"?: string }[];
                }[];
            };
        };
        const suites = parsed.testsuites.testsuite;
        const violations = result.policy?.violations ?? [];
        assert.ok(suites.length >= lakewardenPolicies.length - (result.relaxed ?? []).filter(r => r.level === "disabled").length);
        const resourcesReported = new Set(violations.map(v => `${v.policyName}\0${v.urn}`)).size;
        assert.equal(Number(parsed.testsuites.tests), resourcesReported);
        const mandatoryResources = new Set(violations.filter(v => v.enforcementLevel === "mandatory").map(v => `${v.policyName}\0${v.urn}`)).size;
        assert.equal(Number(parsed.testsuites.failures), mandatoryResources);

        const iam = suites.find(s => s.name === "iam-no-wildcard-actions");
        const failing = iam?.testcase?.find(c => c.name === `aws:iam/rolePolicy:RolePolicy ${AWKWARD}`);
        assert.ok(failing?.failure, "the escaped resource name parses back");
        assert.equal(failing.classname, "lakewarden.iam-no-wildcard-actions");
        assert.equal(failing.failure.message, violation("iam-no-wildcard-actions").message.split("\n")[0]);
        assert.match(failing.failure["#text"], new RegExp(`resource: ${violation("iam-no-wildcard-actions").urn?.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));

        const logging = suites.find(s => s.name === "s3-bucket-access-logging");
        assert.equal(logging?.failures, "0");
        const advisory = logging?.testcase?.[0];
        assert.equal(advisory?.failure, undefined);
        assert.match(
            advisory?.["system-out"] ?? "",
            /^\[advisory\] .*\n[\s\S]*anchors: cdk-nag:AwsSolutions-S1, checkov:CKV_AWS_18, cis:s3-bucket-access-logging$/,
        );

        const clean = suites.filter(s => !violations.some(v => v.policyName === s.name));
        assert.ok(clean.length > 0);
        assert.ok(
            clean.every(s => s.tests === "0" && s.failures === "0" && s.testcase === undefined),
            "a policy with nothing to report is an empty, passing suite",
        );
    });

    it("escapes XML and drops characters XML 1.0 cannot hold", () => {
        assert.equal(xmlEscape(`a<b>&"c"'d'\u0001\n`), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\n");
    });

    it("text report: severity and anchor ids per violation, then a summary by policy with mandatory first", () => {
        const text = renderPlan(result);
        const wildcard = violation("iam-no-wildcard-actions");
        assert.ok(text.includes(`  [mandatory, ${wildcard.severity}] iam-no-wildcard-actions`), text);
        assert.ok(text.includes("[advisory, medium] s3-bucket-access-logging {cdk-nag:AwsSolutions-S1, checkov:CKV_AWS_18, cis:s3-bucket-access-logging}: "));
        const summary = text.slice(text.indexOf("violations by policy:")).split("\n").slice(1);
        const rows = summary.filter(l => /^ {2} +\d+ {2}/.test(l)).map(l => l.trim().split(/\s+/));
        const expected = new Map<string, number>();
        for (const v of result.policy?.violations ?? []) {
            expected.set(`${v.enforcementLevel} ${v.policyName}`, (expected.get(`${v.enforcementLevel} ${v.policyName}`) ?? 0) + 1);
        }
        assert.deepEqual(new Map(rows.map(([count, level, policy]) => [`${level} ${policy}`, Number(count)])), expected);
        const firstAdvisory = rows.findIndex(r => r[1] !== "mandatory");
        assert.ok(firstAdvisory > 0 && rows.slice(firstAdvisory).every(r => r[1] !== "mandatory"), "mandatory policies come first");
    });

    it("the CLI writes both files and lists the flags in --help", function () {
        this.timeout(120_000);
        const dir = mkdtempSync(path.join(tmpdir(), "lw-report-"));
        const [sarif, junit] = [path.join(dir, "plan.sarif"), path.join(dir, "plan.xml")];
        const run = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "tools/plan.ts", "--stack", "dev", "--sarif", sarif, "--junit", junit],
            {
                cwd: REPO,
                encoding: "utf8",
            },
        );
        assert.equal(run.status, 0, run.stderr + run.stdout);
        const log = JSON.parse(readFileSync(sarif, "utf8")) as Log;
        assert.equal(log.runs[0].results?.filter(r => r.level === "error").length, 0);
        assert.equal(XMLValidator.validate(readFileSync(junit, "utf8")), true);
        const help = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/plan.ts", "--help"], { cwd: REPO, encoding: "utf8" });
        assert.match(help.stdout, /--sarif FILE/);
        assert.match(help.stdout, /--junit FILE/);
    });
});
