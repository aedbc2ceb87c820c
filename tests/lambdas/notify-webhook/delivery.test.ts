import { mock } from "node:test";
import assert from "node:assert/strict";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { notifyHandler as handler, notify } from "../../workflows/remediation/handlers";
import { useRemediationEnvironment } from "../../workflows/remediation/remediation-environment";
import type { Notification } from "../../../lambdas/notify-webhook/input";
import { WebhookSource } from "../../../lambdas/notify-webhook/webhook-secret";

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:lakewarden/webhook-AbCdEf";
const TEAMS = { kind: "teams", url: "https://contoso.webhook.office.com/webhookb2/secret-token" };

const finding: Notification = {
    kind: "FINDING",
    subject: {
        findingId: "f1",
        findingType: "SensitiveData:S3Object/Personal",
        severity: "Low",
        publicStatus: "NOT_PUBLIC",
        bucketOwner: "data-team",
        accountId: "222222222222",
        region: "eu-west-1",
        partition: "aws",
        bucket: "data-a",
        key: "a.csv",
        versionId: "v1",
    },
    reasons: ["severity Low is below the threshold High and the object is not public"],
};

describe("notify-webhook secret and delivery", () => {
    useRemediationEnvironment();
    // Created per test: other suites mock the same client class and restore it.
    let secrets: ReturnType<typeof mockClient>;
    beforeEach(() => {
        secrets = mockClient(SecretsManagerClient);
    });
    afterEach(() => secrets.restore());

    function posting(status = 202) {
        const posts: { url: string; body: unknown }[] = [];
        return {
            posts,
            fetch: async (url: string, init: { body: string }) => {
                posts.push({ url, body: JSON.parse(init.body) });
                return { ok: status < 300, status };
            },
        };
    }

    it("reads the webhook from Secrets Manager once per five minutes", async () => {
        secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify(TEAMS) });
        // Powertools' cache reads Date.now(): move the clock, not the code.
        mock.timers.enable({ apis: ["Date"], now: 0 });
        try {
            const source = new WebhookSource(new SecretsManagerClient({}), SECRET_ARN);
            assert.deepEqual(await source.get(), TEAMS);
            mock.timers.tick(4 * 60_000);
            await source.get();
            assert.equal(secrets.commandCalls(GetSecretValueCommand).length, 1);
            mock.timers.tick(2 * 60_000);
            await source.get();
            assert.equal(secrets.commandCalls(GetSecretValueCommand).length, 2);
        } finally {
            mock.timers.reset();
        }
    });

    for (const [title, secret, expected] of [
        ["not JSON", "https://hooks.slack.com/services/x", /not JSON/],
        ["a host that is not the chat service", JSON.stringify({ kind: "slack", url: "https://exfil.example/hook" }), /not a slack webhook host/],
        ["plain http", JSON.stringify({ kind: "teams", url: "http://contoso.webhook.office.com/x" }), /url/],
        ["an unknown kind", JSON.stringify({ kind: "email", url: "https://hooks.slack.com/x" }), /kind/],
    ] as const) {
        it(`refuses a webhook secret that is ${title}, without echoing it`, async () => {
            secrets.on(GetSecretValueCommand).resolves({ SecretString: secret });
            const source = new WebhookSource(new SecretsManagerClient({}), SECRET_ARN);
            await assert.rejects(source.get(), (error: Error) => {
                assert.equal(error.name, "WebhookSecretInvalid");
                assert.match(error.message, expected);
                assert.ok(!error.message.includes("exfil.example") && !error.message.includes("services/x"));
                return true;
            });
        });
    }

    it("posts the rendered message to the webhook from the secret", async () => {
        secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ kind: "slack", url: "https://hooks.slack.com/services/T/B/X" }) });
        const { posts, fetch } = posting(200);
        const result = await notify(finding, { webhooks: new WebhookSource(new SecretsManagerClient({}), SECRET_ARN), fetch });
        assert.deepEqual(result, { delivered: true, kind: "FINDING" });
        assert.equal(posts[0].url, "https://hooks.slack.com/services/T/B/X");
        assert.ok(Array.isArray((posts[0].body as { blocks: unknown[] }).blocks));
    });

    it("tells the workflow whether a retry can help: 5xx/429 retryable, 4xx not, and a bad payload not", async () => {
        secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(TEAMS) });
        const webhooks = new WebhookSource(new SecretsManagerClient({}), SECRET_ARN);
        await assert.rejects(notify(finding, { webhooks, fetch: posting(503).fetch }), { name: "WebhookUnavailable" });
        await assert.rejects(notify(finding, { webhooks, fetch: posting(429).fetch }), { name: "WebhookUnavailable" });
        await assert.rejects(notify(finding, { webhooks, fetch: posting(400).fetch }), (error: Error) => {
            assert.equal(error.name, "WebhookRejected");
            assert.ok(!error.message.includes("secret-token"), "the URL is a credential");
            return true;
        });
        const unreachable = async () => {
            throw Object.assign(new Error("connect ECONNREFUSED"), { name: "TypeError" });
        };
        await assert.rejects(notify(finding, { webhooks, fetch: unreachable }), { name: "WebhookUnavailable" });
        await assert.rejects(notify({ kind: "FINDING" }, { webhooks, fetch: posting().fetch }), { name: "InvalidNotification" });
    });

    it("handler takes the secret from WEBHOOK_SECRET_ARN", async () => {
        secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify(TEAMS) });
        const originalFetch = globalThis.fetch;
        const { posts, fetch } = posting();
        globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
        process.env.WEBHOOK_SECRET_ARN = SECRET_ARN;
        try {
            assert.deepEqual(await handler(finding), { delivered: true, kind: "FINDING" });
        } finally {
            globalThis.fetch = originalFetch;
            delete process.env.WEBHOOK_SECRET_ARN;
        }
        assert.equal(posts[0].url, TEAMS.url);
        assert.deepEqual(secrets.commandCalls(GetSecretValueCommand)[0].args[0].input, { SecretId: SECRET_ARN });
    });
});
