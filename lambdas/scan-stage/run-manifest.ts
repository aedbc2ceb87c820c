/**
 * The objects one run takes: leftovers in the scan bucket first (a failed run's objects, picked up
 * again), then landing, current versions only, bounded by count and by the manifest's size so the
 * workflow state stays far below Step Functions' 256 KiB per state (Step Functions quotas).
 */
import { ListObjectVersionsCommand, type ListObjectVersionsCommandOutput, type S3Client } from "@aws-sdk/client-s3";

export interface StageObject {
    bucket: "landing" | "scan";
    key: string;
    versionId: string;
    size: number;
}

const BATCH_SIZE = 25;
/** Half of the 256 KiB state limit: the verdict carries the same objects plus a reason each. */
export const MAX_MANIFEST_BYTES = 128 * 1024;

export interface ManifestLimits {
    maxObjects: number;
    maxBytes: number;
}

export async function collectRun(
    s3: S3Client,
    buckets: { landing: string; scan: string },
    limits: ManifestLimits,
): Promise<{ objects: StageObject[]; truncated: boolean }> {
    const objects: StageObject[] = [];
    let bytes = 2;
    for (const which of ["scan", "landing"] as const) {
        for await (const page of objectVersionPages(s3, buckets[which])) {
            for (const version of page.Versions ?? []) {
                if (!version.IsLatest || !version.Key || !version.VersionId) {
                    continue;
                }
                const object: StageObject = { bucket: which, key: version.Key, versionId: version.VersionId, size: version.Size ?? 0 };
                const cost = Buffer.byteLength(JSON.stringify(object)) + 1;
                if (objects.length >= limits.maxObjects || bytes + cost > limits.maxBytes) {
                    return { objects, truncated: true };
                }
                objects.push(object);
                bytes += cost;
            }
        }
    }
    return { objects, truncated: false };
}

export function inBatches<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
    const batches: T[][] = [];
    for (let start = 0; start < items.length; start += size) {
        batches.push(items.slice(start, start + size));
    }
    return batches;
}

/** ListObjectVersions pages (the SDK has no paginator for it: KeyMarker + VersionIdMarker). */
async function* objectVersionPages(s3: S3Client, bucket: string): AsyncGenerator<ListObjectVersionsCommandOutput> {
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (;;) {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, ...markers }));
        yield page;
        if (!page.IsTruncated) {
            return;
        }
        markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }
}
