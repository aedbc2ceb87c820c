import assert from "node:assert/strict";
import { quarantineHandler as handler, quarantineKey } from "../../../support/remediation/handlers";
import { QUARANTINE_ROLE_NAME, useRemediationEnvironment } from "../../../support/remediation/remediation-environment";
import { fakeMemberAccount, type InstalledFakes } from "../../../support/remediation/fake-aws";
import type { FakeS3 } from "../../../support/remediation/fake-s3";
import type { FakeSts } from "../../../support/remediation/fake-sts";

const ACCOUNT = "333333333333";
const BUCKET = "data-handler";

describe("quarantine-object handler", () => {
    useRemediationEnvironment();
    let s3: FakeS3;
    let sts: FakeSts;
    let installed: InstalledFakes;
    beforeEach(() => {
        ({ s3, sts, installed } = fakeMemberAccount("quarantine", ACCOUNT, BUCKET, QUARANTINE_ROLE_NAME));
    });
    afterEach(() => installed.restore());

    const object = (key: string, versionId: string) => ({ accountId: ACCOUNT, region: "eu-west-1", partition: "aws", bucket: BUCKET, key, versionId });

    it("copies through the member role with a session policy naming the exact two objects", async () => {
        const versionId = s3.putObject(BUCKET, "in/a b+c.csv", Buffer.from("content"));

        const result = await handler({ action: "copy", findingId: "f1", quarantinePrefix: "quarantine/", object: object("in/a b+c.csv", versionId) });

        assert.equal((result as { outcome: string }).outcome, "COPIED");
        const [assumed] = sts.assumed;
        assert.equal(assumed.RoleArn, `arn:aws:iam::${ACCOUNT}:role/${QUARANTINE_ROLE_NAME}`);
        assert.equal(assumed.RoleSessionName, "lakewarden-quarantine-copy-f1");
        const resources = (JSON.parse(assumed.Policy ?? "{}") as { Statement: { Resource: string }[] }).Statement.map(s => s.Resource);
        assert.ok(resources.includes(`arn:aws:s3:::${BUCKET}/in/a b+c.csv`));
        assert.ok(resources.includes(`arn:aws:s3:::${BUCKET}/quarantine/${versionId}/in/a b+c.csv`));
        assert.equal(s3.versions(BUCKET, `quarantine/${versionId}/in/a b+c.csv`).length, 1);
    });

    it("accepts a pre-2018 us-east-1 bucket name (uppercase, underscores, dots) and transfers from it", async () => {
        const legacy = "Legacy_Exports.2017";
        installed.restore();
        ({ s3, sts, installed } = fakeMemberAccount("quarantine", ACCOUNT, legacy, QUARANTINE_ROLE_NAME));
        const versionId = s3.putObject(legacy, "a.csv", Buffer.from("content"));
        const result = await handler({
            action: "copy",
            findingId: "f1",
            quarantinePrefix: "quarantine/",
            object: { ...object("a.csv", versionId), bucket: legacy },
        });
        assert.equal((result as { outcome: string }).outcome, "COPIED");
        assert.equal(s3.versions(legacy, `quarantine/${versionId}/a.csv`).length, 1);
    });

    it("rejects payloads the workflow would never send, as InvalidTransferRequest", async () => {
        const valid = { action: "copy", findingId: "f1", quarantinePrefix: "quarantine/", object: object("k", "v1") };
        for (const payload of [
            { ...valid, action: "move" },
            { ...valid, object: { ...valid.object, versionId: "null" } },
            { ...valid, object: { ...valid.object, accountId: "12" } },
            { ...valid, quarantinePrefix: "/" },
            { ...valid, extra: true },
            { action: "deleteOriginal", findingId: "f1", object: valid.object, quarantine: { key: "q", versionId: "v" } },
        ]) {
            await assert.rejects(handler(payload), { name: "InvalidTransferRequest" }, JSON.stringify(payload));
        }
        assert.equal(sts.assumed.length, 0, "nothing assumed for a bad request");
    });

    it("refuses a quarantine key longer than S3 allows (1,024 bytes)", () => {
        assert.equal(quarantineKey("quarantine/", "v1", "k".repeat(1010)).length, 1024);
        assert.throws(() => quarantineKey("quarantine/", "v1", "k".repeat(1011)), { name: "InvalidTransferRequest" });
        assert.equal(quarantineKey("quarantine/", "v1", "a/b"), "quarantine/v1/a/b");
    });

    it("cannot act in an account whose member role does not trust it", async () => {
        const foreign = { ...object("k", "v1"), accountId: "444444444444" };
        await assert.rejects(handler({ action: "verify", findingId: "f1", object: foreign, quarantine: { key: "quarantine/v1/k", versionId: "q1" } }), {
            name: "AccessDenied",
        });
    });
});
