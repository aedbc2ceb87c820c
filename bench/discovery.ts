/**
 * 200 simulated sources (S3, DynamoDB, Aurora) through intake and the catalog step against dynalite
 * (a real DynamoDB implementation) and an in-memory Glue: 10% of events redelivered, 5% of sources
 * failing once (state table at intake or Glue at catalog). Prints counts; a second pass must change nothing.
 * Run: npx ts-node --transpile-only bench/discovery.ts
 */
import {
    AlreadyExistsException,
    CreateCrawlerCommand,
    CreateDatabaseCommand,
    CreateJobCommand,
    EntityNotFoundException,
    GetCrawlerCommand,
    GetDatabaseCommand,
    GetJobCommand,
    GlueClient,
} from "@aws-sdk/client-glue";
import { LakeFormationClient } from "@aws-sdk/client-lakeformation";
import { DescribeDBClustersCommand, DescribeDBSubnetGroupsCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Context, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { StateStore } from "../lambdas/discovery-common/state";
import { catalogSettings } from "../support/discovery/catalog-settings";
import { startStateTable } from "../support/discovery/state-table";

const account = "777788889999";
const region = "eu-west-1";
const SOURCES = 200;
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

function event(i: number): { arn: string; body: string } {
    const kind = ["s3", "dynamodb", "rds"][i % 3];
    const name = `bench-${kind}-${String(i).padStart(3, "0")}`;
    const spec = {
        s3: { source: "aws.s3", eventName: "CreateBucket", request: { bucketName: name }, response: null, arn: `arn:aws:s3:::${name}` },
        dynamodb: {
            source: "aws.dynamodb",
            eventName: "CreateTable",
            request: { tableName: name },
            response: null,
            arn: `arn:aws:dynamodb:${region}:${account}:table/${name}`,
        },
        rds: {
            source: "aws.rds",
            eventName: "CreateDBCluster",
            request: { dBClusterIdentifier: name },
            response: { dBClusterArn: `arn:aws:rds:${region}:${account}:cluster:${name}` },
            arn: `arn:aws:rds:${region}:${account}:cluster:${name}`,
        },
    }[kind]!;
    const body = JSON.stringify({
        version: "0",
        id: `evt-${i}`,
        "detail-type": "AWS API Call via CloudTrail",
        source: spec.source,
        account,
        time: "2026-12-01T00:00:00Z",
        region,
        resources: [],
        detail: {
            eventSource: `${spec.source.slice(4)}.amazonaws.com`,
            eventName: spec.eventName,
            eventTime: "2026-12-01T00:00:00Z",
            eventID: `ct-${i}`,
            awsRegion: region,
            recipientAccountId: account,
            requestParameters: spec.request,
            responseElements: spec.response,
        },
    });
    return { arn: spec.arn, body };
}

async function main(): Promise<void> {
    // Loaded after the environment is set, so the handlers' loggers and metrics stay quiet.
    process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
    process.env.POWERTOOLS_METRICS_DISABLED = "true";

    const { intakeHandler } = require("../lambdas/discovery-intake/handler") as typeof import("../lambdas/discovery-intake/handler");

    const { runCatalog } = require("../lambdas/discovery-catalog/catalog") as typeof import("../lambdas/discovery-catalog/catalog");
    const dynamo = await startStateTable();
    const events = Array.from({ length: SOURCES }, (_, i) => event(i));
    // 5% of sources fail once: half on the state table at intake, half on Glue at the first catalog attempt.
    const faulty = new Set(events.filter((_, i) => i % 40 === 7).map(e => e.arn));
    const intakeFaulty = new Set(events.filter((_, i) => i % 40 === 27).map(e => e.arn));
    const intakeFailedOnce = new Set<string>();
    class FaultyState extends StateStore {
        override async record(...args: Parameters<StateStore["record"]>) {
            const arn = args[0].arn;
            if (intakeFaulty.has(arn) && !intakeFailedOnce.has(arn)) {
                intakeFailedOnce.add(arn);
                throw new Error("injected throttling");
            }
            return super.record(...args);
        }
    }
    const state = new FaultyState(dynamo.client, dynamo.tableName);
    // In-memory Glue: resources by name; each Create* counted; faulty sources' CreateJob fails once.
    const glueStore = new Map<string, string>();
    const creates = new Map<string, number>();
    const failedOnce = new Set<string>();
    const glue = mockClient(GlueClient);
    glue.resolves({});
    const get = (key: (i: Record<string, unknown>) => string) => (input: Record<string, unknown>) => {
        if (!glueStore.has(key(input))) throw new EntityNotFoundException({ message: "not found", $metadata: {} });
        return {};
    };
    const create = (key: (i: Record<string, unknown>) => string, arnOf?: (i: Record<string, unknown>) => string) => (input: Record<string, unknown>) => {
        const name = key(input);
        const source = arnOf?.(input);
        if (source && faulty.has(source) && !failedOnce.has(source)) {
            failedOnce.add(source);
            throw new Error("injected fault");
        }
        if (glueStore.has(name)) throw new AlreadyExistsException({ message: "exists", $metadata: {} });
        glueStore.set(name, "x");
        creates.set(name, (creates.get(name) ?? 0) + 1);
        return {};
    };
    glue.on(GetDatabaseCommand).callsFake(get(i => `db:${i.Name}`));
    glue.on(CreateDatabaseCommand).callsFake(create(i => `db:${(i.DatabaseInput as { Name: string }).Name}`));
    glue.on(GetCrawlerCommand).callsFake(get(i => `crawler:${i.Name}`));
    glue.on(CreateCrawlerCommand).callsFake(create(i => `crawler:${i.Name}`));
    glue.on(GetJobCommand).callsFake(get(i => `job:${i.JobName}`));
    glue.on(CreateJobCommand).callsFake(
        create(
            i => `job:${i.Name}`,
            i => (i.DefaultArguments as Record<string, string>)["--source_arn"],
        ),
    );
    mockClient(LakeFormationClient).resolves({});
    mockClient(ResourceGroupsTaggingAPIClient)
        .on(GetResourcesCommand)
        .callsFake((input: { ResourceARNList?: string[] }) => ({
            ResourceTagMappingList: (input.ResourceARNList ?? []).map(arn => ({ ResourceARN: arn, Tags: [{ Key: "lakewarden:discover", Value: "true" }] })),
        }));
    const rds = mockClient(RDSClient);
    rds.on(DescribeDBClustersCommand).callsFake((input: { DBClusterIdentifier: string }) => ({
        DBClusters: [
            {
                Engine: "aurora-postgresql",
                Endpoint: `${input.DBClusterIdentifier}.example`,
                Port: 5432,
                DatabaseName: "app",
                DBSubnetGroup: "g",
                VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-1" }],
                MasterUserSecret: { SecretArn: `arn:aws:secretsmanager:${region}:${account}:secret:rds!cluster-${input.DBClusterIdentifier}` },
            },
        ],
    }));
    rds.on(DescribeDBSubnetGroupsCommand).resolves({
        DBSubnetGroups: [{ Subnets: [{ SubnetIdentifier: "subnet-1", SubnetStatus: "Active", SubnetAvailabilityZone: { Name: `${region}a` } }] }],
    });
    mockClient(SecretsManagerClient).on(DescribeSecretCommand).resolves({ KmsKeyId: "key" });
    const settings = catalogSettings(account, { LAKEWARDEN_ENVIRONMENT: "bench", STATE_TABLE_NAME: dynamo.tableName });

    const deps = {
        state,
        glue: new GlueClient({}),
        lakeFormation: new LakeFormationClient({}),
        tagging: new ResourceGroupsTaggingAPIClient({}),
        rds: new RDSClient({}),
        secrets: new SecretsManagerClient({}),
        settings,
    };
    const intake = intakeHandler(state);
    const context = { functionName: "bench", awsRequestId: "bench", getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
    /** SQS semantics: batches of 10; messages reported failed are redelivered until processed. */
    const deliver = async (bodies: string[]) => {
        let failures = 0;
        let pending = bodies;
        while (pending.length > 0) {
            const retry: string[] = [];
            for (let i = 0; i < pending.length; i += 10) {
                const slice = pending.slice(i, i + 10);
                const batch: SQSEvent = { Records: slice.map((body, j) => ({ messageId: `${i + j}`, body }) as SQSEvent["Records"][number]) };
                const failed = (await intake(batch, context)).batchItemFailures.map(f => Number(f.itemIdentifier) - i);
                failures += failed.length;
                retry.push(...failed.map(k => slice[k]));
            }
            pending = retry;
        }
        return failures;
    };
    const redelivered = events.filter((_, i) => i % 10 === 3).map(e => e.body);
    const stream = [...events.map(e => e.body), ...redelivered].sort(() => random() - 0.5);
    const started = Date.now();
    const intakeFailures = await deliver(stream);
    const run1 = await runCatalog(deps);
    const run2 = await runCatalog(deps);
    const firstPassMs = Date.now() - started;
    const catalogued: string[] = [];
    for await (const item of state.withStatus("catalogued")) catalogued.push(item.arn);
    const jobs = [...creates.entries()].filter(([k]) => k.startsWith("job:"));
    console.log(
        `sources ${SOURCES} (s3 ${Math.ceil(SOURCES / 3)}, dynamodb ${Math.ceil((SOURCES - 1) / 3)}, rds ${Math.floor(SOURCES / 3)}); events delivered ${stream.length} (${redelivered.length} redelivered); injected faults: ${intakeFaulty.size} on intake, ${faulty.size} on Glue`,
    );
    console.log(
        `pass 1: intake messages reported failed and redelivered ${intakeFailures}; catalog run 1 catalogued ${run1.catalogued.length}, failed ${run1.failed.length}; run 2 catalogued ${run2.catalogued.length}, failed ${run2.failed.length}`,
    );
    console.log(
        `catalogued ${catalogued.length}/${SOURCES} (distinct ${new Set(catalogued).size}); PII jobs created ${jobs.length}, created more than once ${jobs.filter(([, n]) => n > 1).length}; Glue creates ${[...creates.values()].reduce((a, b) => a + b, 0)}; ${firstPassMs} ms`,
    );
    const before = glueStore.size;
    const creates2 = [...creates.values()].reduce((a, b) => a + b, 0);
    const again = await deliver(events.map(e => e.body));
    const run3 = await runCatalog(deps);
    const after = [...creates.values()].reduce((a, b) => a + b, 0);
    console.log(
        `pass 2 (every event redelivered, catalog rerun): intake failures ${again}; catalogued ${run3.catalogued.length}, failed ${run3.failed.length}; Glue resources ${before} -> ${glueStore.size}, creates ${creates2} -> ${after}`,
    );
    const ok =
        catalogued.length === SOURCES &&
        new Set(catalogued).size === SOURCES &&
        jobs.length === SOURCES &&
        jobs.every(([, n]) => n === 1) &&
        run3.catalogued.length === 0 &&
        after === creates2;
    console.log(ok ? "result: every source catalogued exactly once; second pass changed nothing" : "result: MISMATCH");
    await dynamo.close();
    if (!ok) process.exitCode = 1;
}

main().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
