/**
 * Cross-account access: assume the remediation role in the member account that owns the
 * bucket, narrowed by a session policy to the objects of the current step. The credentials come
 * from `fromTemporaryCredentials`, which calls sts:AssumeRole with these parameters and calls it
 * again before they expire, so a step that outlives the 900-second session keeps working.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { sessionPolicy, type SessionScope } from "./session-policy";

export interface MemberSessionRequest extends SessionScope {
    roleName: string;
    sessionName: string;
    /** Region of the STS endpoint the provider calls (the Lambda's own). */
    stsRegion: string;
}

export function memberRoleArn(partition: string, accountId: string, roleName: string): string {
    return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

export function memberS3Client(request: MemberSessionRequest): S3Client {
    return new S3Client({
        region: request.region,
        credentials: fromTemporaryCredentials({
            params: {
                RoleArn: memberRoleArn(request.partition, request.accountId, request.roleName),
                RoleSessionName: request.sessionName,
                Policy: sessionPolicy(request),
                DurationSeconds: 900,
            },
            clientConfig: { region: request.stsRegion },
        }),
    });
}
