import assert from "node:assert/strict";
import { QuarantineStates } from "../../../workflows/quarantine";
import { taskStates } from "../../../workflows/asl";
import { faultOnceAt as faultAt } from "../../../support/remediation/local-runtime";
import {
    assertQuarantined,
    assertSameObject,
    assertUntouched,
    placement,
    quarantineKeyOf,
    releaseInput,
    seed,
    stateOf,
} from "../../../support/remediation/scenario";
import { useRemediationEnvironment } from "../../../support/remediation/remediation-environment";
import { createWorld, type World } from "../../../support/remediation/world";

describe("quarantine workflow (local executor)", () => {
    useRemediationEnvironment();
    let world: World;
    afterEach(() => world.dispose());

    it("quarantines a high-severity object: exact copy under quarantine/, exact version deleted, tracked, notified", async () => {
        world = await createWorld();
        // One finding per upload style: full SHA-256, composite SHA-256, none (SSE-S3), none (SSE-KMS, IA),
        // CRC64NVME, composite CRC32: S3's own checksums compare like with like; only checksum-less KMS objects are read.
        const methods = ["checksum", "checksum", "etag-md5", "streamed-crc32", "checksum", "checksum"];
        for (const index of [0, 1, 2, 3, 4, 5]) {
            const finding = seed(world, index, { severity: "High" });
            const original = placement(world, finding).original[0];

            const outcome = await world.quarantine.run(finding.event);

            assert.equal(outcome.status, "SUCCEEDED");
            const copy = assertQuarantined(world, finding);
            assertSameObject(copy, finding, original);
            const record = world.record(finding.spec.findingId, finding.spec.versionId);
            assert.deepEqual(record?.quarantineKey, { S: quarantineKeyOf(finding) });
            assert.deepEqual(record?.checksum, { S: `${copy.checksum?.algorithm}:${copy.checksum?.type}:${copy.checksum?.value}` });
            assert.deepEqual(record?.size, { N: String(finding.body.length) });
            assert.deepEqual(record?.notified, { BOOL: true });
            assert.deepEqual(record?.verifyMethod, { S: methods[index] }, "cheapest conclusive verification");
        }
        assert.deepEqual(
            world.notifications.map(n => n.kind),
            ["QUARANTINED", "QUARANTINED", "QUARANTINED", "QUARANTINED", "QUARANTINED", "QUARANTINED"],
        );
    });

    it("quarantines a low-severity object that is public, by object ACL or by bucket policy", async () => {
        world = await createWorld();
        const publicObject = seed(world, 1, { severity: "Low", objectPublic: true });
        const publicBucket = seed(world, 2, { severity: "Medium", bucketPermission: "PUBLIC" });

        for (const finding of [publicObject, publicBucket]) {
            assert.equal((await world.quarantine.run(finding.event)).status, "SUCCEEDED");
            assertQuarantined(world, finding);
        }
        const reasons = world.notifications.map(n => (n.kind === "QUARANTINED" ? n.reasons : []));
        assert.deepEqual(reasons, [["object is publicly accessible"], ["object is publicly accessible"]]);
    });

    for (const severity of ["Low", "Medium"] as const) {
        it(`only notifies for a ${severity.toLowerCase()}-severity private object: no record, object untouched`, async () => {
            world = await createWorld();
            const finding = seed(world, 3, { severity });

            const outcome = await world.quarantine.run(finding.event);

            assert.equal(outcome.status, "SUCCEEDED");
            assertUntouched(world, finding);
            assert.equal(world.record(finding.spec.findingId, finding.spec.versionId), undefined);
            assert.deepEqual(
                world.notifications.map(n => n.kind),
                ["FINDING"],
            );
            assert.equal(world.s3.requests.length, 0, "no S3 request at all");
        });
    }

    it("never deletes when the copy fails: original in place, record RECORDED with the error, failure reported", async () => {
        world = await createWorld({
            override: {
                quarantine: real => async payload => {
                    if ((payload as { action: string }).action === "copy") {
                        throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
                    }
                    return real(payload);
                },
            },
        });
        const finding = seed(world, 4);

        const outcome = await world.quarantine.run(finding.event);

        assert.deepEqual(outcome, { status: "FAILED", error: "AccessDenied", cause: "Access Denied" });
        assertUntouched(world, finding);
        assert.equal(stateOf(world, finding), "RECORDED");
        const record = world.record(finding.spec.findingId, finding.spec.versionId);
        assert.deepEqual(record?.lastError, { S: "AccessDenied" });
        assert.deepEqual(record?.failureCount, { N: "1" });
        assert.equal(world.s3.requests.filter(r => r.action === "s3:DeleteObjectVersion").length, 0);
        assert.deepEqual(
            world.notifications.map(n => n.kind),
            ["FAILED"],
        );
    });

    it("never deletes when the copy does not verify (content changed under the quarantine key)", async () => {
        world = await createWorld({
            override: {
                quarantine: real => async payload => {
                    const result = await real(payload);
                    if ((payload as { action: string }).action === "copy") {
                        // Corrupt the copy behind the workflow's back.
                        const copy = world.s3.versions(finding.spec.bucket, quarantineKeyOf(finding))[0];
                        copy.body = Buffer.concat([copy.body, Buffer.from("x")]);
                    }
                    return result;
                },
            },
        });
        const finding = seed(world, 5);

        const outcome = await world.quarantine.run(finding.event);

        assert.equal(outcome.status, "FAILED");
        assert.equal(outcome.status === "FAILED" && outcome.error, "CopyVerificationFailed");
        assert.deepEqual(
            placement(world, finding).original.map(v => v.versionId),
            [finding.spec.versionId],
        );
        assert.equal(stateOf(world, finding), "COPIED");
    });

    const happyPathTasks = [
        QuarantineStates.RecordFinding,
        QuarantineStates.CopyToQuarantine,
        QuarantineStates.MarkCopied,
        QuarantineStates.VerifyQuarantineCopy,
        QuarantineStates.MarkVerified,
        QuarantineStates.DeleteOriginalVersion,
        QuarantineStates.MarkQuarantined,
        QuarantineStates.NotifyQuarantined,
        QuarantineStates.MarkNotified,
    ];
    for (const task of happyPathTasks) {
        for (const fault of ["crash-before", "crash-after"] as const) {
            it(`completes on re-run after a ${fault} at ${task}: one copy, original version gone, nothing lost`, async () => {
                world = await createWorld();
                const finding = seed(world, 6);

                const first = await world.quarantine.run(finding.event, faultAt(task, fault));
                assert.deepEqual(first, { status: "CRASHED", state: task });
                const afterCrash = placement(world, finding);
                assert.ok(afterCrash.quarantine.length <= 1, "never two copies");
                const originalInPlace = afterCrash.original.some(v => v.versionId === finding.spec.versionId);
                assert.ok(originalInPlace || afterCrash.quarantine.length === 1, "the object is somewhere");

                const second = await world.quarantine.run(finding.event);

                assert.equal(second.status, "SUCCEEDED");
                const copy = assertQuarantined(world, finding);
                assert.deepEqual(copy.body, finding.body);
                assert.ok(world.notifications.filter(n => n.kind === "QUARANTINED").length >= 1);
            });
        }
    }

    it("absorbs a transient fault or a lost response at every task through Retry", async () => {
        world = await createWorld();
        const tasks = taskStates(world.quarantine.definition).map(([name]) => name);
        for (const [index, task] of tasks.entries()) {
            for (const fault of ["transient-before", "transient-after"] as const) {
                const finding = seed(world, 100 + index * 2 + (fault === "transient-after" ? 1 : 0));
                const outcome = await world.quarantine.run(finding.event, faultAt(task, fault));
                assert.equal(outcome.status, "SUCCEEDED", `${fault} at ${task}`);
                assertQuarantined(world, finding);
            }
        }
    });

    it("a re-run of a finished quarantine changes nothing and does not notify again", async () => {
        world = await createWorld();
        const finding = seed(world, 7);
        await world.quarantine.run(finding.event);
        const before = JSON.stringify(world.s3.listVersions(finding.spec.bucket));
        const writes = world.table.writes.length;

        const again = await world.quarantine.run(finding.event);

        assert.equal(again.status, "SUCCEEDED");
        assert.equal(JSON.stringify(world.s3.listVersions(finding.spec.bucket)), before);
        assert.equal(world.notifications.length, 1);
        assert.equal(world.table.writes.length, writes + 1, "only the record read-back (lastSeenAt) is written");
    });

    it("two concurrent executions of the same event make one copy (conditional write) and one consistent record", async () => {
        world = await createWorld();
        const finding = seed(world, 8);

        const outcomes = await Promise.all([world.quarantine.run(finding.event), world.quarantine.run(finding.event)]);

        assert.ok(outcomes.some(o => o.status === "SUCCEEDED"));
        assertQuarantined(world, finding);
        const rerun = await world.quarantine.run(finding.event);
        assert.equal(rerun.status, "SUCCEEDED");
        assertQuarantined(world, finding);
    });

    it("records SOURCE_MISSING when the version was deleted before the run, and does not copy", async () => {
        world = await createWorld();
        const finding = seed(world, 9);
        world.s3.removeVersion(finding.spec.bucket, finding.spec.key, finding.spec.versionId);

        const outcome = await world.quarantine.run(finding.event);

        assert.equal(outcome.status, "SUCCEEDED");
        assert.equal(stateOf(world, finding), "SOURCE_MISSING");
        assert.equal(placement(world, finding).quarantine.length, 0);
        assert.deepEqual(
            world.notifications.map(n => n.kind),
            ["SOURCE_MISSING"],
        );
    });

    it("leaves a released object alone when its finding is processed again", async () => {
        world = await createWorld();
        const finding = seed(world, 10);
        await world.quarantine.run(finding.event);
        assert.equal((await world.release.run(releaseInput(finding))).status, "SUCCEEDED");
        const before = JSON.stringify(world.s3.listVersions(finding.spec.bucket));

        const again = await world.quarantine.run(finding.event);

        assert.equal(again.status, "SUCCEEDED");
        assert.equal(JSON.stringify(world.s3.listVersions(finding.spec.bucket)), before);
        assert.equal(stateOf(world, finding), "RELEASED");
    });
});
