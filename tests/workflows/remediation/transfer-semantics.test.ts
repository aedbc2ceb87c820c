/**
 * What AWS really does to versioned, replicated, locked and large objects, end to end through both
 * workflows (local executor, real handlers, fake S3 with S3's semantics). Each test failed before
 * the s3-transfer building block: the previous version became current, replicas and locks were not
 * looked at, large objects were verified by reading them whole in one call.
 */
import assert from "node:assert/strict";
import type { FaultInjector } from "../../../support/remediation/local-runtime";
import { QuarantineStates } from "../../../workflows/quarantine";
import { assertQuarantined, placement, quarantineKeyOf, releaseInput, seed, stateOf } from "../../../support/remediation/scenario";
import { useRemediationEnvironment } from "../../../support/remediation/remediation-environment";
import { bucketName, createWorld, type World } from "../../../support/remediation/world";

/** 5 GiB scaled to 64 bytes: the seeded objects (60-300 bytes) take the multipart path. */
const SCALED = { maxSingleCopyBytes: 64, minPartBytes: 16, maxParts: 10_000, maxBytesPerInvocation: 48 };

describe("remediation transfer semantics (local executor)", () => {
    useRemediationEnvironment();
    let world: World;
    afterEach(() => world.dispose());

    it("hides a versioned key with a delete marker: the older, never-scanned version does not become current; release serves the content again", async () => {
        world = await createWorld();
        const older = seed(world, 5, { severity: "Low" });
        const finding = seed(world, 5, { severity: "High", key: older.spec.key, findingId: "f-current" });
        const { bucket, key } = finding.spec;

        assert.equal((await world.quarantine.run(finding.event)).status, "SUCCEEDED");
        assertQuarantined(world, finding);
        assert.equal(world.s3.current(bucket, key), undefined, "the key serves nothing");
        assert.ok(
            world.s3.versions(bucket, key).some(v => v.versionId === older.spec.versionId),
            "the older version is kept, non-current",
        );

        assert.equal((await world.release.run(releaseInput(finding))).status, "SUCCEEDED");
        assert.deepEqual(world.s3.current(bucket, key)?.body, finding.body, "the released content is current again");
        assert.equal(placement(world, finding).quarantine.length, 0);
    });

    it("contains only the flagged version when the key was overwritten after the finding; the release then refuses to replace the newer content", async () => {
        world = await createWorld();
        const finding = seed(world, 2, { severity: "High" });
        const newer = world.s3.putObject(finding.spec.bucket, finding.spec.key, Buffer.from("written after the finding"));

        assert.equal((await world.quarantine.run(finding.event)).status, "SUCCEEDED");
        assert.equal(stateOf(world, finding), "QUARANTINED");
        const { original, quarantine } = placement(world, finding);
        assert.deepEqual(
            original.map(v => v.versionId),
            [newer],
            "only the flagged version removed, no delete marker",
        );
        assert.equal(quarantine.length, 1);
        assert.equal(world.s3.current(finding.spec.bucket, finding.spec.key)?.versionId, newer, "the newer version keeps serving");

        const outcome = await world.release.run(releaseInput(finding));
        assert.equal(outcome.status === "FAILED" && outcome.error, "TargetKeyOccupied");
        assert.equal(placement(world, finding).quarantine.length, 1, "the quarantine copy stays");
        assert.equal(stateOf(world, finding), "QUARANTINED");
    });

    for (const [what, configure] of [
        [
            "a replication rule covers the key",
            (w: World, bucket: string) =>
                w.s3.configureBucket(bucket, {
                    replication: [
                        {
                            ID: "dr",
                            Status: "Enabled",
                            Priority: 1,
                            Filter: { Prefix: "" },
                            Destination: { Bucket: "arn:aws:s3:::dr" },
                            DeleteMarkerReplication: { Status: "Enabled" },
                        },
                    ],
                }),
        ],
        [
            "the bucket has an Object Lock default retention",
            (w: World, bucket: string) => w.s3.configureBucket(bucket, { objectLock: { defaultRetention: { Mode: "COMPLIANCE", Days: 365 } } }),
        ],
    ] as const) {
        it(`BLOCKS, visibly and without moving anything, when ${what}`, async () => {
            world = await createWorld();
            const finding = seed(world, 0, { severity: "High" });
            configure(world, finding.spec.bucket);
            const before = JSON.stringify(world.s3.listVersions(finding.spec.bucket).map(({ key, version }) => [key, version.versionId]));

            assert.equal((await world.quarantine.run(finding.event)).status, "SUCCEEDED");
            assert.equal(stateOf(world, finding), "BLOCKED");
            assert.equal(
                JSON.stringify(world.s3.listVersions(finding.spec.bucket).map(({ key, version }) => [key, version.versionId])),
                before,
                "nothing copied or deleted",
            );
            const notice = world.notifications.at(-1);
            assert.equal(notice?.kind, "FINDING");
            assert.match(notice?.kind === "FINDING" ? notice.reasons.join(" ") : "", /replication rule dr|default retention/);
            // A re-run does not notify twice.
            assert.equal((await world.quarantine.run(finding.event)).status, "SUCCEEDED");
            assert.equal(world.notifications.length, 1);
        });
    }

    it("BLOCKS a version under legal hold", async () => {
        world = await createWorld();
        const finding = seed(world, 1, { severity: "High" });
        world.s3.configureBucket(finding.spec.bucket, { objectLock: {} });
        world.s3.lockVersion(finding.spec.bucket, finding.spec.key, finding.spec.versionId, { legalHold: true });
        assert.equal((await world.quarantine.run(finding.event)).status, "SUCCEEDED");
        assert.equal(stateOf(world, finding), "BLOCKED");
        assert.equal(placement(world, finding).original.length, 1);
    });

    it("moves objects over the (scaled) single-copy limit in bounded iterations, both ways, leaving no open upload", async () => {
        world = await createWorld({ limits: SCALED });
        // One per upload style (composite SHA-256, none/KMS, CRC64NVME, full SHA-256, none/SSE-S3, composite CRC32).
        for (const index of [1, 3, 4, 6, 8, 11]) {
            const finding = seed(world, index, { severity: "High" });
            assert.ok(finding.body.length > SCALED.maxSingleCopyBytes);
            assert.equal((await world.quarantine.run(finding.event)).status, "SUCCEEDED");
            const copy = assertQuarantined(world, finding);
            assert.deepEqual(copy.body, finding.body);
            assert.equal((await world.release.run(releaseInput(finding))).status, "SUCCEEDED");
            assert.deepEqual(world.s3.current(finding.spec.bucket, finding.spec.key)?.body, finding.body);
        }
        assert.equal(world.s3.openUploads(), 0);
    });

    it("aborts the multipart upload when the copy fails for good after some iterations", async () => {
        world = await createWorld({ limits: SCALED });
        const finding = seed(world, 4, { severity: "High" });
        let calls = 0;
        // The first bounded call succeeds (upload open, parts copied), every later one fails.
        const failAfterFirst: FaultInjector = { next: state => (state === QuarantineStates.CopyToQuarantine && ++calls > 1 ? "outage" : undefined) };

        const outcome = await world.quarantine.run(finding.event, failAfterFirst);

        assert.equal(outcome.status, "FAILED");
        assert.equal(world.s3.openUploads(), 0, "AbortCopy ran on the failure path");
        assert.equal(world.s3.versions(bucketName(finding.spec.accountId), quarantineKeyOf(finding)).length, 0);
        assert.equal(stateOf(world, finding), "RECORDED", "a re-run starts over cleanly");
        assert.equal((await world.quarantine.run(finding.event)).status, "SUCCEEDED");
        assertQuarantined(world, finding);
    });
});
