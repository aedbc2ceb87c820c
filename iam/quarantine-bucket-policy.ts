/**
 * Bucket policy statements every member data bucket gets (SecureBucket's policyStatements hook):
 * the quarantine prefix is readable only by the investigation role and the two workflow roles,
 * and only the workflow roles may write or delete there. A Deny, so no identity policy of the
 * account (administrators included) can read a quarantined object.
 */
import { roleArnOf, type Statement } from "./documents";
import { memberRoleName } from "../naming/remediation";

export interface QuarantineBucketPolicyArgs {
    environment: string;
    /** The member account that owns the bucket (and the roles). */
    accountId: string;
    quarantinePrefix: string;
    investigationRoleName: string;
}

export const QUARANTINE_READ_ACTIONS = [
    "s3:GetObject",
    "s3:GetObjectAcl",
    "s3:GetObjectAttributes",
    "s3:GetObjectTagging",
    "s3:GetObjectVersion",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionAttributes",
    "s3:GetObjectVersionTagging",
];

const QUARANTINE_WRITE_ACTIONS = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject", "s3:PutObjectTagging", "s3:RestoreObject"];

function workflowRoleArns(environment: string, accountId: string): string[] {
    return [roleArnOf(accountId, memberRoleName(environment, "quarantine")), roleArnOf(accountId, memberRoleName(environment, "release"))];
}

export function QuarantineBucketPolicy(args: QuarantineBucketPolicyArgs): (bucketArn: string) => Statement[] {
    const workflows = workflowRoleArns(args.environment, args.accountId);
    const readers = [...workflows, roleArnOf(args.accountId, args.investigationRoleName)].sort();
    return bucketArn => {
        const quarantine = [`${bucketArn}/${args.quarantinePrefix}*`];
        return [
            {
                Sid: "QuarantineReadOnlyByInvestigationAndWorkflows",
                Effect: "Deny",
                Principal: "*",
                Action: QUARANTINE_READ_ACTIONS,
                Resource: quarantine,
                Condition: { ArnNotLike: { "aws:PrincipalArn": readers } },
            },
            {
                Sid: "QuarantineWrittenOnlyByWorkflows",
                Effect: "Deny",
                Principal: "*",
                Action: QUARANTINE_WRITE_ACTIONS,
                Resource: quarantine,
                Condition: { ArnNotLike: { "aws:PrincipalArn": [...workflows].sort() } },
            },
        ];
    };
}
