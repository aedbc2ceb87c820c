import * as assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import type { LakewardenPolicy } from "../policy/lib/define";
import { lakewardenPolicies } from "../policy/policies";

const POLICIES = path.join(__dirname, "..", "policy", "policies");
/** Folders whose policy names carry a shorter prefix than the folder's name. */
const NAME_PREFIX: Record<string, string> = { lakeformation: "lf" };

const isPolicy = (value: unknown): value is LakewardenPolicy =>
    value !== null &&
    typeof value === "object" &&
    typeof (value as { name?: unknown }).name === "string" &&
    ("validateResource" in value || "validateStack" in value);

/** Every policy file of the pack: its concern folder, its name, and the policies it exports. */
const files = readdirSync(POLICIES)
    .filter(folder => statSync(path.join(POLICIES, folder)).isDirectory())
    .flatMap(folder =>
        readdirSync(path.join(POLICIES, folder))
            .filter(file => file.endsWith(".ts") && file !== "index.ts")
            .map(file => ({
                folder,
                base: file.slice(0, -".ts".length),
                exported: Object.values(require(path.join(POLICIES, folder, file)) as Record<string, unknown>).filter(isPolicy),
            })),
    );

describe("policy files say what they hold", () => {
    it("one policy per file, its concern the folder, its name the file name (with the folder's prefix, or alone)", () => {
        const wrong = files.flatMap(({ folder, base, exported }) => {
            const names = [base, `${NAME_PREFIX[folder] ?? folder}-${base}`];
            if (exported.length !== 1) {
                return [`${folder}/${base}.ts exports ${exported.length} policies`];
            }
            const [p] = exported;
            return [
                ...(names.includes(p.name) ? [] : [`${folder}/${base}.ts holds ${p.name} (expected ${names.join(" or ")})`]),
                ...(p.concern === folder ? [] : [`${folder}/${base}.ts: concern ${p.concern}`]),
            ];
        });
        assert.deepEqual(wrong, []);
    });

    it("the pack is exactly the policies of those files", () => {
        const fromFiles = files.flatMap(f => f.exported);
        assert.deepEqual(
            [...lakewardenPolicies].sort((a, b) => a.name.localeCompare(b.name)),
            [...fromFiles].sort((a, b) => a.name.localeCompare(b.name)),
        );
    });
});
