/**
 * An in-memory scan stage for local workflow runs and the bench: four versioned buckets with
 * tags, Macie as the run's job would see the scan bucket (a verdict per object content), the lock
 * and decision tables, and fault injection. A fake, kept because nothing real exists offline for
 * S3 versions + Macie together; the S3 transfer semantics themselves are specified with the shared
 * transfer code, and DynamoDB conditions here follow the same expressions the Lambdas send.
 */
import { randomUUID } from "node:crypto";
import type { ObjectMover, StageBucket, VersionRef } from "../../lambdas/scan-stage/move";
import type { DiscoveryResult, FindingRef } from "../../lambdas/scan-stage/verdict";

export type Content = "clean" | "sensitive" | "unclassifiable";

interface Version {
    versionId: string;
    content: Content;
    tags: Record<string, string>;
}

export class StageWorld {
    readonly buckets: Record<StageBucket, Map<string, Version[]>> = { landing: new Map(), scan: new Map(), review: new Map(), scanned: new Map() };
    readonly names: Record<StageBucket, string> = { landing: "orders-landing", scan: "orders-scan", review: "orders-review", scanned: "orders-scanned" };
    lock: { runId: string; expiresAt: number } | undefined;
    /** Fails the n-th mover call (1-based) once, after the copy and before the source delete: the worst moment. */
    failMoveAt = new Set<number>();
    moveCalls = 0;
    /** The n-th mover call (1-based) throws this error before it does anything (an S3 error as the SDK raises it). */
    readonly moveErrors = new Map<number, () => Error>();
    /** Moves of these keys answer PENDING this many times first (a multipart copy spanning invocations). */
    pendingMoves = new Map<string, number>();
    /** Versions deleted by a deny decision (the only deletes outside a verified move). */
    readonly deleted: VersionRef[] = [];
    jobStatuses: string[] = [];
    private jobs = new Map<string, { runId: string; objects: VersionRef[] }>();

    put(bucket: StageBucket, key: string, content: Content, tags: Record<string, string> = {}): string {
        const versionId = randomUUID();
        const versions = this.buckets[bucket].get(key) ?? [];
        versions.push({ versionId, content, tags });
        this.buckets[bucket].set(key, versions);
        return versionId;
    }

    private bucketNamed(name: string): StageBucket {
        const found = (Object.keys(this.names) as StageBucket[]).find(b => this.names[b] === name);
        if (!found) throw new Error(`no bucket ${name}`);
        return found;
    }

    private version(ref: VersionRef): Version | undefined {
        return this.buckets[this.bucketNamed(ref.bucket)].get(ref.key)?.find(v => v.versionId === ref.versionId);
    }

    current(bucket: StageBucket): { key: string; versionId: string; content: Content; tags: Record<string, string> }[] {
        return [...this.buckets[bucket]].flatMap(([key, versions]) => (versions.length ? [{ key, ...versions[versions.length - 1] }] : []));
    }

    readonly mover: ObjectMover = {
        move: async (source, targetBucket, tags) => {
            const call = ++this.moveCalls;
            const fault = this.moveErrors.get(call);
            if (fault) throw fault();
            const pending = this.pendingMoves.get(source.key) ?? 0;
            if (pending > 0) {
                this.pendingMoves.set(source.key, pending - 1);
                return { state: "PENDING" };
            }
            const version = this.version(source);
            const target = this.buckets[this.bucketNamed(targetBucket)];
            const existing = target.get(source.key)?.find(v => v.tags["lakewarden:moved-from"] === source.versionId);
            if (!version) {
                if (existing) return { state: "MOVED", versionId: existing.versionId };
                throw Object.assign(new Error(`s3://${source.bucket}/${source.key} ${source.versionId} is gone`), { name: "ObjectVersionMissing" });
            }
            const copied = existing ?? {
                versionId: randomUUID(),
                content: version.content,
                tags: { ...version.tags, ...tags, "lakewarden:moved-from": source.versionId },
            };
            if (!existing) target.set(source.key, [...(target.get(source.key) ?? []), copied]);
            if (this.failMoveAt.delete(call)) {
                throw Object.assign(new Error("connection reset after copy"), { name: "TimeoutError" });
            }
            const versions = this.buckets[this.bucketNamed(source.bucket)].get(source.key) ?? [];
            this.buckets[this.bucketNamed(source.bucket)].set(
                source.key,
                versions.filter(v => v.versionId !== source.versionId),
            );
            return { state: "MOVED", versionId: copied.versionId };
        },
        tag: async (ref, tags) => {
            const version = this.version(ref);
            if (!version) throw new Error(`no version ${ref.versionId} of ${ref.key}`);
            Object.assign(version.tags, tags);
        },
        deleteVersion: async ref => {
            const bucket = this.bucketNamed(ref.bucket);
            if (this.buckets[bucket].get(ref.key)?.some(v => v.versionId === ref.versionId)) this.deleted.push(ref);
            const versions = this.buckets[bucket].get(ref.key) ?? [];
            this.buckets[bucket].set(
                ref.key,
                versions.filter(v => v.versionId !== ref.versionId),
            );
        },
    };

    /** CreateClassificationJob: the job sees the scan bucket's current versions tagged with the run. */
    startJob(runId: string): string {
        const jobId = `job-${this.jobs.size + 1}`;
        const objects = this.current("scan")
            .filter(o => o.tags["lakewarden:scan-run"] === runId)
            .map(o => ({ bucket: this.names.scan, key: o.key, versionId: o.versionId }));
        this.jobs.set(jobId, { runId, objects });
        return jobId;
    }

    jobStatus(): string {
        return this.jobStatuses.shift() ?? "COMPLETE";
    }

    findings(jobId: string): FindingRef[] {
        return this.judged(jobId)
            .filter(o => o.content === "sensitive")
            .map((o, i) => ({ findingId: `${jobId}-f${i}`, type: "SensitiveData:S3Object/Personal", severity: "High", key: o.key, versionId: o.versionId }));
    }

    /**
     * An unclassifiable object is SKIPPED with UNSUPPORTED_FILE_TYPE_EXCEPTION, a reason Macie documents:
     * "The object is a file that uses an unsupported file or storage format" (Macie API Reference,
     * ClassificationResultStatus.reason; tests/fixtures/aws/macie/SOURCES.md).
     */
    results(jobId: string): DiscoveryResult[] {
        return this.judged(jobId).map(o => ({
            key: o.key,
            versionId: o.versionId,
            status: o.content === "unclassifiable" ? "SKIPPED" : "COMPLETE",
            reason: o.content === "unclassifiable" ? "UNSUPPORTED_FILE_TYPE_EXCEPTION" : null,
        }));
    }

    private judged(jobId: string) {
        const job = this.jobs.get(jobId);
        if (!job) throw new Error(`no job ${jobId}`);
        return job.objects.map(ref => ({ ...ref, content: this.version(ref)?.content ?? "clean" }));
    }

    /** Every object the world holds, by bucket: the bench's and the specs' accounting. */
    count(): Record<StageBucket, number> {
        return {
            landing: this.current("landing").length,
            scan: this.current("scan").length,
            review: this.current("review").length,
            scanned: this.current("scanned").length,
        };
    }
}
