import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Bundler } from "../../bundling/bundle";

/** A throwaway project: two handlers sharing a module, a lock file, and a cache folder beside them. */
function project(): { root: string; cacheDir: string; write(file: string, text: string): void } {
    const root = mkdtempSync(path.join(tmpdir(), "lw-bundle-"));
    const write = (file: string, text: string) => {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
    };
    write("package-lock.json", '{"lockfileVersion":3}');
    write("lambdas/shared/greeting.js", 'exports.greeting = "hello";');
    write("lambdas/a/handler.ts", 'import { greeting } from "../shared/greeting";\nexport const handler = async () => `${greeting} from a`;');
    write("lambdas/b/handler.ts", 'import { greeting } from "../shared/greeting";\nexport const handler = async () => `${greeting} from b`;');
    return { root, cacheDir: path.join(root, "cache"), write };
}

describe("Lambda bundler", () => {
    const made: string[] = [];
    const fresh = () => {
        const p = project();
        made.push(p.root);
        return p;
    };
    after(() => made.forEach(root => rmSync(root, { recursive: true, force: true })));

    it("builds the entries asked for in one turn together, and a new process reuses them unchanged", async () => {
        const p = fresh();
        const first = new Bundler({ root: p.root, cacheDir: p.cacheDir });
        const [a, b] = await Promise.all([first.bundle("lambdas/a/handler.ts"), first.bundle("lambdas/b/handler.ts")]);
        assert.match(a, /hello/);
        assert.match(b, /from b/);
        assert.deepEqual({ ...first.stats, milliseconds: 0 }, { milliseconds: 0, hits: 0, built: 2, builds: 1 });

        const second = new Bundler({ root: p.root, cacheDir: p.cacheDir });
        assert.equal(await second.bundle("lambdas/a/handler.ts"), a);
        assert.equal(await second.bundle("lambdas/b/handler.ts"), b);
        assert.deepEqual([second.stats.hits, second.stats.built], [2, 0]);
    });

    it("rebuilds when an input's content changes, and only the entries that read it", async () => {
        const p = fresh();
        const first = new Bundler({ root: p.root, cacheDir: p.cacheDir });
        const b = await Promise.all([first.bundle("lambdas/a/handler.ts"), first.bundle("lambdas/b/handler.ts")]).then(([, code]) => code);
        p.write("lambdas/a/handler.ts", 'import { greeting } from "../shared/greeting";\nexport const handler = async () => `${greeting} from A`;');
        const second = new Bundler({ root: p.root, cacheDir: p.cacheDir });
        assert.match(await second.bundle("lambdas/a/handler.ts"), /from A/);
        assert.equal(await second.bundle("lambdas/b/handler.ts"), b);
        assert.deepEqual([second.stats.hits, second.stats.built], [1, 1]);

        p.write("lambdas/shared/greeting.js", 'exports.greeting = "bonjour";');
        const third = new Bundler({ root: p.root, cacheDir: p.cacheDir });
        const [a, b2] = await Promise.all([third.bundle("lambdas/a/handler.ts"), third.bundle("lambdas/b/handler.ts")]);
        assert.match(a, /bonjour/);
        assert.match(b2, /bonjour/);
        assert.deepEqual([third.stats.hits, third.stats.built], [0, 2]);
    });

    it("rebuilds when a new file changes what an import resolves to", async () => {
        const p = fresh();
        await new Bundler({ root: p.root, cacheDir: p.cacheDir }).bundle("lambdas/a/handler.ts");
        // esbuild resolves "../shared/greeting" to .ts before .js: greeting.js is unchanged, the bundle is not.
        p.write("lambdas/shared/greeting.ts", 'export const greeting = "hola";');
        const again = new Bundler({ root: p.root, cacheDir: p.cacheDir });
        assert.match(await again.bundle("lambdas/a/handler.ts"), /hola/);
        assert.equal(again.stats.built, 1);
    });

    it("rebuilds when the dependency lock changes", async () => {
        const p = fresh();
        await new Bundler({ root: p.root, cacheDir: p.cacheDir }).bundle("lambdas/a/handler.ts");
        p.write("package-lock.json", '{"lockfileVersion":3,"packages":{}}');
        const again = new Bundler({ root: p.root, cacheDir: p.cacheDir });
        await again.bundle("lambdas/a/handler.ts");
        assert.deepEqual([again.stats.hits, again.stats.built], [0, 1]);
    });

    it("rejects a broken entry with esbuild's error and caches nothing for it", async () => {
        const p = fresh();
        p.write("lambdas/c/handler.ts", 'import { missing } from "./nowhere";\nexport const handler = missing;');
        const bundler = new Bundler({ root: p.root, cacheDir: p.cacheDir });
        await assert.rejects(bundler.bundle("lambdas/c/handler.ts"), /Could not resolve "\.\/nowhere"/);
        p.write("lambdas/c/nowhere.ts", "export const missing = 1;");
        assert.match(await bundler.bundle("lambdas/c/handler.ts"), /missing|1/);
    });
});
