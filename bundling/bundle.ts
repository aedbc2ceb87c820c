import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
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

/** What a cached bundle was built from: every input's content hash, and the listing of each project folder it read. */
interface Manifest {
    entry: string;
    inputs: Record<string, string>;
    folders: Record<string, string>;
    code: string;
}

export interface BundlerOptions {
    /** Where bundles are kept between processes; outside the tracked files. */
    cacheDir: string;
    root?: string;
}

/**
 * Bundles Lambda handlers with esbuild, keeping each bundle on disk keyed by its entry, the
 * options, the esbuild version, package-lock.json and tsconfig.json, and reusing it only while
 * every input file still has the content it was built from and no project folder it read from
 * gained or lost a file (a new file could change what an import resolves to). Entries asked for
 * in the same turn of the event loop are built together: one esbuild build parses the shared AWS
 * SDK once for all of them.
 */
export class Bundler {
    private readonly root: string;
    private readonly cacheDir: string;
    private readonly memo = new Map<string, Promise<string>>();
    private pending: { entry: string; resolve(code: string): void; reject(error: unknown): void }[] = [];
    /** Wall milliseconds spent checking the cache and building; entries served from the cache, entries built, esbuild runs. */
    readonly stats = { milliseconds: 0, hits: 0, built: 0, builds: 0 };

    constructor(options: BundlerOptions) {
        this.root = options.root ?? ROOT;
        this.cacheDir = options.cacheDir;
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
            const hashes = new Map<string, string>();
            const misses = batch.filter(request => {
                const code = this.cached(request.entry, hashes);
                if (code === undefined) {
                    return true;
                }
                this.stats.hits++;
                request.resolve(code);
                return false;
            });
            if (misses.length > 0) {
                const built = await this.build(misses.map(m => m.entry));
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

    private keyFile(entry: string): string {
        const key = createHash("sha256")
            .update(JSON.stringify({ entry, options: OPTIONS, esbuild: esbuildVersion }))
            .update(this.readOptional("package-lock.json"))
            .update(this.readOptional("tsconfig.json"))
            .digest("hex");
        return path.join(this.cacheDir, `${key}.json`);
    }

    private cached(entry: string, hashes: Map<string, string>): string | undefined {
        let manifest: Manifest;
        try {
            manifest = JSON.parse(readFileSync(this.keyFile(entry), "utf8")) as Manifest;
        } catch {
            return undefined;
        }
        const unchanged = (expected: Record<string, string>, hash: (p: string) => string) => Object.entries(expected).every(([p, sha]) => hash(p) === sha);
        const fileHash = (p: string) => {
            let sha = hashes.get(p);
            if (sha === undefined) {
                sha = this.hashOf(() => readFileSync(path.join(this.root, p))) ?? "";
                hashes.set(p, sha);
            }
            return sha;
        };
        const folderHash = (p: string) => this.hashOf(() => readdirSync(path.join(this.root, p)).sort().join("\n")) ?? "";
        return manifest.entry === entry && unchanged(manifest.inputs, fileHash) && unchanged(manifest.folders, folderHash) ? manifest.code : undefined;
    }

    private async build(entries: string[]): Promise<Map<string, string>> {
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
            const manifest: Manifest = {
                entry,
                code,
                inputs: Object.fromEntries(inputs.map(p => [p, this.hashOf(() => readFileSync(path.join(this.root, p))) ?? ""])),
                folders: Object.fromEntries(
                    [...new Set(inputs.filter(p => !p.startsWith("node_modules/")).map(p => path.dirname(p)))].map(d => [
                        d,
                        this.hashOf(() => readdirSync(path.join(this.root, d)).sort().join("\n")) ?? "",
                    ]),
                ),
            };
            // Written whole, then renamed: a parallel test worker never reads half a bundle.
            const file = this.keyFile(entry);
            const partial = `${file}.${process.pid}.tmp`;
            writeFileSync(partial, JSON.stringify(manifest));
            renameSync(partial, file);
            codes.set(entry, code);
        }
        const missing = entries.filter(e => !codes.has(e));
        if (missing.length > 0) {
            throw new Error(`esbuild produced no bundle for ${missing.join(", ")}`);
        }
        return codes;
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
