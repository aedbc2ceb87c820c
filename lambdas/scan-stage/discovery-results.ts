/**
 * Macie's sensitive data discovery results for a job: JSON Lines, gzip, one record per analysed
 * object (and one per file extracted from an archive), written under
 * `<prefix>AWSLogs/<account>/Macie/<region>/<jobId>/` in the results bucket configured with
 * PutClassificationExportConfiguration (Macie User Guide, "Storing and retaining sensitive data
 * discovery results"). Field paths as the results are queried in aws-samples/amazon-macie-results-analytics
 * (classificationDetails.jobId, classificationDetails.result.status, resourcesAffected.s3Object.key,
 * resourcesAffected.s3Object.embeddedFileDetails for archive members).
 */
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import type { DiscoveryResult } from "./verdict";
import { ScanResultsInconsistent } from "./errors";

const recordSchema = z.object({
    classificationDetails: z.object({
        jobId: z.string(),
        result: z.object({
            status: z.object({ code: z.enum(["COMPLETE", "PARTIAL", "SKIPPED"]), reason: z.string().nullish() }),
        }),
    }),
    resourcesAffected: z.object({
        s3Bucket: z.object({ name: z.string() }),
        s3Object: z.object({
            key: z.string(),
            versionId: z.string().nullish(),
            embeddedFileDetails: z.unknown().nullish(),
        }),
    }),
});

export function resultsPrefix(prefix: string, accountId: string, region: string, jobId: string): string {
    return `${prefix}AWSLogs/${accountId}/Macie/${region}/${jobId}/`;
}

/**
 * Object-level records of one results file for the job and bucket. Records of files inside an
 * archive are skipped: the archive's own record (PARTIAL when members were not analysed) decides.
 */
export function parseResultsFile(body: Uint8Array, jobId: string, bucket: string, source: string): DiscoveryResult[] {
    const text = gunzipSync(body).toString("utf8");
    const results: DiscoveryResult[] = [];
    text.split("\n").forEach((line, index) => {
        if (line.trim() === "") {
            return;
        }
        const parsed = recordSchema.safeParse(JSON.parse(line));
        if (!parsed.success) {
            throw new ScanResultsInconsistent(`${source} line ${index + 1} is not a discovery result: ${parsed.error.issues[0]?.message}`);
        }
        const { classificationDetails, resourcesAffected } = parsed.data;
        if (classificationDetails.jobId !== jobId || resourcesAffected.s3Bucket.name !== bucket) {
            throw new ScanResultsInconsistent(
                `${source} line ${index + 1} is for job ${classificationDetails.jobId} / bucket ${resourcesAffected.s3Bucket.name}`,
            );
        }
        if (resourcesAffected.s3Object.embeddedFileDetails) {
            return;
        }
        results.push({
            key: resourcesAffected.s3Object.key,
            versionId: resourcesAffected.s3Object.versionId ?? null,
            status: classificationDetails.result.status.code,
            reason: classificationDetails.result.status.reason ?? null,
        });
    });
    return results;
}
