import * as assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
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

const ROOT = path.join(__dirname, "..");
const SKIP = new Set(["node_modules", ".git"]);

/** Every .ts file below `folder` (repository-relative paths). */
function sources(folder: string): string[] {
    const walk = (dir: string): string[] =>
        readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(entry =>
            SKIP.has(entry.name) ? [] : entry.isDirectory() ? walk(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : [],
        );
    return walk(folder);
}

/** Every folder named `name` in the repository (repository-relative paths). */
function foldersNamed(name: string, dir = "."): string[] {
    return readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .filter(entry => entry.isDirectory() && !SKIP.has(entry.name))
        .flatMap(entry => {
            const sub = path.join(dir, entry.name);
            return [...(entry.name === name ? [sub] : []), ...foldersNamed(name, sub)];
        });
}

const IMPORT = /(?:from|import|require\()\s*["']([^"']+)["']/g;
/** The repository-relative modules a file imports (relative specifiers only). */
function importsOf(file: string): string[] {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    return [...text.matchAll(IMPORT)]
        .map(m => m[1])
        .filter(spec => spec.startsWith("."))
        .map(spec => path.join(path.dirname(file), spec));
}

const declaresComponent = (file: string) => /class \w+ extends (pulumi\.ComponentResource|AccountStack)\b/.test(readFileSync(path.join(ROOT, file), "utf8"));

describe("rooms say what they hold", () => {
    it("components/ holds ComponentResources only (planners, statement builders and templates live in plans/, iam/, cloudformation/, ...)", () => {
        const files = sources("components");
        assert.ok(files.length > 20, `${files.length} files under components/`);
        assert.deepEqual(
            files.filter(f => !declaresComponent(f)),
            [],
        );
    });

    it("stacks/ is one module per account role, each a component; besides them only the entry and the providers", () => {
        const others = new Set(["stacks/environment.ts", "stacks/providers.ts"]);
        assert.deepEqual(
            sources("stacks").filter(f => !others.has(f) && !declaresComponent(f)),
            [],
        );
    });

    it("config/ does not import Lambda internals (shared contracts live in contracts/)", () => {
        const wrong = sources("config").flatMap(f =>
            importsOf(f)
                .filter(m => m.startsWith("lambdas/"))
                .map(m => `${f} imports ${m}`),
        );
        assert.deepEqual(wrong, []);
    });

    it("bench/ does not import tests/ (shared fakes live in support/)", () => {
        const wrong = sources("bench").flatMap(f =>
            importsOf(f)
                .filter(m => m.startsWith("tests/"))
                .map(m => `${f} imports ${m}`),
        );
        assert.deepEqual(wrong, []);
    });

    it("one imagebuilder/ place for what is not a component (components/imagebuilder holds the components, tests/ and policy/ mirror)", () => {
        const allowed = (dir: string) => dir === "imagebuilder" || dir === path.join("components", "imagebuilder") || /^(tests|policy)\//.test(dir);
        assert.deepEqual(
            foldersNamed("imagebuilder").filter(d => !allowed(d)),
            [],
        );
    });
});
