import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Context, SQSEvent } from "aws-lambda";
import { parseSourceChange } from "../../../lambdas/discovery-common/events";
import { StateStore } from "../../../lambdas/discovery-common/state";
import { intakeHandler } from "../../../lambdas/discovery-intake/handler";
import { type LocalStateTable, startStateTable } from "../../../support/discovery/state-table";

const fixture = (name: string) => readFileSync(path.join(__dirname, "..", "..", "fixtures", "aws", "discovery", name), "utf8");
const removal = (event: string, eventName: string, time: string) => {
    const parsed = JSON.parse(event);
    parsed.id = `${parsed.id}-removal`;
    parsed.detail.eventName = eventName;
    parsed.detail.eventTime = time;
    return JSON.stringify(parsed);
};
const sqs = (...bodies: string[]): SQSEvent => ({
    Records: bodies.map((body, i) => ({
        messageId: `m-${i}`,
        receiptHandle: `r-${i}`,
        body,
        attributes: { ApproximateReceiveCount: "1", SentTimestamp: "0", SenderId: "events", ApproximateFirstReceiveTimestamp: "0" },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:eu-west-1:777788889999:lakewarden-dev-discovery-events",
        awsRegion: "eu-west-1",
    })),
});
const context = { functionName: "discovery-intake", awsRequestId: "test", getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe("discovery intake: real CloudTrail events into the state table (dynalite)", () => {
    let dynamo: LocalStateTable;
    let state: StateStore;
    beforeEach(async () => {
        dynamo = await startStateTable();
        state = new StateStore(dynamo.client, dynamo.tableName, () => new Date("2026-12-02T10:00:00Z"));
    });
    afterEach(() => dynamo.close());

    it("reads the source ARN of each documented creation event", () => {
        const bucket = parseSourceChange(JSON.parse(fixture("create-bucket.json")));
        const table = parseSourceChange(JSON.parse(fixture("create-table.json")));
        const cluster = parseSourceChange(JSON.parse(fixture("create-db-cluster.json")));
        assert.deepEqual(bucket.action === "create" && bucket.source, {
            arn: "arn:aws:s3:::bucket-test-iad",
            kind: "s3",
            name: "bucket-test-iad",
            accountId: "123456789012",
            region: "us-east-1",
        });
        assert.equal(table.action === "create" && table.source.arn, "arn:aws:dynamodb:us-west-2:111122223333:table/Music");
        assert.equal(cluster.action === "create" && cluster.source.arn, "arn:aws:rds:us-east-1:123456789012:cluster:orders-cluster");
    });

    it("records each source once, however often its event is delivered", async () => {
        const handler = intakeHandler(state);
        const bodies = [fixture("create-bucket.json"), fixture("create-table.json"), fixture("create-db-cluster.json")];
        const first = await handler(sqs(...bodies), context);
        const again = await handler(sqs(...bodies, bodies[0]), context);
        assert.deepEqual(first.batchItemFailures, []);
        assert.deepEqual(again.batchItemFailures, []);
        const discovered = [];
        for await (const item of state.withStatus("discovered")) discovered.push(item.arn);
        assert.deepEqual(discovered.sort(), [
            "arn:aws:dynamodb:us-west-2:111122223333:table/Music",
            "arn:aws:rds:us-east-1:123456789012:cluster:orders-cluster",
            "arn:aws:s3:::bucket-test-iad",
        ]);
        assert.equal(await state.record(parseSource(bodies[0]), "2016-02-20T01:09:13Z", "event:x"), "duplicate");
    });

    it("retires on removal; a late creation event older than the removal does not resurrect it, a newer one does", async () => {
        const handler = intakeHandler(state);
        const create = fixture("create-bucket.json");
        await handler(sqs(create, removal(create, "DeleteBucket", "2016-03-01T00:00:00Z")), context);
        assert.equal((await state.get("arn:aws:s3:::bucket-test-iad"))?.status, "retired");
        await handler(sqs(create), context);
        assert.equal((await state.get("arn:aws:s3:::bucket-test-iad"))?.status, "retired");
        const recreated = JSON.parse(create);
        recreated.id = "recreated";
        recreated.detail.eventTime = "2016-04-01T00:00:00Z";
        await handler(sqs(JSON.stringify(recreated)), context);
        const item = await state.get("arn:aws:s3:::bucket-test-iad");
        assert.equal(item?.status, "discovered");
        assert.equal(item?.lastEventTime, "2016-04-01T00:00:00Z");
        assert.equal(await state.retire("arn:aws:s3:::bucket-test-iad", "2016-03-15T00:00:00Z", "stale removal"), "unchanged");
    });

    it("reports only the failed messages of a batch (partial batch response), and failed API calls change nothing", async () => {
        const handler = intakeHandler(state);
        const failedCall = JSON.parse(fixture("create-table.json"));
        failedCall.id = "failed-call";
        failedCall.detail.errorCode = "ResourceInUseException";
        failedCall.detail.responseElements = null;
        const out = await handler(
            sqs(fixture("create-bucket.json"), "{not json", JSON.stringify({ "detail-type": "AWS API Call via CloudTrail" }), JSON.stringify(failedCall)),
            context,
        );
        assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: "m-1" }, { itemIdentifier: "m-2" }]);
        assert.equal((await state.get("arn:aws:s3:::bucket-test-iad"))?.status, "discovered");
        assert.equal(await state.get("arn:aws:dynamodb:us-west-2:111122223333:table/Music"), undefined);
    });
});

function parseSource(body: string) {
    const change = parseSourceChange(JSON.parse(body));
    if (change.action === "none") throw new Error("expected a change");
    return change.source;
}
