/**
 * Opens the member-account object store for one transfer step with exactly the S3 actions
 * that step performs on its two objects (see transfer.ts for what each step calls).
 */
import type { CopyLimits } from "../shared/s3-transfer/copy-plan";
import { memberS3Client } from "./member-session";
import type { ObjectStore } from "../shared/s3-transfer/object-store";
import { S3ObjectStore } from "../shared/s3-transfer/s3-object-store";
import { sessionName, type ObjectGrant } from "./session-policy";

export type StepKind = "containment" | "copy" | "verify" | "deleteSource" | "abort";

export interface StepActions {
    /** On the bucket ARN. */
    bucket: readonly string[];
    source: readonly string[];
    target: readonly string[];
}

const STEP_ACTIONS: Record<StepKind, StepActions> = {
    // GetBucketReplication, GetObjectLockConfiguration, GetObjectLegalHold/Retention of the version.
    containment: {
        bucket: ["s3:GetReplicationConfiguration", "s3:GetBucketObjectLockConfiguration"],
        source: ["s3:GetObjectLegalHold", "s3:GetObjectRetention"],
        target: [],
    },
    // HeadObject/GetObjectAttributes/CopyObject of a version (TaggingDirective COPY and the multipart
    // path read its tags); ListMultipartUploads/ListParts find the upload to resume.
    copy: {
        bucket: ["s3:ListBucketMultipartUploads"],
        source: ["s3:GetObjectVersion", "s3:GetObjectVersionAttributes", "s3:GetObjectVersionTagging"],
        target: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectTagging", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
    },
    verify: { bucket: [], source: ["s3:GetObjectVersion"], target: ["s3:GetObjectVersion"] },
    // ListObjectVersions finds the current version; DeleteObject without a version id puts the delete marker.
    deleteSource: {
        bucket: ["s3:ListBucketVersions"],
        source: ["s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion"],
        target: ["s3:GetObjectVersion"],
    },
    abort: { bucket: ["s3:ListBucketMultipartUploads"], source: [], target: ["s3:AbortMultipartUpload"] },
};

export function stepActions(step: StepKind): StepActions {
    return STEP_ACTIONS[step];
}

interface Location {
    accountId: string;
    region: string;
    partition: string;
    bucket: string;
}

export interface StepScope {
    purpose: "quarantine" | "release";
    step: StepKind;
    findingId: string;
    location: Location;
    /** Keys of the two objects and the prefix each may widen to (see ObjectGrant.widenTo). */
    source: { key: string; widenTo: string };
    target: { key: string; widenTo: string };
}

export interface StepDeps {
    /** The Lambda's region: the regional STS endpoint that issues the member-role sessions. */
    stsRegion: string;
    roleName: string;
    limits: CopyLimits;
}

export function grantsFor(scope: StepScope): ObjectGrant[] {
    const actions = stepActions(scope.step);
    return [
        { actions: actions.source, bucket: scope.location.bucket, key: scope.source.key, widenTo: scope.source.widenTo },
        { actions: actions.target, bucket: scope.location.bucket, key: scope.target.key, widenTo: scope.target.widenTo },
    ].filter(grant => grant.actions.length > 0);
}

export async function openStore(deps: StepDeps, scope: StepScope): Promise<ObjectStore> {
    const { accountId, region, partition, bucket } = scope.location;
    const s3 = memberS3Client({
        stsRegion: deps.stsRegion,
        roleName: deps.roleName,
        sessionName: sessionName(`${scope.purpose}-${scope.step}`, scope.findingId),
        partition,
        region,
        accountId,
        bucket,
        bucketActions: stepActions(scope.step).bucket,
        grants: grantsFor(scope),
    });
    return new S3ObjectStore(s3, accountId, deps.limits);
}

/** Handler dependencies from the Lambda environment: the member role name is in `variable`. */
export function depsFromEnvironment(variable: string, limits: CopyLimits): StepDeps {
    const roleName = process.env[variable];
    if (!roleName || !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
        throw new Error(`${variable} must name the member-account remediation role`);
    }
    // The Lambda runtime always sets AWS_REGION.
    const stsRegion = process.env.AWS_REGION;
    if (!stsRegion) throw new Error("AWS_REGION must name the Lambda's region (the STS endpoint for member sessions)");
    return { stsRegion, roleName, limits };
}
