import assert from "node:assert/strict";
import { mockClient } from "aws-sdk-client-mock";
import { memberS3Client } from "../../../lambdas/quarantine-object/member-session";
import { sessionPolicy } from "../../../lambdas/quarantine-object/session-policy";
import { providerSts } from "../../../support/provider-sts";

describe("quarantine-object member session", () => {
    let sts: ReturnType<typeof mockClient>;
    before(() => {
        sts = mockClient(providerSts.STSClient);
    });
    after(() => sts.restore());
    beforeEach(() => sts.reset());

    const request = {
        stsRegion: "eu-central-1",
        roleName: "lakewarden-quarantine",
        sessionName: "lakewarden-quarantine-copy-f1",
        partition: "aws",
        region: "eu-west-1",
        accountId: "333333333333",
        bucket: "data-member",
        bucketActions: [],
        grants: [{ actions: ["s3:GetObjectVersion"], bucket: "data-member", key: "in/a.csv", widenTo: "" }],
    };
    const issued = (id: string, lifetimeMs: number) => ({
        Credentials: { AccessKeyId: id, SecretAccessKey: "secret", SessionToken: `token-${id}`, Expiration: new Date(Date.now() + lifetimeMs) },
    });

    it("assumes the member role with the step's session policy through the Lambda's regional STS endpoint", async () => {
        sts.on(providerSts.AssumeRoleCommand).resolves(issued("ASIAONE", 900_000));
        const s3 = memberS3Client(request);

        assert.equal((await s3.config.credentials()).accessKeyId, "ASIAONE");
        const calls = sts.commandCalls(providerSts.AssumeRoleCommand);
        assert.equal(calls.length, 1);
        const input = calls[0].args[0].input;
        assert.equal(input.RoleArn, "arn:aws:iam::333333333333:role/lakewarden-quarantine");
        assert.equal(input.RoleSessionName, "lakewarden-quarantine-copy-f1");
        assert.equal(input.DurationSeconds, 900);
        assert.equal(input.Policy, sessionPolicy(request));
        const resources = (JSON.parse(input.Policy ?? "{}") as { Statement: { Resource: string }[] }).Statement.map(s => s.Resource);
        assert.ok(resources.includes("arn:aws:s3:::data-member/in/a.csv"), "the session names the step's object");
        assert.equal(await (calls[0].thisValue as { config: { region: () => Promise<string> } }).config.region(), "eu-central-1");
        assert.equal(await s3.config.region(), "eu-west-1");
    });

    it("reuses credentials while fresh and assumes the role again before they expire", async () => {
        // The SDK refreshes an identity that expires within five minutes (EXPIRATION_MS in @smithy/core):
        // the first session has 301 s left, so it is used, and two seconds later it is due for refresh.
        sts.on(providerSts.AssumeRoleCommand)
            .callsFakeOnce(() => issued("ASIAEXPIRING", 301_000))
            .callsFake(() => issued("ASIAFRESH", 900_000));
        const s3 = memberS3Client(request);

        assert.equal((await s3.config.credentials()).accessKeyId, "ASIAEXPIRING");
        assert.equal((await s3.config.credentials()).accessKeyId, "ASIAEXPIRING", "fresh credentials are reused");
        const realNow = Date.now;
        Date.now = () => realNow() + 2_000;
        try {
            assert.equal((await s3.config.credentials()).accessKeyId, "ASIAFRESH");
        } finally {
            Date.now = realNow;
        }
        const calls = sts.commandCalls(providerSts.AssumeRoleCommand);
        assert.equal(calls.length, 2);
        assert.ok(
            calls.every(c => c.args[0].input.Policy === sessionPolicy(request)),
            "every refresh carries the session policy",
        );
    });
});
