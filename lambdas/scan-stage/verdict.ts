/**
 * What a run's Macie job says about each object the run moved: a finding flags it; no finding
 * is clean only when Macie's sensitive data discovery result for the object says it analysed
 * the object completely. SKIPPED, PARTIAL or no result at all (an error, an unsupported type, a
 * key Macie could not decrypt) is unclassifiable, and unclassifiable goes to review, never to
 * the scanned bucket (Macie User Guide, "Reviewing statistics and results for sensitive data
 * discovery jobs": findings exist only for objects with sensitive data; the discovery results
 * record every object, including those Macie could not analyse).
 */
import { ScanResultsInconsistent } from "./errors";

export interface RunObject {
    /** Key in the scan bucket. */
    key: string;
    versionId: string;
}

export interface FindingRef {
    findingId: string;
    type: string;
    severity: string;
    key: string;
    versionId: string | null;
}

export interface DiscoveryResult {
    key: string;
    versionId: string | null;
    status: "COMPLETE" | "PARTIAL" | "SKIPPED";
    reason: string | null;
}

export interface ReviewItem extends RunObject {
    why: "SENSITIVE_DATA" | "UNCLASSIFIABLE";
    /** Finding types and ids, or Macie's status reason. */
    detail: string[];
}

export interface RunVerdict {
    clean: RunObject[];
    review: ReviewItem[];
}

const refOf = (key: string, versionId: string | null): string => `${key}\u0000${versionId ?? ""}`;

export function judgeRun(objects: readonly RunObject[], findings: readonly FindingRef[], results: readonly DiscoveryResult[]): RunVerdict {
    const byKey = new Map(objects.map(o => [o.key, o]));
    const flagged = new Map<string, string[]>();
    for (const finding of findings) {
        const object = byKey.get(finding.key);
        if (!object) {
            throw new ScanResultsInconsistent(`finding ${finding.findingId} is for ${finding.key}, which this run did not move`);
        }
        // A finding on another version of the key (overwritten during the run) still flags the run's object.
        const detail = flagged.get(object.key) ?? [];
        detail.push(`${finding.type} ${finding.severity} (finding ${finding.findingId})`);
        flagged.set(object.key, detail);
    }
    const resultOf = new Map<string, DiscoveryResult>();
    for (const result of results) {
        if (!byKey.has(result.key)) {
            throw new ScanResultsInconsistent(`a discovery result is for ${result.key}, which this run did not move`);
        }
        resultOf.set(refOf(result.key, result.versionId), result);
    }
    const verdict: RunVerdict = { clean: [], review: [] };
    for (const object of objects) {
        const findingDetail = flagged.get(object.key);
        if (findingDetail) {
            verdict.review.push({ ...object, why: "SENSITIVE_DATA", detail: findingDetail });
            continue;
        }
        const result = resultOf.get(refOf(object.key, object.versionId)) ?? resultOf.get(refOf(object.key, null));
        if (result?.status === "COMPLETE") {
            verdict.clean.push(object);
        } else {
            const reason = result ? `${result.status}${result.reason ? `: ${result.reason}` : ""}` : "NO_DISCOVERY_RESULT";
            verdict.review.push({ ...object, why: "UNCLASSIFIABLE", detail: [reason] });
        }
    }
    return verdict;
}
