/**
 * Cross-account access: assume the remediation role in the member account that owns the
 * bucket, narrowed by a session policy to the objects of the current step.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { sessionPolicy, type SessionScope } from "./session-policy";

export interface MemberSessionRequest extends SessionScope {
    roleName: string;
    sessionName: string;
}

export function memberRoleArn(partition: string, accountId: string, roleName: string): string {
    return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

export async function memberS3Client(sts: STSClient, request: MemberSessionRequest): Promise<S3Client> {
    const out = await sts.send(
        new AssumeRoleCommand({
            RoleArn: memberRoleArn(request.partition, request.accountId, request.roleName),
            RoleSessionName: request.sessionName,
            Policy: sessionPolicy(request),
            DurationSeconds: 900,
        }),
    );
    const credentials = out.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
        throw new Error(`AssumeRole ${request.roleName} in ${request.accountId} returned no credentials`);
    }
    return new S3Client({
        region: request.region,
        credentials: {
            accessKeyId: credentials.AccessKeyId,
            secretAccessKey: credentials.SecretAccessKey,
            sessionToken: credentials.SessionToken,
            expiration: credentials.Expiration,
        },
    });
}
