import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
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
        assert.deepEqual({ ...first.stats, milliseconds: 0 }, { milliseconds: 0, hits: 0, built: 2, builds: 1, hashed: 0 });

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

    describe("inputs not read again while their size, timestamps and inode are unchanged", () => {
        const A = "lambdas/a/handler.ts";
        // The project's sources and the bundles, as if written minutes ago; settleMs 0 trusts a stat at once.
        const settled = () => {
            const p = fresh();
            return { ...p, bundler: () => new Bundler({ root: p.root, cacheDir: p.cacheDir, settleMs: 0 }) };
        };
        const pause = () => new Promise(resolve => setTimeout(resolve, 30));

        it("reads no input on a warm run, and still serves the same code", async () => {
            const p = settled();
            const code = await p.bundler().bundle(A);
            const warm = p.bundler();
            assert.equal(await warm.bundle(A), code);
            assert.deepEqual([warm.stats.hits, warm.stats.built, warm.stats.hashed], [1, 0, 0]);
        });

        it("rebuilds a source changed to the same size with its modification time put back", async () => {
            const p = settled();
            const file = path.join(p.root, A);
            // A whole second, so that utimes can put back exactly the modification time the bundle was built with.
            const then = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
            utimesSync(file, then, then);
            await p.bundler().bundle(A);
            const before = statSync(file, { bigint: true });
            await pause();
            // "from a" -> "from Z": same length; utimes restores mtime, but the kernel moves ctime.
            p.write(A, 'import { greeting } from "../shared/greeting";\nexport const handler = async () => `${greeting} from Z`;');
            utimesSync(file, then, then);
            const after = statSync(file, { bigint: true });
            assert.deepEqual([after.size, after.mtimeNs, after.ino], [before.size, before.mtimeNs, before.ino]);
            const again = p.bundler();
            assert.match(await again.bundle(A), /from Z/);
            assert.deepEqual([again.stats.hits, again.stats.built], [0, 1]);
        });

        it("hashes a touched but unchanged input once, then trusts its new stat", async () => {
            const p = settled();
            const code = await p.bundler().bundle(A);
            await pause();
            const earlier = new Date(Date.now() - 60_000);
            utimesSync(path.join(p.root, "lambdas/shared/greeting.js"), earlier, earlier);
            const touched = p.bundler();
            assert.equal(await touched.bundle(A), code);
            assert.deepEqual([touched.stats.hits, touched.stats.hashed], [1, 1]);
            const next = p.bundler();
            assert.equal(await next.bundle(A), code);
            assert.deepEqual([next.stats.hits, next.stats.hashed], [1, 0]);
        });

        it("does not trust the stat of an input written in the last settleMs (a second write could share its timestamp)", async () => {
            const p = fresh();
            const code = await new Bundler({ root: p.root, cacheDir: p.cacheDir }).bundle(A);
            const warm = new Bundler({ root: p.root, cacheDir: p.cacheDir });
            assert.equal(await warm.bundle(A), code);
            assert.ok(warm.stats.hashed >= 2, `hashed ${warm.stats.hashed}: the just-written handler and shared module must be read`);
        });

        it("keeps the code beside a small manifest, and treats a missing code file as a miss", async () => {
            const p = settled();
            await p.bundler().bundle(A);
            const code = readdirSync(p.cacheDir).filter(f => f.endsWith(".js"));
            assert.equal(code.length, 1);
            rmSync(path.join(p.cacheDir, code[0]));
            const again = p.bundler();
            assert.match(await again.bundle(A), /from a/);
            assert.equal(again.stats.built, 1);
        });
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
