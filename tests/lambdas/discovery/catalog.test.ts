import * as assert from "node:assert/strict";
import {
    AlreadyExistsException,
    CreateConnectionCommand,
    DeleteCrawlerCommand,
    DeleteJobCommand,
    DeleteTriggerCommand,
    DeleteWorkflowCommand,
    CreateCrawlerCommand,
    CreateDatabaseCommand,
    CreateJobCommand,
    CreateTriggerCommand,
    CreateWorkflowCommand,
    EntityNotFoundException,
    GetConnectionCommand,
    GetCrawlerCommand,
    GetDatabaseCommand,
    GetJobCommand,
    GetTriggerCommand,
    GetWorkflowCommand,
    GlueClient,
    UpdateCrawlerCommand,
} from "@aws-sdk/client-glue";
import { GrantPermissionsCommand, LakeFormationClient } from "@aws-sdk/client-lakeformation";
import { DescribeDBClustersCommand, DescribeDBSubnetGroupsCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { dynamoDbTableArn, glueNames, s3BucketArn } from "../../../lambdas/discovery-common/source";
import { StateStore } from "../../../lambdas/discovery-common/state";
import { runCatalog } from "../../../lambdas/discovery-catalog/catalog";
import { catalogSettingsSchema } from "../../../lambdas/discovery-catalog/settings";
import { type LocalStateTable, startStateTable } from "../../../support/discovery/state-table";

const account = "777788889999";
const home = { accountId: account, region: "eu-west-1" };
const settings = catalogSettingsSchema.parse({
    LAKEWARDEN_ENVIRONMENT: "dev",
    STATE_TABLE_NAME: "discovery-state",
    OPT_IN_TAG_KEY: "lakewarden:discover",
    OPT_IN_TAG_VALUE: "true",
    DATASET_TAG_KEY: "lakewarden:dataset",
    SCHEMAS_TAG_KEY: "lakewarden:schemas",
    CRAWLER_ROLE_ARN: `arn:aws:iam::${account}:role/lakewarden-dev-discovery-crawler`,
    JOB_ROLE_ARN: `arn:aws:iam::${account}:role/lakewarden-dev-discovery-pii-job`,
    REPORTER_ROLE_ARN: `arn:aws:iam::${account}:role/lakewarden-dev-discovery-reporter-fn`,
    ACCOUNT_ID: account,
    SECURITY_CONFIGURATION: "lakewarden-dev-discovery-glue",
    SCRIPT_LOCATION: "s3://b/glue/pii_detection/job.py",
    CORE_MODULE_LOCATION: "s3://b/glue/pii_detection/core.py",
    RESULTS_URI: "s3://b/detections/runs/",
    TEMP_URI: "s3://b/glue/temp/",
    DETECTION_SCHEDULE: "cron(0 2 * * ? *)",
    SAMPLE_FRACTION: "0.1",
    THRESHOLD_FRACTION: "0.1",
    WORKERS: "2",
    TIMEOUT_MINUTES: "120",
});
const notFound = () => new EntityNotFoundException({ message: "not found", $metadata: {} });

describe("discovery catalog step: get-or-create-or-update, never stuck", () => {
    let dynamo: LocalStateTable;
    let state: StateStore;
    let glue: AwsClientStub<GlueClient>;
    let lf: AwsClientStub<LakeFormationClient>;
    let tagging: AwsClientStub<ResourceGroupsTaggingAPIClient>;
    let rds: AwsClientStub<RDSClient>;
    let secrets: AwsClientStub<SecretsManagerClient>;
    before(() => {
        glue = mockClient(GlueClient);
        lf = mockClient(LakeFormationClient);
        tagging = mockClient(ResourceGroupsTaggingAPIClient);
        rds = mockClient(RDSClient);
        secrets = mockClient(SecretsManagerClient);
    });
    const deps = () => ({
        state,
        glue: new GlueClient({}),
        lakeFormation: new LakeFormationClient({}),
        tagging: new ResourceGroupsTaggingAPIClient({}),
        rds: new RDSClient({}),
        secrets: new SecretsManagerClient({}),
        settings,
    });

    beforeEach(async () => {
        dynamo = await startStateTable();
        state = new StateStore(dynamo.client, dynamo.tableName);
        for (const m of [glue, lf, tagging, rds, secrets]) m.reset();
        lf.on(GrantPermissionsCommand).resolves({});
        // Default first: a later resolves() would replace the per-command behaviours.
        glue.resolves({});
        glue.on(GetDatabaseCommand).rejects(notFound());
        glue.on(GetConnectionCommand).rejects(notFound());
        glue.on(GetCrawlerCommand).rejects(notFound());
        glue.on(GetJobCommand).rejects(notFound());
        glue.on(GetWorkflowCommand).rejects(notFound());
        glue.on(GetTriggerCommand).rejects(notFound());
    });
    afterEach(() => dynamo.close());
    after(() => {
        for (const m of [glue, lf, tagging, rds, secrets]) m.restore();
    });

    it("catalogues opted-in sources, ignores the rest, and converges when another run created a crawler first (AlreadyExists)", async () => {
        const bucket = { arn: s3BucketArn("sales-raw"), kind: "s3" as const, name: "sales-raw", ...home };
        const table = { arn: dynamoDbTableArn("eu-west-1", account, "Music"), kind: "dynamodb" as const, name: "Music", ...home };
        await state.record(bucket, "2026-12-01T00:00:00Z", "test");
        await state.record(table, "2026-12-01T00:00:00Z", "test");
        tagging.on(GetResourcesCommand).resolves({
            ResourceTagMappingList: [
                {
                    ResourceARN: bucket.arn,
                    Tags: [
                        { Key: "lakewarden:discover", Value: "true" },
                        { Key: "lakewarden:dataset", Value: "company" },
                    ],
                },
                { ResourceARN: table.arn, Tags: [] },
            ],
        });
        glue.on(CreateCrawlerCommand).rejects(new AlreadyExistsException({ message: "exists", $metadata: {} }));
        const summary = await runCatalog(deps());
        assert.deepEqual(summary.catalogued, [bucket.arn]);
        assert.deepEqual(summary.ignored, [table.arn]);
        assert.deepEqual(summary.failed, []);
        const names = glueNames("dev", bucket);
        assert.equal(glue.commandCalls(UpdateCrawlerCommand)[0].args[0].input.Name, names.crawler("bucket"));
        assert.deepEqual(glue.commandCalls(CreateCrawlerCommand)[0].args[0].input.Targets, { S3Targets: [{ Path: "s3://sales-raw/" }] });
        assert.equal(glue.commandCalls(CreateDatabaseCommand)[0].args[0].input.DatabaseInput?.Parameters?.["lakewarden:dataset"], "company");
        const detect = glue
            .commandCalls(CreateTriggerCommand)
            .map(c => c.args[0].input)
            .find(t => t.Type === "CONDITIONAL");
        assert.deepEqual(detect?.Predicate?.Conditions, [{ LogicalOperator: "EQUALS", CrawlerName: names.crawler("bucket"), CrawlState: "SUCCEEDED" }]);
        assert.deepEqual(detect?.Actions, [{ JobName: names.job }]);
        const item = await state.get(bucket.arn);
        assert.equal(item?.status, "catalogued");
        assert.equal(item?.glueDatabase, names.database);
        // A second run finds nothing to do.
        glue.resetHistory();
        const again = await runCatalog(deps());
        assert.deepEqual(again.catalogued, []);
        assert.equal(glue.commandCalls(CreateJobCommand).length, 0);
    });

    it("an Aurora PostgreSQL cluster gets an SSL-enforced JDBC connection in its VPC and a crawler per schema; an AWS-managed secret blocks it", async () => {
        const cluster = { arn: `arn:aws:rds:eu-west-1:${account}:cluster:orders-cluster`, kind: "rds" as const, name: "orders-cluster", ...home };
        const other = { arn: `arn:aws:rds:eu-west-1:${account}:cluster:legacy`, kind: "rds" as const, name: "legacy", ...home };
        await state.record(cluster, "2026-12-01T00:00:00Z", "test");
        await state.record(other, "2026-12-01T00:00:00Z", "test");
        const optIn = [{ Key: "lakewarden:discover", Value: "true" }];
        tagging.on(GetResourcesCommand).resolves({
            ResourceTagMappingList: [
                { ResourceARN: cluster.arn, Tags: [...optIn, { Key: "lakewarden:schemas", Value: "public, sales" }] },
                { ResourceARN: other.arn, Tags: optIn },
            ],
        });
        const described = (id: string) => ({
            DBClusters: [
                {
                    DBClusterIdentifier: id,
                    Engine: "aurora-postgresql",
                    Endpoint: `${id}.cluster-abc.eu-west-1.rds.amazonaws.com`,
                    Port: 5432,
                    DatabaseName: "orders",
                    DBSubnetGroup: "orders-subnets",
                    VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-f839b688" }],
                    MasterUserSecret: { SecretArn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:rds!cluster-${id}-AbCdEf` },
                },
            ],
        });
        rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: "orders-cluster" }).resolves(described("orders-cluster"));
        rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: "legacy" }).resolves(described("legacy"));
        rds.on(DescribeDBSubnetGroupsCommand).resolves({
            DBSubnetGroups: [
                {
                    Subnets: [
                        { SubnetIdentifier: "subnet-b", SubnetStatus: "Active", SubnetAvailabilityZone: { Name: "eu-west-1b" } },
                        { SubnetIdentifier: "subnet-a", SubnetStatus: "Active", SubnetAvailabilityZone: { Name: "eu-west-1a" } },
                    ],
                },
            ],
        });
        secrets
            .on(DescribeSecretCommand, { SecretId: `arn:aws:secretsmanager:eu-west-1:${account}:secret:rds!cluster-orders-cluster-AbCdEf` })
            .resolves({ KmsKeyId: `arn:aws:kms:eu-west-1:${account}:key/1234` });
        secrets.on(DescribeSecretCommand, { SecretId: `arn:aws:secretsmanager:eu-west-1:${account}:secret:rds!cluster-legacy-AbCdEf` }).resolves({});
        const summary = await runCatalog(deps());
        assert.deepEqual(summary.catalogued, [cluster.arn]);
        assert.deepEqual(summary.blocked, [other.arn]);
        const connection = glue.commandCalls(CreateConnectionCommand)[0].args[0].input.ConnectionInput!;
        assert.equal(connection.ConnectionProperties?.JDBC_ENFORCE_SSL, "true");
        assert.equal(
            connection.ConnectionProperties?.JDBC_CONNECTION_URL,
            "jdbc:postgresql://orders-cluster.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders",
        );
        assert.equal(connection.ConnectionProperties?.SECRET_ID, `arn:aws:secretsmanager:eu-west-1:${account}:secret:rds!cluster-orders-cluster-AbCdEf`);
        assert.deepEqual(connection.PhysicalConnectionRequirements, {
            SubnetId: "subnet-a",
            AvailabilityZone: "eu-west-1a",
            SecurityGroupIdList: ["sg-f839b688"],
        });
        const paths = glue.commandCalls(CreateCrawlerCommand).map(c => c.args[0].input.Targets?.JdbcTargets?.[0].Path);
        assert.deepEqual(paths, ["orders/public/%", "orders/sales/%"]);
        assert.match((await state.get(other.arn))?.reason ?? "", /aws\/secretsmanager/);
    });

    it("a failing source keeps its status for the next run and does not stop the others", async () => {
        const a = { arn: s3BucketArn("bucket-a"), kind: "s3" as const, name: "bucket-a", ...home };
        const b = { arn: s3BucketArn("bucket-b"), kind: "s3" as const, name: "bucket-b", ...home };
        await state.record(a, "2026-12-01T00:00:00Z", "test");
        await state.record(b, "2026-12-01T00:00:00Z", "test");
        tagging
            .on(GetResourcesCommand)
            .resolves({ ResourceTagMappingList: [a, b].map(s => ({ ResourceARN: s.arn, Tags: [{ Key: "lakewarden:discover", Value: "true" }] })) });
        glue.on(CreateWorkflowCommand, { Name: glueNames("dev", a).workflow }).rejects(new Error("throttled"));
        const summary = await runCatalog(deps());
        assert.deepEqual(summary.catalogued, [b.arn]);
        assert.equal(summary.failed[0].arn, a.arn);
        const item = await state.get(a.arn);
        assert.equal(item?.status, "discovered");
        assert.equal(item?.failures, 1);
    });

    it("a retired source loses its triggers, workflow, job and crawlers (missing ones are fine); its catalog database stays", async () => {
        const bucket = { arn: s3BucketArn("gone-bucket"), kind: "s3" as const, name: "gone-bucket", ...home };
        const names = glueNames("dev", bucket);
        await state.record(bucket, "2026-12-01T00:00:00Z", "test");
        await state.transition(bucket.arn, "discovered", "catalogued", {
            glueDatabase: names.database,
            glueJob: names.job,
            glueCrawlers: names.crawler("bucket"),
        });
        await state.retire(bucket.arn, "2026-12-02T00:00:00Z", "DeleteBucket");
        tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
        glue.on(DeleteTriggerCommand, { Name: names.startTrigger }).rejects(notFound());
        const summary = await runCatalog(deps());
        assert.deepEqual(summary.cleaned, [bucket.arn]);
        assert.deepEqual(
            glue.commandCalls(DeleteTriggerCommand).map(c => c.args[0].input.Name),
            [names.startTrigger, names.detectTrigger],
        );
        assert.equal(glue.commandCalls(DeleteWorkflowCommand)[0].args[0].input.Name, names.workflow);
        assert.equal(glue.commandCalls(DeleteJobCommand)[0].args[0].input.JobName, names.job);
        assert.equal(glue.commandCalls(DeleteCrawlerCommand)[0].args[0].input.Name, names.crawler("bucket"));
        const item = await state.get(bucket.arn);
        assert.equal(item?.status, "retired");
        assert.equal(item?.glueJob, undefined);
        assert.equal(item?.glueDatabase, names.database);
        glue.resetHistory();
        assert.deepEqual((await runCatalog(deps())).cleaned, []);
        assert.equal(glue.commandCalls(DeleteJobCommand).length, 0);
    });
});
