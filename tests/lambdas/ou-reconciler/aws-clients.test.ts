import assert from "node:assert/strict";
import { createClients, lakeFormationPort, organizationsReader } from "../../../lambdas/ou-reconciler/aws";
import { FakeAws } from "../../../support/ou-reconciler/fake-aws";
import { FINDINGS } from "../../../support/ou-reconciler/helpers";

/** A transport that answers each HTTP request with the next canned response and records what it was sent. */
function scriptedTransport(responses: { status: number; headers?: Record<string, string>; body: unknown }[]) {
    const requests: { path: string; attempt: string | undefined }[] = [];
    return {
        requests,
        handler: {
            handle: async (request: { path: string; headers: Record<string, string> }) => {
                requests.push({ path: request.path, attempt: request.headers["amz-sdk-request"] });
                const next = responses.shift();
                if (next === undefined) throw new Error("no scripted response left");
                return {
                    response: {
                        statusCode: next.status,
                        headers: { "content-type": "application/json", ...next.headers },
                        body: new TextEncoder().encode(JSON.stringify(next.body)),
                    },
                };
            },
        },
    };
}

const credentials = { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" };

describe("ou-reconciler AWS clients", () => {
    it("use adaptive retry", async () => {
        const clients = createClients(undefined, { region: "eu-west-1", credentials });
        for (const client of [clients.organizations, clients.lakeFormation, clients.ssm]) {
            const strategy = await client.config.retryStrategy();
            assert.equal(strategy.constructor.name, "AdaptiveRetryStrategy");
            assert.equal((strategy as { mode?: string }).mode, "adaptive");
            assert.equal(await client.config.maxAttempts(), 8);
        }
    });

    it("retry an Organizations throttle through the real SDK stack, then page on", async () => {
        const throttle = { status: 400, body: { __type: "TooManyRequestsException", Message: "slow down" } };
        // One throttle is enough to show the retry; adaptive backoff makes each further one slower.
        const transport = scriptedTransport([
            throttle,
            { status: 200, body: { Accounts: [{ Id: "100000000001", State: "ACTIVE" }], NextToken: "t1" } },
            { status: 200, body: { Accounts: [{ Id: "100000000002", Status: "ACTIVE" }] } },
        ]);
        const { organizations } = createClients(undefined, { region: "us-east-1", credentials, requestHandler: transport.handler });
        const accounts = await organizationsReader(organizations).accounts("ou-ab12-aaaaaaaa");
        assert.deepEqual(accounts, [
            { id: "100000000001", state: "ACTIVE" },
            { id: "100000000002", state: "ACTIVE" },
        ]);
        assert.deepEqual(
            transport.requests.map(r => r.attempt?.split(";")[0]),
            ["attempt=1", "attempt=2", "attempt=1"],
        );
    });

    it("retry a Lake Formation throttle through the real SDK stack", async () => {
        const transport = scriptedTransport([
            { status: 400, headers: { "x-amzn-errortype": "ThrottlingException" }, body: { message: "Rate exceeded" } },
            { status: 200, body: { DataCellsFilters: [{ TableCatalogId: "222222222222", DatabaseName: "security_lake", TableName: "findings", Name: "f" }] } },
        ]);
        const { lakeFormation } = createClients(undefined, { region: "eu-west-1", credentials, requestHandler: transport.handler });
        const filters = await lakeFormationPort(lakeFormation).listFilters(FINDINGS);
        assert.deepEqual(
            filters.map(f => f.Name),
            ["f"],
        );
        assert.equal(transport.requests.length, 2);
    });

    it("treat a missing parent as gone, not as an error", async () => {
        const transport = scriptedTransport([{ status: 400, body: { __type: "ParentNotFoundException", Message: "no such parent" } }]);
        const { organizations } = createClients(undefined, { region: "us-east-1", credentials, requestHandler: transport.handler });
        assert.equal(await organizationsReader(organizations).childOus("ou-ab12-gone0000"), undefined);
    });

    describe("with the management account's read-only role", () => {
        let fake: FakeAws;
        beforeEach(() => (fake = new FakeAws().install()));
        afterEach(() => fake.restore());

        it("read Organizations with credentials from AssumeRole on that role, once while they are fresh", async () => {
            const role = "arn:aws:iam::111111111111:role/lakewarden-org-read";
            const { organizations, lakeFormation } = createClients(role, { region: "us-east-1" });
            const provider = organizations.config.credentials;
            const first = await provider();
            const second = await provider();
            assert.equal(first.accessKeyId, "ASIAFAKE");
            assert.equal(second, first);
            assert.deepEqual(
                fake.log.filter(c => c.command === "AssumeRole").map(c => c.input),
                [{ RoleArn: role, RoleSessionName: "lakewarden-ou-reconciler" }],
            );
            // Lake Formation keeps the Lambda's own credentials.
            assert.notEqual(lakeFormation.config.credentials, provider);
        });

        it("assume the role again before the session expires (the SDK provider's refresh, not ours)", async () => {
            const role = "arn:aws:iam::111111111111:role/lakewarden-org-read";
            const { organizations } = createClients(role, { region: "us-east-1" });
            await organizations.config.credentials();
            // The fake issues one-hour sessions; the SDK refreshes within five minutes of expiry.
            const realNow = Date.now;
            Date.now = () => realNow() + 56 * 60 * 1000;
            try {
                await organizations.config.credentials();
            } finally {
                Date.now = realNow;
            }
            assert.equal(fake.count("AssumeRole"), 2);
        });
    });
});
