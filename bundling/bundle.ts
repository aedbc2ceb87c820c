import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { build, type BuildOptions, version as esbuildVersion } from "esbuild";

/** The repository root: Lambda entries are given relative to it. */
const ROOT = path.resolve(__dirname, "..");

/**
 * How every handler is bundled: one CommonJS file for Node 22. The AWS SDK is bundled too, so the
 * deployed code runs the versions the tests ran; output is deterministic, so the archive hash
 * changes only when the code does.
 */
const OPTIONS = {
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    sourcemap: false,
    legalComments: "none",
} as const satisfies BuildOptions;

/**
 * What a cached bundle was built from: every input's content hash, and the listing of each project folder it read.
 * `stats` holds each input's size, timestamps and inode as they were when its hash was taken: while they are the
 * same the file is not read again (as git's index does). An input written in the last `settleMs` gets no entry
 * (its timestamp could repeat for a second write in the same clock tick), so it is hashed until it settles.
 */
interface Manifest {
    entry: string;
    inputs: Record<string, string>;
    stats: Record<string, string>;
    folders: Record<string, string>;
}

export interface BundlerOptions {
    /** Where bundles are kept between processes; outside the tracked files. */
    cacheDir: string;
    root?: string;
    /** How old an input's last change must be for its stat to stand for its content; default 2 s. */
    settleMs?: number;
}

/** Bumped when the cache layout changes: older entries are then ignored, not misread. */
const LAYOUT = 2;

/**
 * Bundles Lambda handlers with esbuild, keeping each bundle on disk keyed by its entry, the
 * options, the esbuild version, package-lock.json and tsconfig.json, and reusing it only while
 * every input file still has the content it was built from and no project folder it read from
 * gained or lost a file (a new file could change what an import resolves to). An input whose
 * size, timestamps and inode are those recorded with its hash is not read again; any other is
 * hashed, and a cache entry whose inputs all hash the same gets their new stats. Entries asked for
 * in the same turn of the event loop are built together: one esbuild build parses the shared AWS
 * SDK once for all of them.
 */
export class Bundler {
    private readonly root: string;
    private readonly cacheDir: string;
    private readonly settleMs: number;
    private readonly memo = new Map<string, Promise<string>>();
    private pending: { entry: string; resolve(code: string): void; reject(error: unknown): void }[] = [];
    /**
     * Wall milliseconds spent checking the cache and building; entries served from the cache, entries built,
     * esbuild runs; input files whose content was hashed to check the cache (0 on a warm run with nothing changed).
     */
    readonly stats = { milliseconds: 0, hits: 0, built: 0, builds: 0, hashed: 0 };

    constructor(options: BundlerOptions) {
        this.root = options.root ?? ROOT;
        this.cacheDir = options.cacheDir;
        this.settleMs = options.settleMs ?? 2000;
    }

    bundle(entry: string): Promise<string> {
        let code = this.memo.get(entry);
        if (!code) {
            code = new Promise<string>((resolve, reject) => {
                if (this.pending.length === 0) {
                    setImmediate(() => void this.flush());
                }
                this.pending.push({ entry, resolve, reject });
            });
            this.memo.set(entry, code);
        }
        return code;
    }

    private async flush(): Promise<void> {
        const batch = this.pending;
        this.pending = [];
        const started = performance.now();
        try {
            // The lock file and tsconfig are read once per batch, not once per entry.
            const base = createHash("sha256")
                .update(JSON.stringify({ layout: LAYOUT, options: OPTIONS, esbuild: esbuildVersion }))
                .update(this.readOptional("package-lock.json"))
                .update(this.readOptional("tsconfig.json"))
                .digest("hex");
            // Entries share most inputs (the AWS SDK): each file is stat'ed and hashed at most once per batch.
            const seen = { hashes: new Map<string, string>(), stats: new Map<string, string | undefined>() };
            const misses = batch.filter(request => {
                const code = this.cached(base, request.entry, seen);
                if (code === undefined) {
                    return true;
                }
                this.stats.hits++;
                request.resolve(code);
                return false;
            });
            if (misses.length > 0) {
                const built = await this.build(
                    base,
                    misses.map(m => m.entry),
                );
                this.stats.built += misses.length;
                this.stats.builds++;
                for (const request of misses) {
                    request.resolve(built.get(request.entry) as string);
                }
            }
        } catch (error) {
            for (const request of batch) {
                this.memo.delete(request.entry);
                request.reject(error);
            }
        } finally {
            this.stats.milliseconds += performance.now() - started;
        }
    }

    /** The cache entry's files: the manifest, and the code beside it. */
    private keyFiles(base: string, entry: string): { manifest: string; code: string } {
        const key = createHash("sha256").update(base).update(entry).digest("hex");
        return { manifest: path.join(this.cacheDir, `${key}.json`), code: path.join(this.cacheDir, `${key}.js`) };
    }

    /** A file's size, timestamps and inode, or undefined when they cannot stand for its content yet (or it is gone). */
    private statOf(file: string): string | undefined {
        try {
            const st = statSync(path.join(this.root, file), { bigint: true });
            const changed = st.mtimeMs > st.ctimeMs ? st.mtimeMs : st.ctimeMs;
            if (Date.now() - Number(changed) < this.settleMs) {
                return undefined;
            }
            return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
        } catch {
            return undefined;
        }
    }

    private contentHash(file: string): string {
        this.stats.hashed++;
        return this.hashOf(() => readFileSync(path.join(this.root, file))) ?? "";
    }

    private cached(base: string, entry: string, seen: { hashes: Map<string, string>; stats: Map<string, string | undefined> }): string | undefined {
        const files = this.keyFiles(base, entry);
        let manifest: Manifest;
        try {
            manifest = JSON.parse(readFileSync(files.manifest, "utf8")) as Manifest;
        } catch {
            return undefined;
        }
        if (manifest.entry !== entry) {
            return undefined;
        }
        const stats: Record<string, string> = {};
        let restat = false;
        for (const [p, sha] of Object.entries(manifest.inputs)) {
            // Stat first, then read: a write after the stat leaves a stat that no longer matches.
            if (!seen.stats.has(p)) {
                seen.stats.set(p, this.statOf(p));
            }
            const stat = seen.stats.get(p);
            if (stat !== undefined && stat === manifest.stats[p]) {
                stats[p] = stat;
                continue;
            }
            let hash = seen.hashes.get(p);
            if (hash === undefined) {
                hash = this.contentHash(p);
                seen.hashes.set(p, hash);
            }
            if (hash !== sha) {
                return undefined;
            }
            if (stat !== undefined) {
                stats[p] = stat;
            }
            restat = restat || stat !== manifest.stats[p];
        }
        const folderHash = (p: string) => this.hashOf(() => readdirSync(path.join(this.root, p)).sort().join("\n")) ?? "";
        if (!Object.entries(manifest.folders).every(([p, sha]) => folderHash(p) === sha)) {
            return undefined;
        }
        let code: string;
        try {
            code = readFileSync(files.code, "utf8");
        } catch {
            return undefined;
        }
        if (restat) {
            // Same content, new stats (a checkout, a touch): recorded, so the next run reads nothing again.
            this.writeAtomically(files.manifest, JSON.stringify({ ...manifest, stats }));
        }
        return code;
    }

    private async build(base: string, entries: string[]): Promise<Map<string, string>> {
        const result = await build({
            ...OPTIONS,
            entryPoints: entries.map(entry => path.join(this.root, entry)),
            outdir: "out",
            outbase: this.root,
            metafile: true,
            write: false,
            logLevel: "silent",
            absWorkingDir: this.root,
        });
        const texts = new Map(result.outputFiles.map(file => [path.relative(this.root, file.path), file.text]));
        const codes = new Map<string, string>();
        mkdirSync(this.cacheDir, { recursive: true });
        for (const [output, meta] of Object.entries(result.metafile.outputs)) {
            const entry = entries.find(e => meta.entryPoint !== undefined && path.resolve(this.root, meta.entryPoint) === path.join(this.root, e));
            const code = texts.get(output);
            if (entry === undefined || code === undefined) {
                continue;
            }
            const inputs = Object.keys(meta.inputs);
            // Each input's stat is taken before its content is hashed (see cached()).
            const stats: Record<string, string> = {};
            for (const p of inputs) {
                const stat = this.statOf(p);
                if (stat !== undefined) {
                    stats[p] = stat;
                }
            }
            const manifest: Manifest = {
                entry,
                stats,
                inputs: Object.fromEntries(inputs.map(p => [p, this.hashOf(() => readFileSync(path.join(this.root, p))) ?? ""])),
                folders: Object.fromEntries(
                    [...new Set(inputs.filter(p => !p.startsWith("node_modules/")).map(p => path.dirname(p)))].map(d => [
                        d,
                        this.hashOf(() => readdirSync(path.join(this.root, d)).sort().join("\n")) ?? "",
                    ]),
                ),
            };
            // The code first, then the manifest that vouches for it.
            const files = this.keyFiles(base, entry);
            this.writeAtomically(files.code, code);
            this.writeAtomically(files.manifest, JSON.stringify(manifest));
            codes.set(entry, code);
        }
        const missing = entries.filter(e => !codes.has(e));
        if (missing.length > 0) {
            throw new Error(`esbuild produced no bundle for ${missing.join(", ")}`);
        }
        return codes;
    }

    /** Written whole, then renamed: a parallel test worker never reads half a file. */
    private writeAtomically(file: string, text: string): void {
        const partial = `${file}.${process.pid}.tmp`;
        writeFileSync(partial, text);
        renameSync(partial, file);
    }

    private readOptional(file: string): string {
        try {
            return readFileSync(path.join(this.root, file), "utf8");
        } catch {
            return "";
        }
    }

    private hashOf(read: () => string | Buffer): string | undefined {
        try {
            return createHash("sha256").update(read()).digest("hex");
        } catch {
            return undefined;
        }
    }
}

/** The program's bundler; its cache lives under node_modules/.cache, which git ignores. */
export const bundler = new Bundler({ cacheDir: path.join(ROOT, "node_modules", ".cache", "lakewarden-bundles") });

/** The bundled code of a Lambda handler (TypeScript entry relative to the repository root, exporting `handler`). */
export function bundleHandler(entry: string): Promise<string> {
    return bundler.bundle(entry);
}
