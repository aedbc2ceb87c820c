import assert from "node:assert/strict";
import { ReleaseStates } from "../../../workflows/release";
import { faultOnceAt as faultAt } from "../../../support/remediation/local-runtime";
import { assertQuarantined, assertSameObject, placement, releaseInput, seed, stateOf, type Seeded } from "../../../support/remediation/scenario";
import { useRemediationEnvironment } from "../../../support/remediation/remediation-environment";
import { createWorld, type World } from "../../../support/remediation/world";

describe("release workflow (local executor)", () => {
    useRemediationEnvironment();
    let world: World;
    afterEach(() => world.dispose());

    async function quarantined(index: number): Promise<{ finding: Seeded; original: ReturnType<typeof placement>["original"][number] }> {
        const finding = seed(world, index);
        const original = placement(world, finding).original[0];
        assert.equal((await world.quarantine.run(finding.event)).status, "SUCCEEDED");
        assertQuarantined(world, finding);
        return { finding, original };
    }

    it("restores the exact object to its key, removes the quarantine copy and keeps the audit record", async () => {
        world = await createWorld();
        for (const index of [0, 1, 2, 3]) {
            // One per upload style: full checksum, multipart composite, no checksum (SSE-S3 / SSE-KMS, IA class).
            const { finding, original } = await quarantined(index);

            const outcome = await world.release.run(releaseInput(finding));

            assert.equal(outcome.status, "SUCCEEDED");
            const { original: versions, quarantine } = placement(world, finding);
            assert.equal(versions.length, 1, "one restored version");
            assertSameObject(versions[0], finding, original);
            assert.equal(quarantine.length, 0, "quarantine copy removed");
            const record = world.record(finding.spec.findingId, finding.spec.versionId);
            assert.equal(stateOf(world, finding), "RELEASED");
            assert.deepEqual(record?.restoredVersionId, { S: versions[0].versionId });
            assert.deepEqual(record?.releasedBy, { S: "arn:aws:sts::111111111111:assumed-role/lakewarden-investigator/alice" });
            assert.deepEqual(record?.releaseReason, { S: "false positive: synthetic test data" });
            assert.deepEqual(record?.releaseRequestId, { S: "5b7e2c1a-0f43-4a4e-9d55-3c1f4f2a9b10" });
            assert.ok(record?.releasedAt && "S" in record.releasedAt);
        }
        assert.equal(world.notifications.filter(n => n.kind === "RELEASED").length, 4);
    });

    it("releasing twice is a no-op: objects unchanged, first releaser kept, no second notice", async () => {
        world = await createWorld();
        const { finding } = await quarantined(4);
        assert.equal((await world.release.run(releaseInput(finding))).status, "SUCCEEDED");
        const objects = JSON.stringify(world.s3.listVersions(finding.spec.bucket));
        const notices = world.notifications.length;

        const second = await world.release.run(releaseInput(finding, "0d7f3d0e-5b8e-4d43-a6b1-5a54a1d0f0c2", "bob"));

        assert.equal(second.status, "SUCCEEDED");
        assert.equal(JSON.stringify(world.s3.listVersions(finding.spec.bucket)), objects);
        assert.equal(world.notifications.length, notices);
        const record = world.record(finding.spec.findingId, finding.spec.versionId);
        assert.deepEqual(record?.releasedBy, { S: "arn:aws:sts::111111111111:assumed-role/lakewarden-investigator/alice" });
        assert.deepEqual(record?.lastReleaseRequestedBy, { S: "arn:aws:sts::111111111111:assumed-role/lakewarden-investigator/bob" });
    });

    it("refuses to release an unknown finding or an unfinished quarantine, touching nothing", async () => {
        world = await createWorld({
            override: {
                quarantine: real => async payload => {
                    if ((payload as { action: string }).action === "deleteOriginal") {
                        throw Object.assign(new Error("throttled"), { name: "SlowDown" });
                    }
                    return real(payload);
                },
            },
        });
        const unfinished = seed(world, 5);
        assert.equal((await world.quarantine.run(unfinished.event)).status, "FAILED");
        assert.equal(stateOf(world, unfinished), "VERIFIED");
        const objects = JSON.stringify(world.s3.listVersions(unfinished.spec.bucket));

        for (const input of [releaseInput(unfinished), { ...releaseInput(unfinished), findingId: "nosuchfinding" }]) {
            const outcome = await world.release.run(input);
            assert.equal(outcome.status, "FAILED");
            assert.equal(outcome.status === "FAILED" && outcome.error, "DynamoDB.ConditionalCheckFailedException");
        }
        assert.equal(JSON.stringify(world.s3.listVersions(unfinished.spec.bucket)), objects);
        assert.equal(stateOf(world, unfinished), "VERIFIED");
    });

    it("does not overwrite a new object written to the original key since quarantine", async () => {
        world = await createWorld();
        const { finding } = await quarantined(6);
        world.s3.putObject(finding.spec.bucket, finding.spec.key, Buffer.from("sanitised replacement"));

        const outcome = await world.release.run(releaseInput(finding));

        assert.equal(outcome.status === "FAILED" && outcome.error, "TargetKeyOccupied");
        const { original, quarantine } = placement(world, finding);
        assert.deepEqual(
            original.map(v => v.body.toString()),
            ["sanitised replacement"],
        );
        assert.equal(quarantine.length, 1, "quarantine copy kept");
        assert.equal(stateOf(world, finding), "QUARANTINED");
        const record = world.record(finding.spec.findingId, finding.spec.versionId);
        assert.deepEqual(record?.lastError, { S: "TargetKeyOccupied" });
    });

    const releaseTasks = [
        ReleaseStates.RecordReleaseRequest,
        ReleaseStates.RestoreObject,
        ReleaseStates.MarkRestored,
        ReleaseStates.VerifyRestored,
        ReleaseStates.MarkRestoreVerified,
        ReleaseStates.DeleteQuarantineCopy,
        ReleaseStates.MarkReleased,
        ReleaseStates.NotifyReleased,
        ReleaseStates.MarkReleaseNotified,
    ];
    for (const task of releaseTasks) {
        for (const fault of ["crash-before", "crash-after"] as const) {
            it(`completes on re-run after a ${fault} at ${task}: one restored version, copy removed`, async () => {
                world = await createWorld();
                const { finding } = await quarantined(7);

                assert.deepEqual(await world.release.run(releaseInput(finding), faultAt(task, fault)), { status: "CRASHED", state: task });
                const afterCrash = placement(world, finding);
                assert.ok(afterCrash.original.length <= 1 && afterCrash.quarantine.length <= 1);
                assert.ok(afterCrash.original.length + afterCrash.quarantine.length >= 1, "the object is somewhere");

                assert.equal((await world.release.run(releaseInput(finding))).status, "SUCCEEDED");
                const { original, quarantine } = placement(world, finding);
                assert.equal(original.length, 1);
                assert.deepEqual(original[0].body, finding.body);
                assert.equal(quarantine.length, 0);
                assert.equal(stateOf(world, finding), "RELEASED");
            });
        }
    }
});
