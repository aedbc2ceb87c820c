import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { releaseHandler as handler } from "../../../support/remediation/handlers";
import { RELEASE_ROLE_NAME, useRemediationEnvironment } from "../../../support/remediation/remediation-environment";
import { fakeMemberAccount, type InstalledFakes } from "../../../support/remediation/fake-aws";
import type { FakeS3 } from "../../../support/remediation/fake-s3";
import type { FakeSts } from "../../../support/remediation/fake-sts";

const ACCOUNT = "222222222222";
const BUCKET = "data-release";
const location = { accountId: ACCOUNT, region: "eu-west-1", partition: "aws", bucket: BUCKET, key: "in/a.csv" };
const content = Buffer.from("customer,iban\n1,DE00\n");
const checksum = createHash("sha256").update(content).digest("base64");

describe("release-object handler", () => {
    useRemediationEnvironment();
    let s3: FakeS3;
    let sts: FakeSts;
    let installed: InstalledFakes;
    let quarantine: { key: string; versionId: string };
    beforeEach(() => {
        ({ s3, sts, installed } = fakeMemberAccount("release", ACCOUNT, BUCKET, RELEASE_ROLE_NAME));
        const key = "quarantine/v0/in/a.csv";
        quarantine = { key, versionId: s3.putObject(BUCKET, key, content, { checksum: "full" }) };
    });
    afterEach(() => installed.restore());

    const restore = () =>
        handler({
            action: "restore",
            findingId: "f1",
            object: location,
            quarantine,
            expected: { size: String(content.length), checksum: `SHA256:FULL_OBJECT:${checksum}` },
        });

    it("restores the quarantine copy to the original key through the release role", async () => {
        const result = (await restore()) as { outcome: string; restoredVersionId: string };
        assert.equal(result.outcome, "RESTORED");
        assert.deepEqual(
            s3.versions(BUCKET, "in/a.csv").map(v => [v.versionId, v.body.toString()]),
            [[result.restoredVersionId, content.toString()]],
        );
        assert.equal(sts.assumed[0].RoleArn, `arn:aws:iam::${ACCOUNT}:role/${RELEASE_ROLE_NAME}`);
    });

    it("accepts a vanished quarantine copy only when the original key already holds its content", async () => {
        const first = (await restore()) as { restoredVersionId: string };
        s3.removeVersion(BUCKET, quarantine.key, quarantine.versionId);

        assert.deepEqual(await restore(), { outcome: "ALREADY_RESTORED", restoredVersionId: first.restoredVersionId });

        s3.putObject(BUCKET, "in/a.csv", Buffer.from("new content"));
        await assert.rejects(restore(), { name: "ObjectVersionMissing" });
    });

    it("never writes into the quarantine prefix, even if asked to restore there", async () => {
        await assert.rejects(
            handler({
                action: "restore",
                findingId: "f1",
                object: { ...location, key: "quarantine/elsewhere.csv" },
                quarantine,
                expected: { size: content.length, checksum: `SHA256:FULL_OBJECT:${checksum}` },
            }),
            { name: "AccessDenied" },
        );
        assert.equal(s3.versions(BUCKET, "quarantine/elsewhere.csv").length, 0);
    });

    it("validates the payload strictly", async () => {
        await assert.rejects(handler({ action: "restore", findingId: "f1", object: location, quarantine }), { name: "InvalidTransferRequest" });
        await assert.rejects(
            handler({ action: "deleteQuarantineCopy", findingId: "f1", object: location, quarantine, expected: { size: -1, checksum: "x" } }),
            { name: "InvalidTransferRequest" },
        );
    });
});
