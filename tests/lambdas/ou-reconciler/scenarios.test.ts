import assert from "node:assert/strict";
import { LakeFormationServiceException } from "@aws-sdk/client-lakeformation";
import { AccessDeniedException, TooManyRequestsException } from "@aws-sdk/client-organizations";
import { FakeAws } from "../../../support/ou-reconciler/fake-aws";
import {
    accountId,
    FINDINGS,
    mappingDoc,
    METADATA,
    PRODUCER,
    runReconcile,
    sorted,
    tableEntry,
    visible,
    withTables,
} from "../../../support/ou-reconciler/helpers";

const ROOT = "r-ab12";
const PROD = "ou-ab12-prod0000";
const PROD_PAYMENTS = "ou-ab12-prodchld";
const PRODUCTION = "ou-ab12-prodxion";
const SANDBOX = "ou-ab12-sandbox0";
const C1 = "333333333333";
const C2 = "444444444444";
const C3 = "555555555555";
const P = [1, 2, 3].map(accountId);
const PP = [4, 5].map(accountId);
const Q = [11, 12, 13].map(accountId);
const S = [21, 22].map(accountId);
const CANONICAL = /^accountid IN \('\d{12}'(,'\d{12}')*\)$/;

/** Root with Prod (and Prod/Payments below it), Production and Sandbox; one suspended account. */
function organisation(fake: FakeAws): FakeAws {
    fake.org
        .addOu(PROD, ROOT, "Prod")
        .addOu(PROD_PAYMENTS, PROD, "Prod Payments")
        .addOu(PRODUCTION, ROOT, "Production")
        .addOu(SANDBOX, ROOT, "Sandbox")
        .addAccount(accountId(99), ROOT);
    P.forEach(id => fake.org.addAccount(id, PROD));
    PP.forEach(id => fake.org.addAccount(id, PROD_PAYMENTS));
    Q.forEach(id => fake.org.addAccount(id, PRODUCTION));
    S.forEach(id => fake.org.addAccount(id, SANDBOX));
    fake.org.setState(S[1], "SUSPENDED");
    return withTables(fake, FINDINGS, METADATA);
}

function standardMapping(): Record<string, unknown> {
    return mappingDoc(
        { ouId: PROD, consumers: [C1], tables: [tableEntry(FINDINGS), tableEntry(METADATA)] },
        { ouId: PRODUCTION, consumers: [C2], tables: [tableEntry(FINDINGS)] },
    );
}

function filterRef(name: string, table = FINDINGS): Record<string, unknown> {
    return { DataCellsFilter: { TableCatalogId: table.catalogId, DatabaseName: table.database, TableName: table.table, Name: name } };
}

async function expectNoWritesOnSecondRun(fake: FakeAws): Promise<void> {
    fake.clearLog();
    const again = await runReconcile(fake);
    assert.deepEqual(fake.writes(), []);
    assert.deepEqual(again.counts, { created: 0, updated: 0, deleted: 0, granted: 0, revoked: 0, failed: 0 });
}

describe("ou-reconciler scenarios (stateful fake of Organizations and Lake Formation)", () => {
    let fake: FakeAws;
    beforeEach(() => {
        fake = organisation(new FakeAws()).install();
        fake.mappingDocument = standardMapping();
    });
    afterEach(() => fake.restore());

    it("first run: one filter per OU and table, SELECT with grant option to the consumer account", async () => {
        const result = await runReconcile(fake);
        assert.deepEqual(result.counts, { created: 3, updated: 0, deleted: 0, granted: 3, revoked: 0, failed: 0 });
        const [prod] = fake.lakeFormation.filtersOf(FINDINGS).filter(f => f.Name === "lw_ou_ou_ab12_prod0000_tree_1");
        assert.equal(prod.RowFilter?.FilterExpression, `accountid IN (${[...P, ...PP].map(id => `'${id}'`).join(",")})`);
        assert.deepEqual(prod.ColumnWildcard, {});
        const grant = [...fake.lakeFormation.grants.values()].find(g => g.principal === C1 && g.resource.DataCellsFilter?.Name === prod.Name);
        assert.deepEqual([...(grant?.permissions ?? [])], ["SELECT"]);
        assert.deepEqual([...(grant?.grantable ?? [])], ["SELECT"]);
        assert.deepEqual(sorted(visible(fake, FINDINGS, C1)), [...P, ...PP].sort());
        assert.deepEqual(sorted(visible(fake, METADATA, C1)), [...P, ...PP].sort());
        assert.deepEqual(sorted(visible(fake, FINDINGS, C2)), Q);
        assert.deepEqual(sorted(visible(fake, METADATA, C2)), []);
        assert.deepEqual(fake.unexpectedCommands(), []);
        await expectNoWritesOnSecondRun(fake);
    });

    it('OUs named "Prod" and "Production" never see each other\'s accounts', async () => {
        await runReconcile(fake);
        const prodSees = visible(fake, FINDINGS, C1);
        const productionSees = visible(fake, FINDINGS, C2);
        assert.ok(prodSees !== "all" && productionSees !== "all");
        assert.deepEqual(
            [...prodSees].filter(id => Q.includes(id)),
            [],
        );
        assert.deepEqual(
            [...productionSees].filter(id => P.includes(id) || PP.includes(id)),
            [],
        );
    });

    it("account moved between OUs: the two filters are updated in place and grants stay", async () => {
        await runReconcile(fake);
        fake.org.moveAccount(P[1], PRODUCTION);
        fake.clearLog();
        const result = await runReconcile(fake);
        assert.deepEqual(result.counts, { created: 0, updated: 3, deleted: 0, granted: 0, revoked: 0, failed: 0 });
        assert.deepEqual(new Set(fake.writes().map(w => w.command)), new Set(["UpdateDataCellsFilter"]));
        assert.ok(!(visible(fake, FINDINGS, C1) as Set<string>).has(P[1]));
        assert.ok(!(visible(fake, METADATA, C1) as Set<string>).has(P[1]));
        assert.ok((visible(fake, FINDINGS, C2) as Set<string>).has(P[1]));
        await expectNoWritesOnSecondRun(fake);
    });

    it("OU deleted: its filters go, its grants are revoked first, and the run reports the OU missing", async () => {
        await runReconcile(fake);
        Q.forEach(id => fake.org.moveAccount(id, SANDBOX));
        fake.org.deleteOu(PRODUCTION);
        fake.clearLog();
        const result = await runReconcile(fake);
        assert.deepEqual(result.counts, { created: 0, updated: 0, deleted: 1, granted: 0, revoked: 1, failed: 0 });
        assert.deepEqual(result.missingOus, [PRODUCTION]);
        assert.deepEqual(
            fake.writes().map(w => w.command),
            ["BatchRevokePermissions", "DeleteDataCellsFilter"],
        );
        assert.deepEqual(sorted(visible(fake, FINDINGS, C2)), []);
        await expectNoWritesOnSecondRun(fake);
    });

    it("an OU emptied of accounts gets no filter and loses its grants", async () => {
        await runReconcile(fake);
        Q.forEach(id => fake.org.moveAccount(id, SANDBOX));
        const result = await runReconcile(fake);
        assert.deepEqual(result.counts, { created: 0, updated: 0, deleted: 1, granted: 0, revoked: 1, failed: 0 });
        assert.deepEqual(result.missingOus, []);
        assert.equal(fake.lakeFormation.filtersOf(FINDINGS).filter(f => f.Name?.includes("prodxion")).length, 0);
    });

    it("mapping changed to another consumer: old grants revoked, new granted, no filter written", async () => {
        await runReconcile(fake);
        fake.mappingDocument = mappingDoc(
            { ouId: PROD, consumers: [C3], tables: [tableEntry(FINDINGS), tableEntry(METADATA)] },
            { ouId: PRODUCTION, consumers: [C2], tables: [tableEntry(FINDINGS)] },
        );
        fake.clearLog();
        const result = await runReconcile(fake);
        assert.deepEqual(result.counts, { created: 0, updated: 0, deleted: 0, granted: 2, revoked: 2, failed: 0 });
        assert.equal(fake.writes().filter(w => w.command.endsWith("DataCellsFilter")).length, 0);
        assert.deepEqual(sorted(visible(fake, FINDINGS, C1)), []);
        assert.deepEqual(sorted(visible(fake, METADATA, C1)), []);
        assert.deepEqual(sorted(visible(fake, FINDINGS, C3)), [...P, ...PP].sort());
    });

    it("nested OUs on and off: direct accounts only, then the whole subtree", async () => {
        fake.mappingDocument = mappingDoc({ ouId: PROD, consumers: [C1], tables: [tableEntry(FINDINGS, false)] });
        await runReconcile(fake);
        assert.deepEqual(sorted(visible(fake, FINDINGS, C1)), P);
        assert.deepEqual(
            fake.lakeFormation.filtersOf(FINDINGS).map(f => f.Name),
            ["lw_ou_ou_ab12_prod0000_only_1"],
        );
        fake.mappingDocument = mappingDoc({ ouId: PROD, consumers: [C1], tables: [tableEntry(FINDINGS, true)] });
        const result = await runReconcile(fake);
        assert.deepEqual(result.counts, { created: 1, updated: 0, deleted: 1, granted: 1, revoked: 1, failed: 0 });
        assert.deepEqual(sorted(visible(fake, FINDINGS, C1)), [...P, ...PP].sort());
        // Only ACTIVE accounts, and the root mapping includes every OU below it.
        fake.mappingDocument = mappingDoc({ ouId: ROOT, consumers: [C3], tables: [tableEntry(FINDINGS)] });
        await runReconcile(fake);
        assert.deepEqual(sorted(visible(fake, FINDINGS, C3)), [...P, ...PP, ...Q, S[0], accountId(99)].sort());
    });

    it("600 accounts under one OU: chunked filters within the limit whose union is the OU, kept stable", async () => {
        const big = Array.from({ length: 600 }, (_, i) => accountId(1000 + i));
        big.forEach(id => fake.org.addAccount(id, SANDBOX));
        fake.mappingDocument = mappingDoc({ ouId: SANDBOX, consumers: [C3], tables: [tableEntry(FINDINGS)] });
        const first = await runReconcile(fake);
        const filters = fake.lakeFormation.filtersOf(FINDINGS);
        assert.equal(filters.length, 5);
        assert.equal(first.counts.granted, 5);
        for (const f of filters) assert.ok((f.RowFilter?.FilterExpression as string).length < 2048);
        assert.deepEqual(sorted(visible(fake, FINDINGS, C3)), [...big, S[0]].sort());
        // 601 accounts at 20 a page: 31 pages for the OU.
        assert.equal(fake.log.filter(c => c.command === "ListAccountsForParent" && c.input.ParentId === SANDBOX).length, 31);

        fake.org.moveAccount(big[300], PROD);
        const moved = await runReconcile(fake);
        assert.deepEqual(moved.counts, { created: 0, updated: 1, deleted: 0, granted: 0, revoked: 0, failed: 0 });

        Array.from({ length: 200 }, (_, i) => accountId(5000 + i)).forEach(id => fake.org.addAccount(id, SANDBOX));
        const grown = await runReconcile(fake);
        assert.equal(fake.lakeFormation.filtersOf(FINDINGS).length, 6);
        assert.equal(grown.counts.created, 1);
        assert.equal((visible(fake, FINDINGS, C3) as Set<string>).size, 800);
        await expectNoWritesOnSecondRun(fake);
    });

    it("names and tags with quotes and SQL never reach an expression, and no tag or describe call is made", async () => {
        fake.org.addOu("ou-ab12-quote000", ROOT, "Prod' OR '1'='1");
        fake.org.addAccount(accountId(500), "ou-ab12-quote000", { name: "x'); DROP TABLE findings;--", tags: { owner: "o'brien\" OR 1=1" } });
        fake.org.addAccount("12345678901'", "ou-ab12-quote000");
        fake.mappingDocument = mappingDoc({ ouId: "ou-ab12-quote000", consumers: [C1], tables: [tableEntry(FINDINGS)] });
        const result = await runReconcile(fake);
        assert.deepEqual(result.rejectedAccountIds, ["12345678901'"]);
        for (const f of fake.lakeFormation.filtersOf(FINDINGS)) assert.match(f.RowFilter?.FilterExpression as string, CANONICAL);
        assert.deepEqual(sorted(visible(fake, FINDINGS, C1)), [accountId(500)]);
        assert.deepEqual(fake.unexpectedCommands(), []);
    });

    it("persistent throttling on one table's writes: the other table completes, the next run converges", async () => {
        const throttled = () => new LakeFormationServiceException({ name: "ThrottlingException", $fault: "client", $metadata: {}, message: "Rate exceeded" });
        const onFindings = (input: Record<string, unknown>) => JSON.stringify(input).includes(`"${FINDINGS.table}"`);
        fake.faults.push({ command: "CreateDataCellsFilter", error: throttled, when: onFindings });
        const result = await runReconcile(fake);
        const byTable = new Map(result.tables.map(t => [t.table.split("/")[2], t]));
        assert.deepEqual(byTable.get(METADATA.table)?.counts, { created: 1, updated: 0, deleted: 0, granted: 1, revoked: 0, failed: 0 });
        // Two creates failed and their two grants were not attempted.
        assert.equal(byTable.get(FINDINGS.table)?.counts.failed, 4);
        assert.match(byTable.get(FINDINGS.table)?.failures[0].error ?? "", /ThrottlingException: Rate exceeded/);
        assert.equal(fake.count("BatchGrantPermissions"), 1);
        fake.faults.length = 0;
        const healed = await runReconcile(fake);
        assert.deepEqual(healed.counts, { created: 2, updated: 0, deleted: 0, granted: 2, revoked: 0, failed: 0 });
    });

    it("an OU that cannot be read (throttled past retries, or denied) leaves its filters and grants exactly as they are", async () => {
        await runReconcile(fake);
        const before = fake.lakeFormation.snapshot();
        fake.org.moveAccount(P[0], SANDBOX);
        fake.org.moveAccount(Q[0], SANDBOX);
        fake.faults.push({
            command: "ListAccountsForParent",
            error: () =>
                new TooManyRequestsException({
                    message: "AWS Organizations can't complete your request because another request is already in progress",
                    $metadata: {},
                }),
            when: input => input.ParentId === PROD_PAYMENTS,
        });
        const result = await runReconcile(fake);
        assert.equal(result.counts.failed, 1);
        assert.deepEqual(
            result.unreadableOus.map(f => f.target),
            [`${PROD}/tree`],
        );
        assert.deepEqual(result.counts.updated, 1);
        const prodNow = fake.lakeFormation.filtersOf(FINDINGS).find(f => f.Name?.includes("prod0000"));
        assert.ok(before.includes(JSON.stringify(prodNow)));
        assert.ok(!(visible(fake, FINDINGS, C2) as Set<string>).has(Q[0]));

        fake.faults[0] = { command: "ListOrganizationalUnitsForParent", error: () => new AccessDeniedException({ message: "denied", $metadata: {} }) };
        const denied = await runReconcile(fake);
        assert.deepEqual(denied.counts, { created: 0, updated: 0, deleted: 0, granted: 0, revoked: 0, failed: 2 });
    });

    it("one table failing (absent from the catalog) does not stop the others", async () => {
        fake.lakeFormation.columns.delete(`${METADATA.catalogId}/${METADATA.database}/${METADATA.table}`);
        const result = await runReconcile(fake);
        assert.equal(result.counts.failed, 1);
        assert.equal(result.counts.created, 2);
        const failed = result.tables.find(t => t.table.endsWith(METADATA.table));
        assert.match(failed?.failures[0].error ?? "", /EntityNotFoundException/);
        assert.deepEqual(sorted(visible(fake, FINDINGS, C1)), [...P, ...PP].sort());
    });

    it("filters and grants it does not own are never touched", async () => {
        const role = `arn:aws:iam::${PRODUCER}:role/analyst`;
        fake.lakeFormation.createDataCellsFilter({
            ...FINDINGS_TABLE_DATA,
            Name: "eu_only",
            RowFilter: { FilterExpression: "region = 'eu-west-1'" },
            ColumnWildcard: {},
        });
        fake.lakeFormation.createDataCellsFilter({
            ...FINDINGS_TABLE_DATA,
            Name: "lw_ou_custom",
            RowFilter: { FilterExpression: `accountid IN ('${P[0]}')` },
            ColumnWildcard: {},
        });
        fake.lakeFormation.grant(C1, filterRef("eu_only"), ["SELECT"]);
        fake.lakeFormation.grant(C3, filterRef("lw_ou_custom"), ["SELECT"]);
        fake.lakeFormation.grant(role, { Table: { CatalogId: PRODUCER, DatabaseName: FINDINGS.database, Name: FINDINGS.table } }, ["SELECT", "DESCRIBE"]);
        await runReconcile(fake);
        // A role granted on one of our filters by someone else is not ours to revoke.
        fake.lakeFormation.grant(role, filterRef("lw_ou_ou_ab12_prod0000_tree_1"), ["SELECT"]);
        const foreign = (snapshot: string) => {
            const parsed = JSON.parse(snapshot) as {
                filters: [string, { Name: string }[]][];
                grants: { principal: string; resource: { DataCellsFilter?: { Name: string } } }[];
            };
            return JSON.stringify({
                filters: parsed.filters.map(([t, fs]) => [t, fs.filter(f => !/_(tree|only)_\d+$/.test(f.Name))]),
                grants: parsed.grants.filter(g => !/^\d{12}$/.test(g.principal) || !/_(tree|only)_\d+$/.test(g.resource.DataCellsFilter?.Name ?? "")),
            });
        };
        const before = foreign(fake.lakeFormation.snapshot());
        Q.forEach(id => fake.org.moveAccount(id, PROD));
        fake.mappingDocument = mappingDoc({ ouId: PROD, consumers: [C2], tables: [tableEntry(FINDINGS)] });
        fake.clearLog();
        const result = await runReconcile(fake);
        assert.equal(result.counts.failed, 0);
        assert.equal(foreign(fake.lakeFormation.snapshot()), before);
        const touched = fake.writes().flatMap(w => JSON.stringify(w.input).match(/"Name":"[^"]+"/g) ?? []);
        assert.ok(
            touched.every(n => /lw_ou_ou_ab12_(prod0000|prodxion)_tree_1/.test(n)),
            touched.join(),
        );
    });

    it("restores a tampered filter in place and revokes extra or stale permissions on owned filters", async () => {
        await runReconcile(fake);
        const name = "lw_ou_ou_ab12_prod0000_tree_1";
        fake.lakeFormation.updateDataCellsFilter({ ...FINDINGS_TABLE_DATA, Name: name, RowFilter: { AllRowsWildcard: {} }, ColumnWildcard: {} });
        fake.lakeFormation.grant(C1, filterRef(name), ["DROP"]);
        fake.lakeFormation.grant(C3, filterRef(name), ["SELECT"], ["SELECT"]);
        const result = await runReconcile(fake);
        assert.deepEqual(result.counts, { created: 0, updated: 1, deleted: 0, granted: 0, revoked: 2, failed: 0 });
        assert.deepEqual(sorted(visible(fake, FINDINGS, C3)), []);
        assert.deepEqual(sorted(visible(fake, FINDINGS, C1)), [...P, ...PP].sort());
        await expectNoWritesOnSecondRun(fake);
    });

    it("a retired table loses every filter and grant the reconciler made on it", async () => {
        await runReconcile(fake);
        fake.mappingDocument = { ...mappingDoc({ ouId: PROD, consumers: [C1], tables: [tableEntry(FINDINGS)] }), retiredTables: [METADATA] };
        const result = await runReconcile(fake);
        // Prod's filter on the retired table, and Production's, which the new mapping no longer names.
        assert.deepEqual(result.counts, { created: 0, updated: 0, deleted: 2, granted: 0, revoked: 2, failed: 0 });
        assert.deepEqual(fake.lakeFormation.filtersOf(METADATA), []);
        assert.deepEqual(sorted(visible(fake, METADATA, C1)), []);
    });

    it("a filter whose grants could not be revoked is not deleted", async () => {
        await runReconcile(fake);
        Q.forEach(id => fake.org.moveAccount(id, SANDBOX));
        fake.faults.push({ command: "BatchRevokePermissions", error: () => new Error("AccessDeniedException: not allowed") });
        const result = await runReconcile(fake);
        assert.deepEqual(result.counts, { created: 0, updated: 0, deleted: 0, granted: 0, revoked: 0, failed: 2 });
        assert.equal(fake.count("DeleteDataCellsFilter"), 0);
    });

    it("dry run returns the plan and writes nothing; the real run then does exactly that", async () => {
        const before = fake.lakeFormation.snapshot();
        const plan = await runReconcile(fake, { dryRun: true });
        assert.deepEqual(fake.writes(), []);
        assert.equal(fake.lakeFormation.snapshot(), before);
        const findings = plan.tables.find(t => t.table.endsWith(FINDINGS.table));
        assert.deepEqual(findings?.planned?.creates.map(c => c.name).sort(), ["lw_ou_ou_ab12_prod0000_tree_1", "lw_ou_ou_ab12_prodxion_tree_1"]);
        assert.deepEqual(findings?.planned?.grants, [
            { filter: "lw_ou_ou_ab12_prod0000_tree_1", principal: C1 },
            { filter: "lw_ou_ou_ab12_prodxion_tree_1", principal: C2 },
        ]);
        const applied = await runReconcile(fake);
        assert.deepEqual(applied.counts, plan.counts);
        fake.org.moveAccount(P[0], PRODUCTION);
        const movePlan = await runReconcile(fake, { dryRun: true });
        const update = movePlan.tables.find(t => t.table.endsWith(FINDINGS.table))?.planned?.updates.find(u => u.name.includes("prodxion"));
        assert.deepEqual(update, { name: "lw_ou_ou_ab12_prodxion_tree_1", added: [P[0]], removed: [] });
    });

    it("grants go in batches of at most 20 and writes never exceed the write concurrency", async () => {
        const consumers = Array.from({ length: 45 }, (_, i) => String(600_000_000_000 + i));
        fake.mappingDocument = mappingDoc({ ouId: PROD, consumers, tables: [tableEntry(FINDINGS), tableEntry(METADATA)] });
        fake.latencyMs = 2;
        const result = await runReconcile(fake, { writeConcurrency: 2 });
        assert.equal(result.counts.granted, 90);
        assert.equal(fake.count("BatchGrantPermissions"), 6);
        assert.equal(fake.peakConcurrentWrites, 2);
        for (const consumer of consumers) assert.deepEqual(sorted(visible(fake, METADATA, consumer)), [...P, ...PP].sort());
    });
});

const FINDINGS_TABLE_DATA = { TableCatalogId: FINDINGS.catalogId, DatabaseName: FINDINGS.database, TableName: FINDINGS.table };
