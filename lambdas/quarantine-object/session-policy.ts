/**
 * The inline session policy passed to sts:AssumeRole for one step: the member role's
 * permissions narrowed to the exact objects and actions of that step. The effective
 * permissions are the intersection with the role's own policy.
 */

export interface ObjectGrant {
    actions: readonly string[];
    bucket: string;
    key: string;
    /**
     * The prefix this grant may widen to ("" = whole bucket) when exact object ARNs would make
     * the policy longer than STS accepts (2,048 characters).
     */
    widenTo: string;
}

export interface SessionScope {
    partition: string;
    region: string;
    accountId: string;
    /** s3:ListBucket on it, so a missing object reads as 404 rather than 403, plus the step's bucket actions. */
    bucket: string;
    bucketActions?: readonly string[];
    grants: ObjectGrant[];
}

const MAX_SESSION_POLICY_CHARS = 2048;

/** IAM reads * ? $ in resources as wildcards/variables; ${*} ${?} ${$} are the literals. */
export function escapeArnPart(text: string): string {
    return text.replace(/[*?$]/g, c => `\${${c}}`);
}

function objectArn(partition: string, bucket: string, keyPattern: string): string {
    return `arn:${partition}:s3:::${bucket}/${keyPattern}`;
}

function dnsSuffix(partition: string): string {
    return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

function document(scope: SessionScope, resourceOf: (grant: ObjectGrant) => string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Bucket",
                Effect: "Allow",
                Action: ["s3:ListBucket", ...(scope.bucketActions ?? [])].sort(),
                Resource: `arn:${scope.partition}:s3:::${scope.bucket}`,
            },
            ...scope.grants.map((grant, index) => ({
                Sid: `Object${index}`,
                Effect: "Allow",
                Action: [...grant.actions].sort(),
                Resource: resourceOf(grant),
            })),
            {
                Sid: "BucketKeyViaS3",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: `arn:${scope.partition}:kms:${scope.region}:${scope.accountId}:key/*`,
                Condition: { StringEquals: { "kms:ViaService": `s3.${scope.region}.${dnsSuffix(scope.partition)}` } },
            },
        ],
    });
}

export function sessionPolicy(scope: SessionScope): string {
    const exact = document(scope, g => objectArn(scope.partition, g.bucket, escapeArnPart(g.key)));
    if (exact.length <= MAX_SESSION_POLICY_CHARS) return exact;
    return document(scope, g => objectArn(scope.partition, g.bucket, `${escapeArnPart(g.widenTo)}*`));
}

/** RoleSessionName: [\w+=,.@-]{2,64}; shows in the member account's CloudTrail. */
export function sessionName(purpose: string, findingId: string): string {
    return `lakewarden-${purpose}-${findingId}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}
