/** Seeding findings into a world and reading back where each object ended up. */
import assert from "node:assert/strict";
import { DEFAULT_QUARANTINE_PREFIX } from "../../workflows/quarantine";
import type { FixtureOptions, StoredVersion } from "./fake-s3";
import { contentFor, macieEvent, MEMBER_ACCOUNTS, UPLOAD_STYLES, type FindingSpec } from "./fixtures";
import { bucketName, type World } from "./world";

export interface Seeded {
    spec: FindingSpec & { versionId: string };
    event: Record<string, unknown>;
    body: Buffer;
    upload: FixtureOptions;
}

export function seed(world: World, index: number, overrides: Partial<FindingSpec> = {}, upload = UPLOAD_STYLES[index % UPLOAD_STYLES.length]): Seeded {
    const accountId = overrides.accountId ?? MEMBER_ACCOUNTS[index % MEMBER_ACCOUNTS.length];
    const bucket = overrides.bucket ?? bucketName(accountId);
    const key = overrides.key ?? `exports/2024 Q${1 + (index % 4)}/customers-${index}.csv`;
    const body = contentFor(index);
    const versionId = world.s3.putObject(bucket, key, body, upload);
    const spec = { findingId: `f${String(index).padStart(31, "0")}`, accountId, bucket, key, versionId, size: body.length, ...overrides };
    return { spec: { ...spec, versionId: overrides.versionId ?? versionId }, event: macieEvent(spec), body, upload };
}

export function quarantineKeyOf(seeded: Seeded): string {
    return `${DEFAULT_QUARANTINE_PREFIX}${seeded.spec.versionId}/${seeded.spec.key}`;
}

export interface Placement {
    original: StoredVersion[];
    quarantine: StoredVersion[];
}

/** The object versions at the original and the quarantine key (delete markers left out). */
export function placement(world: World, seeded: Seeded): Placement {
    return {
        original: world.s3.versions(seeded.spec.bucket, seeded.spec.key).filter(v => !v.deleteMarker),
        quarantine: world.s3.versions(seeded.spec.bucket, quarantineKeyOf(seeded)),
    };
}

/** The copy is the same object: bytes, metadata, content type, tags, storage class, KMS key. */
export function assertSameObject(copy: StoredVersion, seeded: Seeded, original: StoredVersion): void {
    assert.deepEqual(copy.body, seeded.body);
    assert.deepEqual(copy.metadata, original.metadata);
    assert.equal(copy.contentType, original.contentType);
    assert.deepEqual(copy.tags, original.tags);
    assert.equal(copy.storageClass, original.storageClass);
    assert.equal(copy.serverSideEncryption, original.serverSideEncryption);
    assert.equal(copy.sseKmsKeyId, original.sseKmsKeyId);
    assert.equal(copy.websiteRedirectLocation, original.websiteRedirectLocation);
}

/** Quarantined: the exact original version is gone and exactly one verified copy holds it. */
export function assertQuarantined(world: World, seeded: Seeded): StoredVersion {
    const { original, quarantine } = placement(world, seeded);
    assert.equal(
        original.some(v => v.versionId === seeded.spec.versionId),
        false,
        "original version deleted",
    );
    assert.equal(world.s3.current(seeded.spec.bucket, seeded.spec.key), undefined, "the key serves nothing (delete marker)");
    assert.equal(quarantine.length, 1, "exactly one quarantine copy");
    const record = world.record(seeded.spec.findingId, seeded.spec.versionId);
    assert.equal(record?.state && "S" in record.state ? record.state.S : undefined, "QUARANTINED");
    assert.deepEqual(record?.quarantineVersionId, { S: quarantine[0].versionId });
    return quarantine[0];
}

/** Untouched: the original version is in place and nothing was copied. */
export function assertUntouched(world: World, seeded: Seeded): void {
    const { original, quarantine } = placement(world, seeded);
    assert.deepEqual(
        original.map(v => v.versionId),
        [seeded.spec.versionId],
    );
    assert.deepEqual(original[0].body, seeded.body);
    assert.equal(quarantine.length, 0);
}

export function stateOf(world: World, seeded: Seeded): string | undefined {
    const state = world.record(seeded.spec.findingId, seeded.spec.versionId)?.state;
    return state && "S" in state ? state.S : undefined;
}

export function releaseInput(seeded: Seeded, requestId = "5b7e2c1a-0f43-4a4e-9d55-3c1f4f2a9b10", principal = "alice") {
    return {
        findingId: seeded.spec.findingId,
        versionId: seeded.spec.versionId,
        reason: "false positive: synthetic test data",
        requestId,
        requestedBy: {
            principalArn: `arn:aws:sts::111111111111:assumed-role/lakewarden-investigator/${principal}`,
            accountId: "111111111111",
            userId: `AROAEXAMPLE:${principal}`,
        },
    };
}
