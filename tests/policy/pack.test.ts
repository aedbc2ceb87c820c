// The pack as a whole: enough policies, complete metadata, a spec for every policy, and a README
// coverage table that matches the code.
import * as assert from "assert";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { PACK_ENFORCEMENT_LEVEL } from "../../policy/lib/define";
import { lakewardenPolicies } from "../../policy/policies";
import { covered } from "./harness";

// Load every per-concern spec so the coverage check holds however mocha is invoked.
for (const file of readdirSync(__dirname).filter(f => f.endsWith(".test.ts") && !["pack.test.ts", "engine.test.ts", "runner.test.ts"].includes(f))) {
    require(path.join(__dirname, file));
}

describe("the lakewarden pack", () => {
    it("has at least 50 uniquely named policies with complete metadata", () => {
        assert.ok(lakewardenPolicies.length >= 50, `${lakewardenPolicies.length} policies`);
        assert.strictEqual(new Set(lakewardenPolicies.map(p => p.name)).size, lakewardenPolicies.length);
        for (const p of lakewardenPolicies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
            assert.ok(p.description.length > 20, p.name);
            assert.ok(["low", "medium", "high", "critical"].includes(p.severity ?? ""), p.name);
            assert.ok((p.remediationSteps ?? "").length > 20, p.name);
            // Levels live in the pack's default and policy/config/*.json, not in the policy.
            assert.strictEqual(p.enforcementLevel, undefined, p.name);
            assert.ok(p.resourceTypes.length > 0, p.name);
            assert.ok(p.tags?.includes(`concern:${p.concern}`), p.name);
            assert.ok(p.configSchema?.properties.exemptions, `${p.name} accepts exemptions`);
        }
    });

    it("has a spec for every policy", () => {
        const missing = lakewardenPolicies.map(p => p.name).filter(n => !covered.has(n));
        assert.deepStrictEqual(missing, []);
    });

    it("is listed row by row in policy/README.md with its types, level and anchors", () => {
        const readme = readFileSync(path.join(__dirname, "..", "..", "policy", "README.md"), "utf8");
        const coverage = readme.split("## Coverage")[1].split("\n## ")[0];
        const rows = new Map(
            coverage
                .split("\n")
                .filter(l => l.startsWith("| `"))
                .map(l => [l.split("|")[1].trim().replace(/`/g, ""), l]),
        );
        for (const p of lakewardenPolicies) {
            const row = rows.get(p.name);
            assert.ok(row, `${p.name} has a README row`);
            const cells = row.split("|").map(c => c.trim());
            assert.strictEqual(cells[5], PACK_ENFORCEMENT_LEVEL, p.name);
            for (const type of p.resourceTypes) {
                assert.ok(cells[4].includes(type), `${p.name} lists ${type}`);
            }
            const anchors = Object.values(p.anchors).flat();
            assert.ok(anchors.every(a => cells[7].includes(a)) && (anchors.length > 0 || cells[7] === "none"), `${p.name} anchors`);
        }
        assert.strictEqual(rows.size, lakewardenPolicies.length);
    });
});
