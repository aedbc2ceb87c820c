/**
 * Every finding of a run's job: ListFindings filtered on classificationDetails.jobId, page by page,
 * then GetFindings in batches of at most 50 ids (Macie API reference, GetFindings: findingIds
 * "an array of strings that lists the unique identifiers for the findings to retrieve", 50 at most).
 */
import { GetFindingsCommand, type Macie2Client, paginateListFindings } from "@aws-sdk/client-macie2";
import type { FindingRef } from "./verdict";
import { ScanResultsInconsistent } from "./errors";

const GET_FINDINGS_BATCH = 50;

export async function findingsOfJob(client: Macie2Client, jobId: string): Promise<FindingRef[]> {
    const ids: string[] = [];
    const pages = paginateListFindings(
        { client, pageSize: GET_FINDINGS_BATCH },
        { findingCriteria: { criterion: { "classificationDetails.jobId": { eq: [jobId] } } } },
    );
    for await (const page of pages) {
        ids.push(...(page.findingIds ?? []));
    }
    const findings: FindingRef[] = [];
    for (let start = 0; start < ids.length; start += GET_FINDINGS_BATCH) {
        const batch = ids.slice(start, start + GET_FINDINGS_BATCH);
        const { findings: got = [] } = await client.send(new GetFindingsCommand({ findingIds: batch }));
        if (got.length !== batch.length) {
            throw new ScanResultsInconsistent(`GetFindings returned ${got.length} of ${batch.length} findings of job ${jobId}`);
        }
        for (const finding of got) {
            const key = finding.resourcesAffected?.s3Object?.key;
            if (!finding.id || !key || finding.classificationDetails?.jobId !== jobId) {
                throw new ScanResultsInconsistent(`finding ${finding.id ?? "(no id)"} names no object of job ${jobId}`);
            }
            findings.push({
                findingId: finding.id,
                type: finding.type ?? "unknown",
                severity: finding.severity?.description ?? "unknown",
                key,
                versionId: finding.resourcesAffected?.s3Object?.versionId ?? null,
            });
        }
    }
    return findings;
}
