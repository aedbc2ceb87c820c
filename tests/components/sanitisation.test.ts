import * as assert from "node:assert/strict";
import * as path from "node:path";
import { environmentFromConfig } from "../../config/environment";
import { sanitisationJobArguments } from "../../sanitise/job-arguments";
import { wildcardMatch } from "../../policy/lib/iam/document";
import { evaluatePolicy, type Request } from "../../policy/lib/iam/evaluate";
import { runPolicyPack } from "../policy/helpers";
import { readStackConfig } from "../../tools/offline/stack-config";
import { ofType, type RecordedResource, type Recording, sharedStack } from "../helpers/program";
import { docOf, type PolicyDoc } from "../helpers/documents";

// The deployed pairing of Pulumi.prod.yaml (hr-lake copies company to dev) and Pulumi.dev.yaml (dev's producer receives it).
const PROD = "222233334444";
const DEV = "777788889999";
const ROLE = `arn:aws:iam::${PROD}:role/lakewarden-prod-sanitise-dev`;
const DEV_BUCKET = "lw-dev-777788889999-eu-west-1-lower-env";
const TARGET_KEY = "arn:aws:kms:eu-west-1:777788889999:key/0d3c6f1e-5a7b-4c2d-9e8f-1a2b3c4d5e6f";

const under = (recording: Recording, component: string) => recording.resources.filter(r => r.urn.includes(`$lakewarden:sanitisation:${component}`));
const single = (resources: RecordedResource[], type: string, name?: string) => {
    const found = resources.filter(r => r.type === type && (name === undefined || r.props.name === name));
    assert.equal(found.length, 1, `one ${type} ${name ?? ""} (found ${found.length})`);
    return found[0];
};

describe("sanitisation, production side (prod: hr-lake → dev)", () => {
    let prod: Recording;
    let mine: RecordedResource[];
    let rolePolicy: PolicyDoc;
    before(async () => {
        prod = await sharedStack("prod");
        mine = under(prod, "");
        rolePolicy = docOf(mine.find(r => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "hr-lake-sanitise-dev-role")?.props.policy);
    });
    const asRole = (action: string, resource: string, context: Request["context"] = {}) =>
        evaluatePolicy(rolePolicy, { principal: { kind: "aws", arn: ROLE, account: PROD }, action, context }, resource);

    it("runs one Glue 5.0 PySpark job per table of company, in the producer account, with the model's arguments", () => {
        const env = environmentFromConfig("prod", readStackConfig("prod"));
        const company = env.datasets.find(d => d.database === "company");
        assert.ok(company);
        const jobs = ofType(prod, "aws:glue/job:Job").filter(j => String(j.props.name).includes("-sanitise-"));
        assert.deepEqual(jobs.map(j => j.props.name).sort(), [
            "lakewarden-prod-sanitise-dev-company-employees",
            "lakewarden-prod-sanitise-dev-company-products",
        ]);
        for (const job of jobs) {
            const table = String(job.props.name).split("-company-")[1];
            assert.equal(job.accountId, PROD);
            assert.equal(job.props.glueVersion, "5.0");
            assert.deepEqual(job.props.command, {
                name: "glueetl",
                pythonVersion: "3",
                scriptLocation: "s3://lw-prod-222233334444-eu-west-1-sanitise-dev/glue/sanitise/job.py",
            });
            assert.equal(job.props.roleArn, ROLE);
            assert.equal(job.props.securityConfiguration, "lakewarden-prod-sanitise-dev");
            assert.deepEqual(job.props.executionProperty, { maxConcurrentRuns: 1 });
            const expected = sanitisationJobArguments({
                dataset: company,
                table,
                sourceDatabase: "company",
                sourceTable: table,
                targetBucket: DEV_BUCKET,
                targetPrefix: `sanitised/company/${table}`,
                targetDatabase: "company_sanitised",
                targetTable: table,
                targetCatalogId: DEV,
                targetKeyArn: TARGET_KEY,
                tokenKeySecretArn: "arn:aws:secretsmanager:eu-west-1:222233334444:secret:lakewarden/prod/sanitise/dev/token-key",
                detectionsUri: "s3://lw-prod-222233334444-eu-west-1-discovery/detections/records/company.json",
            });
            assert.deepEqual(job.props.defaultArguments, {
                ...expected,
                "--extra-py-files": "s3://lw-prod-222233334444-eu-west-1-sanitise-dev/glue/sanitise/core.py",
                "--custom-logGroup-prefix": "/aws-glue/sanitise/prod-dev",
                "--enable-metrics": "true",
            });
            assert.equal((job.props.defaultArguments as Record<string, string>)["--job-bookmark-option"], "job-bookmark-enable");
        }
    });

    it("ships job.py and core.py of glue/sanitise as assets to its own SSE-KMS scripts bucket", () => {
        const objects = mine.filter(r => r.type === "aws:s3/bucketObjectv2:BucketObjectv2");
        assert.deepEqual(objects.map(o => o.props.key).sort(), ["glue/sanitise/core.py", "glue/sanitise/job.py"]);
        for (const o of objects) {
            assert.equal(o.props.bucket, "lw-prod-222233334444-eu-west-1-sanitise-dev");
            assert.equal(o.props.serverSideEncryption, "aws:kms");
            const source = o.props.source as { path: string };
            assert.equal(source.path, path.join(__dirname, "..", "..", "glue", "sanitise", String(o.props.key).split("/").pop() ?? ""));
        }
        const encryption = mine.find(r => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        assert.ok(encryption);
    });

    it("encrypts S3 output with the target's key and logs and bookmarks with the pairing's key", () => {
        const config = single(mine, "aws:glue/securityConfiguration:SecurityConfiguration").props.encryptionConfiguration as Record<
            string,
            Record<string, string>
        >;
        const keyArn = mine.find(r => r.type === "aws:kms/alias:Alias" && r.props.name === "alias/lakewarden/prod/sanitise-dev");
        assert.ok(keyArn);
        assert.deepEqual(config.s3Encryption, { s3EncryptionMode: "SSE-KMS", kmsKeyArn: TARGET_KEY });
        assert.equal(config.cloudwatchEncryption.cloudwatchEncryptionMode, "SSE-KMS");
        assert.equal(config.jobBookmarksEncryption.jobBookmarksEncryptionMode, "CSE-KMS");
        assert.equal(config.cloudwatchEncryption.kmsKeyArn, config.jobBookmarksEncryption.kmsKeyArn);
        assert.match(config.cloudwatchEncryption.kmsKeyArn, /^arn:aws:kms:eu-west-1:222233334444:key\//);
        for (const group of mine.filter(r => r.type === "aws:cloudwatch/logGroup:LogGroup" && String(r.props.name).startsWith("/aws-glue/"))) {
            assert.equal(group.props.kmsKeyId, config.cloudwatchEncryption.kmsKeyArn);
        }
    });

    it("gives the role least privilege: production prefixes read-only, target prefixes written, namespace-bound metrics, its secret", () => {
        const curated = "arn:aws:s3:::lw-prod-222233334444-eu-west-1-curated";
        const viaS3 = { "kms:ViaService": "s3.eu-west-1.amazonaws.com" };
        assert.equal(asRole("s3:GetObject", `${curated}/company/employees/part-0.parquet`), "allowed");
        assert.equal(asRole("s3:GetObject", `${curated}/sales/orders/part-0.parquet`), "implicit-deny");
        assert.equal(asRole("s3:PutObject", `${curated}/company/employees/x`), "implicit-deny");
        assert.equal(asRole("s3:ListBucket", curated, { "s3:prefix": "company/products/" }), "allowed");
        assert.equal(asRole("s3:ListBucket", curated, { "s3:prefix": "sales/" }), "implicit-deny");
        const dataKey = `arn:aws:kms:eu-west-1:${PROD}:key/any`;
        assert.equal(asRole("kms:Decrypt", dataKey, { ...viaS3, "kms:ResourceAliases": ["alias/lakewarden/prod/data"] }), "allowed");
        for (const write of ["kms:Encrypt", "kms:GenerateDataKey"]) {
            assert.equal(asRole(write, dataKey, { ...viaS3, "kms:ResourceAliases": ["alias/lakewarden/prod/data"] }), "implicit-deny", write);
        }
        const target = `arn:aws:s3:::${DEV_BUCKET}`;
        const inDev = { "s3:ResourceAccount": DEV };
        for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
            assert.equal(asRole(action, `${target}/sanitised/company/_staging/employees/run/x.parquet`, inDev), "allowed", action);
            assert.equal(asRole(action, `${target}/other/x`, inDev), "implicit-deny", action);
            assert.equal(asRole(action, `${target}/sanitised/company/employees/x`, { "s3:ResourceAccount": "999999999999" }), "implicit-deny", action);
        }
        assert.equal(asRole("s3:ListBucket", target, { ...inDev, "s3:prefix": "sanitised/company/employees/" }), "allowed");
        assert.equal(asRole("kms:GenerateDataKey", TARGET_KEY, viaS3), "allowed");
        assert.equal(asRole("kms:GenerateDataKey", TARGET_KEY), "implicit-deny");
        assert.equal(asRole("glue:CreateTable", `arn:aws:glue:eu-west-1:${DEV}:table/company_sanitised/employees`), "allowed");
        assert.equal(asRole("glue:CreatePartition", `arn:aws:glue:eu-west-1:${DEV}:table/company_sanitised/employees`), "allowed");
        assert.equal(asRole("glue:CreateTable", `arn:aws:glue:eu-west-1:${PROD}:table/company/employees`), "implicit-deny");
        assert.equal(asRole("glue:GetTable", `arn:aws:glue:eu-west-1:${PROD}:table/company/employees`), "allowed");
        assert.equal(asRole("glue:GetTable", `arn:aws:glue:eu-west-1:${PROD}:table/sales/orders`), "implicit-deny");
        assert.equal(asRole("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "lakewarden/sanitisation" }), "allowed");
        assert.equal(asRole("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "AWS/Glue" }), "implicit-deny");
        const secret = `arn:aws:secretsmanager:eu-west-1:${PROD}:secret:lakewarden/prod/sanitise/dev/token-key-AbCdEf`;
        assert.equal(asRole("secretsmanager:GetSecretValue", secret), "allowed");
        assert.equal(asRole("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:eu-west-1:${PROD}:secret:rds!cluster-1-AbCdEf`), "implicit-deny");
        const discovery = "arn:aws:s3:::lw-prod-222233334444-eu-west-1-discovery";
        assert.equal(asRole("s3:GetObject", `${discovery}/detections/records/company.json`), "allowed");
        assert.equal(asRole("s3:GetObject", `${discovery}/detections/records/sales.json`), "implicit-deny");
        const logs = `arn:aws:logs:eu-west-1:${PROD}:log-group:/aws-glue/sanitise/prod-dev/error:log-stream:jr_1-driver`;
        assert.equal(asRole("logs:PutLogEvents", logs), "allowed");
        assert.equal(asRole("logs:PutLogEvents", `arn:aws:logs:eu-west-1:${PROD}:log-group:/aws-glue/jobs/error:log-stream:x`), "implicit-deny");
        assert.ok(
            rolePolicy.Statement.every(s => s.Action.every(a => !a.endsWith("*"))),
            "no wildcard actions",
        );
    });

    it("grants the role SELECT on exactly the source tables and CREATE_TABLE on the target database", () => {
        const grants = mine.filter(r => r.type === "aws:lakeformation/permissions:Permissions");
        assert.deepEqual(
            grants.map(g => [g.props.principal, g.props.permissions, g.props.table ?? g.props.database]),
            [
                [ROLE, ["DESCRIBE", "SELECT"], { databaseName: "company", name: "employees" }],
                [ROLE, ["DESCRIBE", "SELECT"], { databaseName: "company", name: "products" }],
                [ROLE, ["ALTER", "CREATE_TABLE", "DESCRIBE"], { name: "company_sanitised", catalogId: DEV }],
            ],
        );
    });

    it("keeps the tokenisation key in a customer-key secret with rotation by its Lambda, which resets the bookmarks", () => {
        const secret = single(mine, "aws:secretsmanager/secret:Secret");
        assert.equal(secret.props.name, "lakewarden/prod/sanitise/dev/token-key");
        assert.match(String(secret.props.kmsKeyId), /^arn:aws:kms:eu-west-1:222233334444:key\//);
        assert.equal(ofType(prod, "aws:secretsmanager/secretVersion:SecretVersion").filter(v => v.urn.includes("sanitisation")).length, 0, "no key in state");
        const rotation = single(mine, "aws:secretsmanager/secretRotation:SecretRotation");
        assert.deepEqual(rotation.props.rotationRules, { automaticallyAfterDays: 90 });
        assert.equal(rotation.props.rotationLambdaArn, `arn:aws:lambda:eu-west-1:${PROD}:function:lakewarden-prod-sanitise-dev-key-rotation`);
        const fn = single(mine, "aws:lambda/function:Function");
        assert.deepEqual(JSON.parse((fn.props.environment as { variables: Record<string, string> }).variables.JOB_NAMES), [
            "lakewarden-prod-sanitise-dev-company-employees",
            "lakewarden-prod-sanitise-dev-company-products",
        ]);
        const permission = single(mine, "aws:lambda/permission:Permission");
        assert.equal(permission.props.principal, "secretsmanager.amazonaws.com");
        assert.equal(permission.props.sourceAccount, PROD);
        const fnPolicy = docOf(mine.find(r => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.includes("rotation"))?.props.policy);
        const rotate = fnPolicy.Statement.find(s => s.Sid === "RotateTheSecret");
        assert.deepEqual(rotate?.Resource, ["arn:aws:secretsmanager:eu-west-1:222233334444:secret:lakewarden/prod/sanitise/dev/token-key-??????"]);
    });

    it("runs the jobs from a workflow on the configured schedule, and on demand", () => {
        const workflow = single(mine, "aws:glue/workflow:Workflow");
        assert.equal(workflow.props.name, "lakewarden-prod-sanitise-dev-company");
        const triggers = mine.filter(r => r.type === "aws:glue/trigger:Trigger");
        const jobs = [{ jobName: "lakewarden-prod-sanitise-dev-company-employees" }, { jobName: "lakewarden-prod-sanitise-dev-company-products" }];
        const scheduled = triggers.find(t => t.props.type === "SCHEDULED");
        const onDemand = triggers.find(t => t.props.type === "ON_DEMAND");
        assert.equal(scheduled?.props.schedule, "cron(0 3 * * ? *)");
        assert.equal(scheduled?.props.workflowName, "lakewarden-prod-sanitise-dev-company");
        assert.deepEqual(scheduled?.props.actions, jobs);
        assert.deepEqual(onDemand?.props.actions, jobs);
    });

    it("alarms on failed runs (Glue Job State Change) and on refused columns, and charts rows read, written and refused", () => {
        const rule = single(mine, "aws:cloudwatch/eventRule:EventRule");
        assert.deepEqual(JSON.parse(String(rule.props.eventPattern)), {
            source: ["aws.glue"],
            "detail-type": ["Glue Job State Change"],
            detail: {
                jobName: ["lakewarden-prod-sanitise-dev-company-employees", "lakewarden-prod-sanitise-dev-company-products"],
                state: ["ERROR", "FAILED", "STOPPED", "TIMEOUT"],
            },
        });
        const topic = single(mine, "aws:sns/topic:Topic");
        assert.match(String(topic.props.kmsMasterKeyId), /:key\//);
        const alarms = mine.filter(r => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(
            alarms.map(a => [a.props.namespace, a.props.metricName, a.props.dimensions]),
            [
                ["lakewarden/sanitisation", "ColumnsRefused", { Dataset: "company", Table: "employees" }],
                ["lakewarden/sanitisation", "ColumnsRefused", { Dataset: "company", Table: "products" }],
            ],
        );
        const body = JSON.parse(String(single(mine, "aws:cloudwatch/dashboard:Dashboard").props.dashboardBody)) as {
            widgets: { properties: { metrics: string[][] } }[];
        };
        assert.deepEqual([...new Set(body.widgets[0].properties.metrics.map(m => m[1]))], ["RowsRead", "RowsWritten", "ColumnsRefused"]);
    });

    it("is clean under the policy pack with prod's config", () => {
        const result = runPolicyPack(prod.resources, { configFile: path.join(__dirname, "../../policy/config/prod.json") });
        assert.deepEqual(
            result.violations.filter(v => v.urn?.includes("lakewarden:sanitisation")).map(v => `${v.policyName}: ${v.resourceName}: ${v.message}`),
            [],
        );
    });
});

describe("sanitisation, lower-environment side (dev receives from prod)", () => {
    let dev: Recording;
    let bucketPolicy: PolicyDoc;
    let keyPolicy: PolicyDoc;
    before(async () => {
        dev = await sharedStack("dev");
        bucketPolicy = docOf(dev.resources.find(r => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name === "producer-lower-env")?.props.policy);
        keyPolicy = docOf(under(dev, "SanitisedDestination").find(r => r.type === "aws:kms/key:Key")?.props.policy);
    });
    const request = (arn: string, action: string, context: Request["context"] = {}): Request => ({
        principal: { kind: "aws", arn, account: arn.split(":")[4] },
        accountDelegation: true,
        action,
        context: { "aws:PrincipalArn": arn, ...context },
    });

    it("lets exactly the production job role write under the prefix of the lower-env bucket", () => {
        // A resource policy is evaluated on principal, action and conditions: keep the statements that cover the object.
        const on = (object: string): PolicyDoc => ({ Statement: bucketPolicy.Statement.filter(s => (s.Resource ?? []).some(r => wildcardMatch(r, object))) });
        const object = `arn:aws:s3:::${DEV_BUCKET}/sanitised/company/employees/part-0.parquet`;
        const tls = { "aws:SecureTransport": true, "s3:x-amz-server-side-encryption": "aws:kms" };
        for (const action of ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]) {
            assert.equal(evaluatePolicy(on(object), request(ROLE, action, tls)), "allowed", action);
            assert.equal(evaluatePolicy(on(`arn:aws:s3:::${DEV_BUCKET}/curated/x`), request(ROLE, action, tls)), "implicit-deny", action);
        }
        assert.equal(evaluatePolicy(on(object), request(ROLE, "s3:PutObject", { ...tls, "aws:SecureTransport": false })), "denied");
        const other = `arn:aws:iam::${PROD}:role/lakewarden-prod-analytics`;
        assert.equal(evaluatePolicy(on(object), request(other, "s3:PutObject", tls)), "implicit-deny");
        const statements = bucketPolicy.Statement.filter(s => s.Sid.startsWith("SanitisationJob"));
        assert.deepEqual(
            statements.map(s => [s.Sid, s.Principal, s.Resource, s.Condition?.ArnEquals]),
            [
                ["SanitisationJobLists", { AWS: `arn:aws:iam::${PROD}:root` }, [`arn:aws:s3:::${DEV_BUCKET}`], { "aws:PrincipalArn": ROLE }],
                ["SanitisationJobWrites", { AWS: `arn:aws:iam::${PROD}:root` }, [`arn:aws:s3:::${DEV_BUCKET}/sanitised/*`], { "aws:PrincipalArn": ROLE }],
            ],
        );
        assert.deepEqual(statements[0].Condition?.StringLike, { "s3:prefix": "sanitised/*" });
        const ownership = dev.resources.find(r => r.type === "aws:s3/bucketOwnershipControls:BucketOwnershipControls" && r.name === "producer-lower-env");
        assert.deepEqual(ownership?.props.rule, { objectOwnership: "BucketOwnerEnforced" });
    });

    it("encrypts the lower-env bucket with its own key, which the job role may use through S3 only", () => {
        const destination = under(dev, "SanitisedDestination");
        const alias = destination.find(r => r.type === "aws:kms/alias:Alias");
        assert.equal(alias?.props.name, "alias/lakewarden/dev/lower-env");
        const sse = dev.resources.find(
            r => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration" && r.name === "producer-lower-env",
        );
        const key = destination.find(r => r.type === "aws:kms/key:Key");
        const rules = sse?.props.rules as { applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }[];
        assert.match(rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId, new RegExp(`^arn:aws:kms:eu-west-1:${DEV}:key/`));
        assert.ok(key);
        const viaS3 = { "kms:ViaService": "s3.eu-west-1.amazonaws.com" };
        assert.equal(evaluatePolicy(keyPolicy, request(ROLE, "kms:GenerateDataKey", viaS3)), "allowed");
        assert.equal(evaluatePolicy(keyPolicy, request(ROLE, "kms:GenerateDataKey")), "implicit-deny");
        assert.equal(evaluatePolicy(keyPolicy, request(`arn:aws:iam::${PROD}:role/other`, "kms:GenerateDataKey", viaS3)), "implicit-deny");
        assert.equal(evaluatePolicy(keyPolicy, request(ROLE, "kms:Encrypt", viaS3)), "implicit-deny");
    });

    it("creates the sanitised database and grants it to the production account, which passes it to the job role", () => {
        const destination = under(dev, "SanitisedDestination");
        const database = destination.find(r => r.type === "aws:glue/catalogDatabase:CatalogDatabase");
        assert.equal(database?.props.name, "company_sanitised");
        assert.deepEqual(database?.props.createTableDefaultPermissions, []);
        const grant = destination.find(r => r.type === "aws:lakeformation/permissions:Permissions");
        assert.equal(grant?.props.principal, PROD);
        assert.deepEqual(grant?.props.permissions, ["ALTER", "CREATE_TABLE", "DESCRIBE"]);
        assert.deepEqual(grant?.props.database, { name: "company_sanitised", catalogId: DEV });
    });

    it("deploys no sanitisation job in dev and no destination in prod", async () => {
        const prod = await sharedStack("prod");
        assert.equal(under(dev, "ProductionSanitisation").length, 0);
        assert.equal(under(prod, "SanitisedDestination").length, 0);
    });
});
