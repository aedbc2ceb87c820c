// Time to evaluate the lakewarden pack offline: over the dev program's resources (recorded by the
// offline plan) and over a generated program of 5,000 resources. Run:
//   npx ts-node --transpile-only bench/policy.ts
import * as path from "path";
import { type PlannedResource, runPolicyPack, UNKNOWN } from "../policy/runner";

const TARGET_PER_SECOND = 2000;
const CONFIG_DIR = path.join(__dirname, "..", "policy", "config");
const ACCOUNTS = ["111111111111", "222222222222", "333333333333", "444444444444"];
const ORG = "o-lw0example1";

function urn(type: string, name: string): string {
    return `urn:pulumi:bench::lakewarden::${type}::${name}`;
}

const opts = (deleteBeforeReplace?: boolean): PlannedResource["opts"] => ({ protect: false, deleteBeforeReplace, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] });

function provider(account: string): PlannedResource {
    return {
        urn: urn("pulumi:providers:aws", `acct-${account}`),
        type: "pulumi:providers:aws",
        name: `acct-${account}`,
        props: {
            region: "eu-west-1",
            allowedAccountIds: JSON.stringify([account]),
            assumeRoles: JSON.stringify([{ roleArn: `arn:aws:iam::${account}:role/lakewarden-deploy`, sessionName: "lakewarden-bench" }]),
            defaultTags: JSON.stringify({ tags: { project: "lakewarden" } }),
        },
        dependencies: [],
        propertyDependencies: {},
        opts: opts(),
    };
}

/** One data product: a secured bucket, its key, a workload, a classified table and its grants. */
function unit(i: number, providers: PlannedResource[]): PlannedResource[] {
    const p = providers[i % providers.length];
    const account = ACCOUNTS[i % ACCOUNTS.length];
    const consumer = ACCOUNTS[(i + 1) % ACCOUNTS.length];
    const ref = { urn: p.urn, name: p.name, type: p.type, props: p.props };
    const out: PlannedResource[] = [];
    const add = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}, dbr?: boolean) => {
        const r: PlannedResource = { urn: urn(type, `${name}-${i}`), type, name: `${name}-${i}`, props, provider: ref, dependencies: Object.values(deps).flat(), propertyDependencies: deps, opts: opts(dbr) };
        out.push(r);
        return r;
    };
    const key = add("aws:kms/key:Key", "key", {
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }, { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${consumer}:role/analyst` }, Action: ["kms:Decrypt"], Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } }] },
    });
    const name = `lw-${i}`;
    const bucket = add("aws:s3/bucket:Bucket", "bucket", { bucket: name });
    const on = { bucket: [bucket.urn] };
    add("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse", { bucket: UNKNOWN, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN }, bucketKeyEnabled: true }] }, { ...on, rules: [key.urn] });
    add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", { bucket: UNKNOWN, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, on);
    add("aws:s3/bucketPolicy:BucketPolicy", "policy", { bucket: UNKNOWN, policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [UNKNOWN, UNKNOWN], Condition: { Bool: { "aws:SecureTransport": "false" } } }] } }, on);
    add("aws:s3/bucketVersioning:BucketVersioning", "versioning", { bucket: UNKNOWN, versioningConfiguration: { status: "Enabled" } }, on);
    add("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "ownership", { bucket: UNKNOWN, rule: { objectOwnership: "BucketOwnerEnforced" } }, on);
    if (i > 0) {
        // Unit 0's bucket is the access-log destination of all the others.
        add("aws:s3/bucketLogging:BucketLogging", "logging", { bucket: UNKNOWN, targetBucket: "lw-0", targetPrefix: `${name}/` }, on);
    }
    add("aws:iam/role:Role", "role", { assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }] } });
    add("aws:iam/rolePolicy:RolePolicy", "role-policy", { role: `role-${i}`, policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [UNKNOWN] }, { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [UNKNOWN] }] } });
    const column = (n: string, c: string) => ({ name: n, type: "string", parameters: { "lakewarden:classification": c } });
    add("aws:glue/catalogTable:CatalogTable", "table", { databaseName: `db${i}`, name: "people", storageDescriptor: { columns: [column("id", "internal"), column("email", "pii"), column("country", "public")] } });
    add("aws:lakeformation/dataCellsFilter:DataCellsFilter", "filter", { tableData: { databaseName: `db${i}`, name: "eu", tableCatalogId: account, tableName: "people", rowFilter: { filterExpression: "country = 'eu'" }, columnNames: ["country", "id"] } });
    add("aws:lakeformation/permissions:Permissions", "grant-db", { principal: consumer, database: { name: `db${i}` }, permissions: ["DESCRIBE"], permissionsWithGrantOptions: ["DESCRIBE"] }, {}, true);
    add("aws:lakeformation/permissions:Permissions", "grant-cols", { principal: consumer, tableWithColumns: { databaseName: `db${i}`, name: "people", columnNames: ["country", "id"] }, permissions: ["SELECT"], permissionsWithGrantOptions: ["SELECT"] }, {}, true);
    add("aws:lakeformation/permissions:Permissions", "grant-filter", { principal: consumer, dataCellsFilter: { databaseName: `db${i}`, name: "eu", tableCatalogId: account, tableName: "people" }, permissions: ["SELECT"], permissionsWithGrantOptions: [] }, {}, true);
    add("aws:sqs/queue:Queue", "queue", { kmsMasterKeyId: UNKNOWN });
    add("aws:sns/topic:Topic", "topic", { kmsMasterKeyId: UNKNOWN });
    add("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 365, kmsKeyId: UNKNOWN });
    add("aws:lambda/function:Function", "fn", { role: UNKNOWN, kmsKeyArn: UNKNOWN, environment: { variables: { BUCKET: name } } });
    add("aws:lambda/permission:Permission", "invoke", { action: "lambda:InvokeFunction", function: UNKNOWN, principal: "events.amazonaws.com", sourceArn: UNKNOWN });
    add("aws:dynamodb/table:Table", "ddb", { serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN }, pointInTimeRecovery: { enabled: true } });
    add("aws:sfn/stateMachine:StateMachine", "sfn", { encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: UNKNOWN }, loggingConfiguration: { level: "ALL", logDestination: UNKNOWN } });
    add("aws:secretsmanager/secret:Secret", "secret", { kmsKeyId: UNKNOWN });
    add("aws:ec2/launchTemplate:LaunchTemplate", "lt", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: UNKNOWN } }], networkInterfaces: [{ associatePublicIpAddress: "false" }] });
    return out;
}

/** Whole units up to `size`, topped up with encrypted queues to exactly `size` resources. */
export function generateProgram(size: number): PlannedResource[] {
    const providers = ACCOUNTS.map(provider);
    const resources = [...providers];
    for (let i = 0; ; i++) {
        const next = unit(i, providers);
        if (resources.length + next.length > size) {
            const ref = { urn: providers[0].urn, name: providers[0].name, type: providers[0].type, props: providers[0].props };
            for (let q = 0; resources.length < size; q++) {
                resources.push({ urn: urn("aws:sqs/queue:Queue", `extra-${q}`), type: "aws:sqs/queue:Queue", name: `extra-${q}`, props: { kmsMasterKeyId: UNKNOWN }, provider: ref, dependencies: [], propertyDependencies: {}, opts: opts() });
            }
            return resources;
        }
        resources.push(...next);
    }
}

function measure(label: string, resources: PlannedResource[], configFile: string, rounds: number): void {
    runPolicyPack(resources.slice(0, 50), { configFile, preview: true }); // warm caches and the JIT
    const started = process.hrtime.bigint();
    let result = runPolicyPack(resources, { configFile, preview: true });
    for (let r = 1; r < rounds; r++) {
        result = runPolicyPack(resources, { configFile, preview: true });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9 / rounds;
    const perSecond = resources.length / seconds;
    const mandatory = result.violations.filter(v => v.enforcementLevel === "mandatory").length;
    console.log(
        `${label}: ${resources.length} resources x ${result.policiesRun} policies in ${(seconds * 1000).toFixed(0)} ms ` +
            `-> ${perSecond.toFixed(0)} resources/s (${(perSecond / TARGET_PER_SECOND).toFixed(2)}x the ${TARGET_PER_SECOND}/s target); ` +
            `${mandatory} mandatory / ${result.violations.length} violations`,
    );
}

async function devProgram(): Promise<PlannedResource[] | string> {
    try {
        const plan = require("../tools/plan") as { runPlan(o: { stack: string }): Promise<{ resources: PlannedResource[] }> };
        return (await plan.runPlan({ stack: "dev" })).resources;
    } catch (error) {
        return (error as Error).message;
    }
}

async function main(): Promise<void> {
    const dev = await devProgram();
    if (typeof dev === "string") {
        console.log(`dev program: not available (${dev})`);
    } else {
        measure("dev program", dev, path.join(CONFIG_DIR, "dev.json"), 20);
    }
    measure("generated program", generateProgram(5000), path.join(CONFIG_DIR, "prod.json"), 3);
}

if (require.main === module) {
    void main();
}
