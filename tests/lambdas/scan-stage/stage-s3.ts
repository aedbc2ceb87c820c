/**
 * The scan stage's four buckets in the S3 fake (support/remediation/fake-s3.ts), and sessions of the
 * move role: aws-sdk-client-mock routes every S3Client to the fake, which authorises each request
 * against the session's policy, so a call outside the role's contract fails as it would in AWS.
 */
import { FakeS3 } from "../../../support/remediation/fake-s3";
import { installFakeAws, type InstalledFakes } from "../../../support/remediation/fake-aws";
import { FakeSts } from "../../../support/remediation/fake-sts";
import type { PolicyDoc } from "../../../support/remediation/iam-eval";

export const ACCOUNT = "111122223333";
export const BUCKETS = { landing: "orders-landing", scan: "orders-scan", review: "orders-review", scanned: "orders-scanned" };
const objects = (...names: (keyof typeof BUCKETS)[]) => names.map(b => `arn:aws:s3:::${BUCKETS[b]}/*`);

/**
 * The move Lambda's policy, statement for statement as lambdas/scan-stage/move-handler.ts lists it.
 * Facts it rests on (S3 API Reference, each operation's "Permissions"):
 *  - HeadObject/GetObject of a missing key: "If you have the s3:ListBucket permission on the bucket,
 *    Amazon S3 returns an HTTP status code 404 ... If you don't ..., 403", hence s3:ListBucket;
 *  - PutObjectTagging: "To put tags of any other version, use the versionId query parameter. You also
 *    need permission for the s3:PutObjectVersionTagging action" (GetObjectTagging likewise with
 *    s3:GetObjectVersionTagging); GetObjectAttributes of a version: s3:GetObjectVersion and
 *    s3:GetObjectVersionAttributes.
 * The fake authorises a versioned tagging request by its *Version* action alone; the role also has the
 * unversioned action, as "also" reads as both (tests/components/scan-stage.test.ts checks the deployed role
 * for both, with the repository's IAM evaluation).
 */
export function movePolicy(drop: { action: string; bucket: keyof typeof BUCKETS }[] = []): PolicyDoc {
    const statements: PolicyDoc["Statement"] = [
        {
            Effect: "Allow",
            Action: ["s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging", "s3:DeleteObjectVersion", "s3:GetObjectVersionAttributes"],
            Resource: objects("landing", "scan", "review"),
        },
        {
            Effect: "Allow",
            Action: [
                "s3:PutObject",
                "s3:PutObjectTagging",
                "s3:GetObject",
                "s3:GetObjectTagging",
                "s3:GetObjectVersion",
                "s3:GetObjectVersionTagging",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            Resource: objects("scan", "review", "scanned"),
        },
        { Effect: "Allow", Action: ["s3:PutObjectVersionTagging"], Resource: objects("scan") },
        {
            Effect: "Allow",
            Action: ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
            Resource: Object.values(BUCKETS).map(b => `arn:aws:s3:::${b}`),
        },
    ];
    const denies = drop.map(d => ({
        Effect: "Deny" as const,
        Action: d.action,
        Resource: d.action.startsWith("s3:ListBucket") ? `arn:aws:s3:::${BUCKETS[d.bucket]}` : `arn:aws:s3:::${BUCKETS[d.bucket]}/*`,
    }));
    return { Version: "2012-10-17", Statement: [...statements, ...denies] };
}

export interface StageS3 {
    s3: FakeS3;
    fakes: InstalledFakes;
    /** Static credentials of a new session of a move role with `policy` (the Lambda's AWS_* variables). */
    session(policy: PolicyDoc): { accessKeyId: string; secretAccessKey: string; sessionToken: string };
}

/** The four buckets (the test's names, or a recorded stage's) owned by `account`. */
export function stageS3(maxSingleCopyBytes?: number, buckets: Record<keyof typeof BUCKETS, string> = BUCKETS, account = ACCOUNT): StageS3 {
    const s3 = new FakeS3(maxSingleCopyBytes);
    for (const bucket of Object.values(buckets)) s3.createBucket(bucket, account);
    const sts = new FakeSts();
    return {
        s3,
        fakes: installFakeAws(s3, sts),
        session(policy) {
            const roleArn = `arn:aws:iam::${account}:role/lakewarden-orders-scan-move-${sts.assumed.length}`;
            sts.defineRole(roleArn, policy);
            const { Credentials } = sts.assumeRole({ RoleArn: roleArn, RoleSessionName: "scan-stage-move" });
            return { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken };
        },
    };
}
