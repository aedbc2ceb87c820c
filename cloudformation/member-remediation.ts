/**
 * The member-account half of the remediation, as CloudFormation resources for the member
 * baseline StackSet (merged into baselineTemplate's Resources): the quarantine and release roles
 * the security account's workflow functions assume, and the investigation role that alone may
 * read quarantine copies besides them.
 */
import { memberRolePolicy } from "../lambdas/quarantine-object/member-role-policy";
import type { CfnTemplate } from "./member-baseline";
import { functionRoleArn, type MemberWorkflow, memberRoleName, WORKFLOW_FUNCTION } from "../naming/remediation";

export interface MemberRemediationOptions {
    environment: string;
    securityAccountId: string;
    organizationId: string;
    quarantinePrefix: string;
    investigationRoleName: string;
    /** Security-account roles that may assume the investigation role (the releasers). */
    investigatorPrincipalArns: string[];
}

type CfnResources = CfnTemplate["Resources"];

const ACCOUNT = "${AWS::AccountId}";

/** Strings naming the member account become Fn::Sub, so one template serves every account. */
function substituted(value: unknown): unknown {
    if (typeof value === "string") {
        return value.includes("${AWS::") ? { "Fn::Sub": value } : value;
    }
    if (Array.isArray(value)) {
        return value.map(substituted);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituted(v)]));
    }
    return value;
}

function trust(principals: string[], organizationId: string, sessionNamePattern?: string): unknown {
    const condition: Record<string, Record<string, string>> = { StringEquals: { "aws:PrincipalOrgID": organizationId } };
    if (sessionNamePattern) {
        condition.StringLike = { "sts:RoleSessionName": sessionNamePattern };
    }
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: principals }, Action: "sts:AssumeRole", Condition: condition }],
    };
}

function workflowRole(options: MemberRemediationOptions, workflow: MemberWorkflow) {
    const fn = WORKFLOW_FUNCTION[workflow];
    return {
        Type: "AWS::IAM::Role",
        Properties: {
            RoleName: memberRoleName(options.environment, workflow),
            Description: `lakewarden ${options.environment}: ${workflow} of Macie-flagged objects, assumed only by ${fn} in the security account`,
            MaxSessionDuration: 3600,
            AssumeRolePolicyDocument: trust(
                [functionRoleArn(options.environment, options.securityAccountId, fn)],
                options.organizationId,
                `lakewarden-${workflow}-*`,
            ),
            Policies: [
                {
                    PolicyName: `${workflow}-objects`,
                    // Buckets are not known per account: the role is held to its own account, the
                    // session policy narrows every call to one object pair, the bucket policy to the prefix.
                    PolicyDocument: substituted(
                        memberRolePolicy(workflow, { partition: "aws", accountId: ACCOUNT, quarantinePrefix: options.quarantinePrefix, buckets: "*" }),
                    ),
                },
            ],
        },
    };
}

function investigationRole(options: MemberRemediationOptions) {
    const copies = `arn:aws:s3:::*/${options.quarantinePrefix}*`;
    return {
        Type: "AWS::IAM::Role",
        Properties: {
            RoleName: options.investigationRoleName,
            Description: `lakewarden ${options.environment}: reads quarantine copies for investigation, nothing else`,
            MaxSessionDuration: 3600,
            AssumeRolePolicyDocument: trust([...options.investigatorPrincipalArns].sort(), options.organizationId),
            Policies: [
                {
                    PolicyName: "read-quarantine-copies",
                    PolicyDocument: substituted({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "ListQuarantinePrefix",
                                Effect: "Allow",
                                Action: ["s3:ListBucket", "s3:ListBucketVersions"],
                                Resource: ["arn:aws:s3:::*"],
                                Condition: { StringEquals: { "aws:ResourceAccount": ACCOUNT }, StringLike: { "s3:prefix": `${options.quarantinePrefix}*` } },
                            },
                            {
                                Sid: "ReadQuarantineCopies",
                                Effect: "Allow",
                                Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:GetObjectVersionTagging"],
                                Resource: [copies],
                                Condition: { StringEquals: { "aws:ResourceAccount": ACCOUNT } },
                            },
                            {
                                Sid: "BucketKeysViaS3",
                                Effect: "Allow",
                                Action: ["kms:Decrypt"],
                                Resource: [`arn:aws:kms:*:${ACCOUNT}:key/*`],
                                Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com" } },
                            },
                        ],
                    }),
                },
            ],
        },
    };
}

export function memberRemediationTemplate(options: MemberRemediationOptions): CfnResources {
    return {
        RemediationQuarantineRole: workflowRole(options, "quarantine"),
        RemediationReleaseRole: workflowRole(options, "release"),
        RemediationInvestigationRole: investigationRole(options),
    };
}
