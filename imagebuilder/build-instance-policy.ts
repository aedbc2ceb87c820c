import type { KeyRef, Statement } from "../iam/documents";
import { keyUseStatement } from "../iam/documents";
import type { AccountScope } from "../naming/resources";

export interface BuildInstanceAccess {
    scope: AccountScope;
    /** ARN of the component build version the instance downloads (its document is encrypted with `key`). */
    componentArn: string;
    /** Encrypts the component, the logs and the reports. */
    key: KeyRef;
    /** Bucket and key of the pinned docker-bench-security archive. */
    benchArchive: { bucket: string; key: string };
    logBucketArn: string;
    /** Prefixes in the log bucket the instance writes to (build logs, docker-bench reports). */
    writePrefixes: string[];
    /** The S3 object the component document was created from. */
    componentDocumentArn: string;
}

/** Splits s3://bucket/key into its parts. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (match === null) {
        throw new Error(`expected s3://bucket/key, got ${uri}`);
    }
    return { bucket: match[1], key: match[2] };
}

/**
 * What the build and test instances do, listed action by action instead of the managed
 * AmazonSSMManagedInstanceCore and EC2InstanceProfileForImageBuilder policies: register with
 * Systems Manager and take Run Command messages (how Image Builder drives AWSTOE), fetch the
 * component, read the pinned archive, and write logs and reports under their prefixes only.
 */
export function buildInstanceStatements(access: BuildInstanceAccess): Statement[] {
    const { accountId, region } = access.scope;
    return [
        {
            Sid: "RegisterWithSystemsManager",
            Effect: "Allow",
            Action: ["ssm:UpdateInstanceInformation"],
            Resource: [`arn:aws:ec2:${region}:${accountId}:instance/*`],
        },
        {
            Sid: "ReceiveRunCommandMessages",
            Effect: "Allow",
            Action: [
                "ec2messages:AcknowledgeMessage",
                "ec2messages:DeleteMessage",
                "ec2messages:FailMessage",
                "ec2messages:GetEndpoint",
                "ec2messages:GetMessages",
                "ec2messages:SendReply",
            ],
            // ec2messages has no resource-level permissions.
            Resource: ["*"],
        },
        {
            Sid: "ReadComponent",
            Effect: "Allow",
            Action: ["imagebuilder:GetComponent"],
            Resource: [access.componentArn],
        },
        keyUseStatement("DecryptComponent", access.scope, access.key, ["kms:Decrypt"], "imagebuilder"),
        { Sid: "ReadComponentDocument", Effect: "Allow", Action: ["s3:GetObject"], Resource: [access.componentDocumentArn] },
        {
            Sid: "ReadPinnedBenchArchive",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: [`arn:aws:s3:::${access.benchArchive.bucket}/${access.benchArchive.key}`],
            Condition: { StringEquals: { "s3:ResourceAccount": accountId } },
        },
        {
            Sid: "WriteLogsAndReports",
            Effect: "Allow",
            Action: ["s3:PutObject"],
            Resource: access.writePrefixes.map(prefix => `${access.logBucketArn}/${prefix}*`),
        },
        keyUseStatement("EncryptLogsAndReports", access.scope, access.key, ["kms:Decrypt", "kms:GenerateDataKey"], "s3"),
    ];
}
