/**
 * Names of a scan stage's buckets (lakewarden:scanStage.pipelines[]): lw-<env>-<account>-<region>-<pipeline>-<bucket>,
 * used by the component and checked by the config before any resource is made (S3 names are 3-63 characters:
 * Amazon S3 User Guide, "General purpose bucket naming rules").
 */
import type { AccountScope } from "./resources";

export const SCAN_STAGE_BUCKETS = ["landing", "scan", "review", "scanned"] as const;
export type StageBucket = (typeof SCAN_STAGE_BUCKETS)[number];

/** The SecureBucket purpose of one of a pipeline's buckets. */
export const scanBucketPurpose = (pipeline: string, bucket: StageBucket): string => `${pipeline}-${bucket}`;

/** Why the pipeline's bucket names cannot be made in `scope`, or undefined when all four fit. */
export function scanBucketNameProblem(scope: AccountScope, pipeline: string): string | undefined {
    const longest = [...SCAN_STAGE_BUCKETS].sort((a, b) => b.length - a.length)[0];
    const probe = `lw-${scope.environment}-${scope.accountId}-${scope.region}-${scanBucketPurpose(pipeline, longest)}`;
    if (probe.length <= 63) return undefined;
    const room = 63 - (probe.length - pipeline.length);
    return (
        `the stage's bucket ${probe} would be ${probe.length} characters, and S3 bucket names are 3-63 ` +
        `(Amazon S3 User Guide, "General purpose bucket naming rules"): ` +
        (room >= 2 ? `shorten the pipeline name to at most ${room} characters` : `no pipeline name fits in account ${scope.accountId}, ${scope.region}`)
    );
}
