/**
 * Routes the SDK clients the object Lambdas create to the stateful fakes through
 * aws-sdk-client-mock; each S3 request is attributed to the session whose credentials the
 * client carries.
 */
import {
    AbortMultipartUploadCommand,
    CompleteMultipartUploadCommand,
    CopyObjectCommand,
    CreateMultipartUploadCommand,
    DeleteObjectCommand,
    GetBucketReplicationCommand,
    GetObjectAttributesCommand,
    GetObjectCommand,
    GetObjectLegalHoldCommand,
    GetObjectLockConfigurationCommand,
    GetObjectRetentionCommand,
    GetObjectTaggingCommand,
    PutObjectTaggingCommand,
    HeadObjectCommand,
    ListMultipartUploadsCommand,
    ListObjectVersionsCommand,
    ListPartsCommand,
    S3Client,
    UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { memberRoleArn } from "../../lambdas/quarantine-object/member-session";
import { memberRolePolicy } from "../../lambdas/quarantine-object/member-role-policy";
import { providerSts } from "../provider-sts";
import { FakeS3 } from "./fake-s3";
import { FakeSts, type Session } from "./fake-sts";

type CredentialsProvider = () => Promise<{ accessKeyId?: string }>;

export interface InstalledFakes {
    restore(): void;
}

export function installFakeAws(s3: FakeS3, sts: FakeSts): InstalledFakes {
    const s3Mock = mockClient(S3Client);
    const stsMock = mockClient(providerSts.STSClient);
    const sessionOf = async (getClient: () => unknown): Promise<Session | undefined> => {
        const config = (getClient() as { config: { credentials: CredentialsProvider } }).config;
        return sts.session((await config.credentials()).accessKeyId);
    };
    const route =
        <I>(operation: (input: I, session?: Session) => unknown) =>
        async (input: I, getClient: () => unknown) =>
            operation(input, await sessionOf(getClient));

    s3Mock.on(HeadObjectCommand).callsFake(route(s3.headObject.bind(s3)));
    s3Mock.on(GetObjectCommand).callsFake(route(s3.getObject.bind(s3)));
    s3Mock.on(GetObjectTaggingCommand).callsFake(route(s3.getObjectTagging.bind(s3)));
    s3Mock.on(PutObjectTaggingCommand).callsFake(route(s3.putObjectTagging.bind(s3)));
    s3Mock.on(CopyObjectCommand).callsFake(route(s3.copyObject.bind(s3)));
    s3Mock.on(CreateMultipartUploadCommand).callsFake(route(s3.createMultipartUpload.bind(s3)));
    s3Mock.on(UploadPartCopyCommand).callsFake(route(s3.uploadPartCopy.bind(s3)));
    s3Mock.on(CompleteMultipartUploadCommand).callsFake(route(s3.completeMultipartUpload.bind(s3)));
    s3Mock.on(AbortMultipartUploadCommand).callsFake(route(s3.abortMultipartUpload.bind(s3)));
    s3Mock.on(DeleteObjectCommand).callsFake(route(s3.deleteObject.bind(s3)));
    s3Mock.on(GetObjectAttributesCommand).callsFake(route(s3.getObjectAttributes.bind(s3)));
    s3Mock.on(ListMultipartUploadsCommand).callsFake(route(s3.listMultipartUploads.bind(s3)));
    s3Mock.on(ListPartsCommand).callsFake(route(s3.listParts.bind(s3)));
    s3Mock.on(ListObjectVersionsCommand).callsFake(route(s3.listObjectVersions.bind(s3)));
    s3Mock.on(GetBucketReplicationCommand).callsFake(route(s3.getBucketReplication.bind(s3)));
    s3Mock.on(GetObjectLockConfigurationCommand).callsFake(route(s3.getObjectLockConfiguration.bind(s3)));
    s3Mock.on(GetObjectLegalHoldCommand).callsFake(route(s3.getObjectLegalHold.bind(s3)));
    s3Mock.on(GetObjectRetentionCommand).callsFake(route(s3.getObjectRetention.bind(s3)));
    stsMock.on(providerSts.AssumeRoleCommand).callsFake(input => sts.assumeRole(input));
    return {
        restore() {
            s3Mock.restore();
            stsMock.restore();
        },
    };
}

export interface FakeMemberAccount {
    s3: FakeS3;
    sts: FakeSts;
    installed: InstalledFakes;
}

/** One member account with one bucket and its quarantine or release role, behind the SDK mocks. */
export function fakeMemberAccount(
    purpose: "quarantine" | "release",
    accountId: string,
    bucket: string,
    roleName: string,
    maxSingleCopyBytes?: number,
): FakeMemberAccount {
    const s3 = new FakeS3(maxSingleCopyBytes);
    s3.createBucket(bucket, accountId);
    const sts = new FakeSts();
    sts.defineRole(
        memberRoleArn("aws", accountId, roleName),
        memberRolePolicy(purpose, { partition: "aws", accountId, quarantinePrefix: "quarantine/", buckets: [bucket] }),
    );
    return { s3, sts, installed: installFakeAws(s3, sts) };
}
