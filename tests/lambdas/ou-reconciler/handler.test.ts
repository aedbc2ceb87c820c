import assert from "node:assert/strict";
import { awsFixture } from "../../fixtures/aws/load";
import { handler, ReconcileFailedError } from "../../../lambdas/ou-reconciler/handler";
import { captureOutput } from "./capture-output";
import { FakeAws } from "../../../support/ou-reconciler/fake-aws";
import { accountId, FINDINGS, mappingDoc, METADATA, tableEntry, withTables } from "../../../support/ou-reconciler/helpers";

const PROD = "ou-ab12-prod0000";
const CONSUMER = "333333333333";
const PARAMETER = "/lakewarden/ou-sharing";

function metricsRecord(records: Record<string, unknown>[]): Record<string, unknown> | undefined {
    return records.find(r => (r._aws as { CloudWatchMetrics?: unknown } | undefined)?.CloudWatchMetrics !== undefined);
}

describe("ou-reconciler handler", () => {
    let fake: FakeAws;
    const saved = { parameter: process.env.MAPPING_PARAMETER_NAME, role: process.env.ORG_READ_ROLE_ARN };
    beforeEach(() => {
        process.env.MAPPING_PARAMETER_NAME = PARAMETER;
        delete process.env.ORG_READ_ROLE_ARN;
        fake = withTables(new FakeAws(), FINDINGS, METADATA).install();
        fake.org.addOu(PROD, "r-ab12", "Prod").addAccount(accountId(1), PROD).addAccount(accountId(2), PROD);
        fake.mappingDocument = mappingDoc({ ouId: PROD, consumers: [CONSUMER], tables: [tableEntry(FINDINGS), tableEntry(METADATA)] });
    });
    afterEach(() => {
        fake.restore();
        for (const [key, value] of [
            ["MAPPING_PARAMETER_NAME", saved.parameter],
            ["ORG_READ_ROLE_ARN", saved.role],
        ] as const) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
    });

    it("reconciles on the hourly schedule, reads the mapping from the named parameter, logs and emits metrics", async () => {
        const { result, error, records } = await captureOutput(() => handler(awsFixture("eventbridge/scheduled-event.json")));
        assert.equal(error, undefined);
        assert.deepEqual(result?.counts, { created: 2, updated: 0, deleted: 0, granted: 2, revoked: 0, failed: 0 });
        assert.deepEqual(fake.log.find(c => c.command === "GetParameter")?.input, { Name: PARAMETER, WithDecryption: true });
        assert.ok(records.some(r => r.message === "reconcile started" && r.trigger === "schedule"));
        assert.ok(records.some(r => r.message === "reconcile finished"));
        const emf = metricsRecord(records);
        const cw = (emf?._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0];
        assert.equal(cw.Namespace, "lakewarden");
        assert.equal(emf?.FiltersCreated, 2);
        assert.equal(emf?.GrantsAdded, 2);
        assert.equal(emf?.Failures, 0);
    });

    it("answers an Organizations change event the same way: a full, idempotent reconcile", async () => {
        await captureOutput(() => handler(awsFixture("eventbridge/scheduled-event.json")));
        fake.clearLog();
        const { result, records } = await captureOutput(() => handler(awsFixture("organizations/cloudtrail-move-account.json")));
        assert.deepEqual(fake.writes(), []);
        assert.equal(result?.counts.created, 0);
        assert.ok(records.some(r => r.trigger === "organizations:MoveAccount"));
    });

    it("returns the plan of a dry run, writes nothing and emits no change metrics", async () => {
        const { result, records } = await captureOutput(() => handler({ dryRun: true }));
        assert.equal(result?.dryRun, true);
        assert.deepEqual(fake.writes(), []);
        assert.equal(result?.tables.find(t => t.table.endsWith("findings"))?.planned?.creates[0].name, "lw_ou_ou_ab12_prod0000_tree_1");
        assert.equal(metricsRecord(records)?.FiltersCreated, undefined);
    });

    it("throws after logging the summary when any step failed, with the other table done", async () => {
        fake.lakeFormation.columns.delete(`${METADATA.catalogId}/${METADATA.database}/${METADATA.table}`);
        const { error, records } = await captureOutput(() => handler({}));
        assert.ok(error instanceof ReconcileFailedError);
        assert.match(error.message, /1 reconcile step\(s\) failed/);
        const summary = records.find(r => r.message === "reconcile finished") as { counts: { failed: number; created: number } };
        assert.deepEqual([summary.counts.failed, summary.counts.created], [1, 1]);
        assert.ok(records.some(r => r.message === "reconcile step failed" && r.level === "ERROR"));
        assert.equal(metricsRecord(records)?.Failures, 1);
    });

    it("changes nothing and fails when the mapping document is invalid", async () => {
        fake.mappingDocument = { version: 1, mappings: [{ ouId: "Prod", consumers: [CONSUMER], tables: [tableEntry(FINDINGS)] }] };
        const { error, records } = await captureOutput(() => handler({}));
        assert.match((error as Error).message, /invalid OU mapping document/);
        assert.ok(records.some(r => r.message === "mapping document unusable; nothing was changed"));
        assert.deepEqual(
            fake.log.map(c => c.command),
            ["GetParameter"],
        );
    });

    it("refuses to start without its mapping parameter name", async () => {
        delete process.env.MAPPING_PARAMETER_NAME;
        await assert.rejects(handler({}), /MAPPING_PARAMETER_NAME/);
        assert.deepEqual(fake.log, []);
    });
});
