// Time to evaluate the lakewarden pack: the way the Pulumi engine runs it (the pack served over
// gRPC by @pulumi/policy's server: Analyze per resource, then AnalyzeStack, each deserialising
// properties per policy) and the way the offline runner does, over the dev program's resources
// and a generated program of 5,000; then the older, smaller awsguard pack on the engine path over
// the same resources, when it is installed outside the repository (it pins @pulumi/aws ^4):
//   npm install --prefix /tmp/awsguard @pulumi/awsguard@0.3.1
//   npx ts-node bench/policy.ts [--awsguard /tmp/awsguard] [--no-dev]
// Beside them, the floor: the same policies checking nothing (names, types, config and exemption
// handling kept), served the same way, which is what the server's own work per policy costs.
import { readFileSync } from "fs";
import { createRequire } from "module";
import * as path from "path";
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import type * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeResponse } from "@pulumi/pulumi/proto/analyzer_pb";
import { type LakewardenPolicy, resourcePolicy, stackPolicy } from "../policy/lib/define";
import { reconcilePolicyPackConfig } from "../policy/lib/engine-config";
import { lakewardenPolicies } from "../policy/policies";
import type { StackConfig } from "../policy/lib/org-config";
import { type PlannedResource, runPolicyPack, UNKNOWN } from "../policy/runner";
import { analyzeRequest, call, configureRequest, connect, diagnostics, LEVEL_NUMBERS, stackRequest } from "../support/policy-engine";
import { readStackConfig } from "../tools/offline/stack-config";

const TARGET_PER_SECOND = 2000;
/** lakewarden/awsguard on the engine path at the previous measurement (stop 22): per resource and CPU. */
const PREVIOUS = { perResource: 1.32, cpu: 1.25 };
const CONFIG_DIR = path.join(__dirname, "..", "policy", "config");
const ACCOUNTS = ["111111111111", "222222222222", "333333333333", "444444444444"];
const ORG = "o-lw0example1";

function urn(type: string, name: string): string {
    return `urn:pulumi:bench::lakewarden::${type}::${name}`;
}

const opts = (deleteBeforeReplace?: boolean): PlannedResource["opts"] => ({
    protect: false,
    deleteBeforeReplace,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
});

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
        const r: PlannedResource = {
            urn: urn(type, `${name}-${i}`),
            type,
            name: `${name}-${i}`,
            props,
            provider: ref,
            dependencies: Object.values(deps).flat(),
            propertyDependencies: deps,
            opts: opts(dbr),
        };
        out.push(r);
        return r;
    };
    const key = add("aws:kms/key:Key", "key", {
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
                {
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${consumer}:role/analyst` },
                    Action: ["kms:Decrypt"],
                    Resource: "*",
                    Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
                },
            ],
        },
    });
    const name = `lw-${i}`;
    const bucket = add("aws:s3/bucket:Bucket", "bucket", { bucket: name });
    const on = { bucket: [bucket.urn] };
    add(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "sse",
        { bucket: UNKNOWN, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN }, bucketKeyEnabled: true }] },
        { ...on, rules: [key.urn] },
    );
    add(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "pab",
        { bucket: UNKNOWN, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        on,
    );
    add(
        "aws:s3/bucketPolicy:BucketPolicy",
        "policy",
        {
            bucket: UNKNOWN,
            policy: {
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [UNKNOWN, UNKNOWN], Condition: { Bool: { "aws:SecureTransport": "false" } } },
                ],
            },
        },
        on,
    );
    add("aws:s3/bucketVersioning:BucketVersioning", "versioning", { bucket: UNKNOWN, versioningConfiguration: { status: "Enabled" } }, on);
    add("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "ownership", { bucket: UNKNOWN, rule: { objectOwnership: "BucketOwnerEnforced" } }, on);
    if (i > 0) {
        // Unit 0's bucket is the access-log destination of all the others.
        add("aws:s3/bucketLogging:BucketLogging", "logging", { bucket: UNKNOWN, targetBucket: "lw-0", targetPrefix: `${name}/` }, on);
    }
    add("aws:iam/role:Role", "role", {
        assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }] },
    });
    add("aws:iam/rolePolicy:RolePolicy", "role-policy", {
        role: `role-${i}`,
        policy: {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [UNKNOWN] },
                { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [UNKNOWN] },
            ],
        },
    });
    const column = (n: string, c: string) => ({ name: n, type: "string", parameters: { "lakewarden:classification": c } });
    add("aws:glue/catalogTable:CatalogTable", "table", {
        databaseName: `db${i}`,
        name: "people",
        storageDescriptor: { columns: [column("id", "internal"), column("email", "pii"), column("country", "public")] },
    });
    add("aws:lakeformation/dataCellsFilter:DataCellsFilter", "filter", {
        tableData: {
            databaseName: `db${i}`,
            name: "eu",
            tableCatalogId: account,
            tableName: "people",
            rowFilter: { filterExpression: "country = 'eu'" },
            columnNames: ["country", "id"],
        },
    });
    add(
        "aws:lakeformation/permissions:Permissions",
        "grant-db",
        { principal: consumer, database: { name: `db${i}` }, permissions: ["DESCRIBE"], permissionsWithGrantOptions: ["DESCRIBE"] },
        {},
        true,
    );
    add(
        "aws:lakeformation/permissions:Permissions",
        "grant-cols",
        {
            principal: consumer,
            tableWithColumns: { databaseName: `db${i}`, name: "people", columnNames: ["country", "id"] },
            permissions: ["SELECT"],
            permissionsWithGrantOptions: ["SELECT"],
        },
        {},
        true,
    );
    add(
        "aws:lakeformation/permissions:Permissions",
        "grant-filter",
        {
            principal: consumer,
            dataCellsFilter: { databaseName: `db${i}`, name: "eu", tableCatalogId: account, tableName: "people" },
            permissions: ["SELECT"],
            permissionsWithGrantOptions: [],
        },
        {},
        true,
    );
    add("aws:sqs/queue:Queue", "queue", { kmsMasterKeyId: UNKNOWN });
    add("aws:sns/topic:Topic", "topic", { kmsMasterKeyId: UNKNOWN });
    add("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 365, kmsKeyId: UNKNOWN });
    add("aws:lambda/function:Function", "fn", { role: UNKNOWN, kmsKeyArn: UNKNOWN, environment: { variables: { BUCKET: name } } });
    add("aws:lambda/permission:Permission", "invoke", {
        action: "lambda:InvokeFunction",
        function: UNKNOWN,
        principal: "events.amazonaws.com",
        sourceArn: UNKNOWN,
    });
    add("aws:dynamodb/table:Table", "ddb", { serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN }, pointInTimeRecovery: { enabled: true } });
    add("aws:sfn/stateMachine:StateMachine", "sfn", {
        encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: UNKNOWN },
        loggingConfiguration: { level: "ALL", logDestination: UNKNOWN },
    });
    add("aws:secretsmanager/secret:Secret", "secret", { kmsKeyId: UNKNOWN });
    add("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: UNKNOWN } }],
        networkInterfaces: [{ associatePublicIpAddress: "false" }],
    });
    return out;
}

/** Whole units up to `size`, topped up with encrypted queues to exactly `size` resources. */
function generateProgram(size: number): PlannedResource[] {
    const providers = ACCOUNTS.map(provider);
    const resources = [...providers];
    for (let i = 0; ; i++) {
        const next = unit(i, providers);
        if (resources.length + next.length > size) {
            const ref = { urn: providers[0].urn, name: providers[0].name, type: providers[0].type, props: providers[0].props };
            for (let q = 0; resources.length < size; q++) {
                resources.push({
                    urn: urn("aws:sqs/queue:Queue", `extra-${q}`),
                    type: "aws:sqs/queue:Queue",
                    name: `extra-${q}`,
                    props: { kmsMasterKeyId: UNKNOWN },
                    provider: ref,
                    dependencies: [],
                    propertyDependencies: {},
                    opts: opts(),
                });
            }
            return resources;
        }
        resources.push(...next);
    }
}

interface Figure {
    seconds: number;
    /** Of which AnalyzeStack (the engine path only). */
    stackSeconds?: number;
    /**
     * CPU time of this process (the served pack and the engine's client, all threads) over the
     * engine path's window: steadier than wall time when other work shares the machine.
     */
    cpuSeconds?: number;
    /** Bytes the pack answered with per resource (diagnostics and not-applicable entries). */
    responseBytes?: number;
    resources: number;
    violations: number;
    mandatory: number;
}

const perResource = (f: Figure) => (f.seconds * 1e6) / f.resources;

function print(label: string, f: Figure, extra = ""): void {
    console.log(
        `  ${label.padEnd(26)} ${(f.seconds * 1000).toFixed(0).padStart(6)} ms  ${perResource(f).toFixed(0).padStart(5)} us/resource  ` +
            `${(f.resources / f.seconds).toFixed(0).padStart(6)} resources/s  ${f.mandatory} mandatory / ${f.violations} violations` +
            `${f.stackSeconds === undefined ? "" : ` (AnalyzeStack ${(f.stackSeconds * 1000).toFixed(0)} ms)`}` +
            `${f.cpuSeconds === undefined ? "" : `  ${((f.cpuSeconds * 1e6) / f.resources).toFixed(0)} us CPU/resource`}` +
            `${f.responseBytes === undefined ? "" : `  ${f.responseBytes.toFixed(0)} B answered/resource`}${extra}`,
    );
}

/**
 * The stack config both paths judge against (the organisation id the pack reads from it): the dev
 * stack's, whose organisation the generated program's conditions name too.
 */
const STACK: StackConfig = { name: "dev", config: readStackConfig("dev") };

function runner(resources: PlannedResource[], configFile: string, rounds: number): Figure {
    const options = { configFile, preview: true, stack: STACK };
    // Warm caches and the JIT over the whole program (the runner refuses an exemption that matches none of the resources).
    runPolicyPack(resources, options);
    const started = process.hrtime.bigint();
    let result = runPolicyPack(resources, options);
    for (let r = 1; r < rounds; r++) {
        result = runPolicyPack(resources, options);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9 / rounds;
    return {
        seconds,
        resources: resources.length,
        violations: result.violations.length,
        mandatory: result.violations.filter(v => v.enforcementLevel === "mandatory").length,
    };
}

interface PolicyServer {
    serve(name: string, version: string, level: EnforcementLevel, args: { policies: Policies }, initialConfig?: unknown): void;
}

/** Serves a pack in this process with @pulumi/policy's own server (the one `pulumi` starts) and connects the engine's client. */
async function served(server: PolicyServer, name: string, policies: Policies, level: EnforcementLevel): Promise<analyzerGrpc.AnalyzerClient> {
    const log = console.log;
    const port = await new Promise<number>(resolve => {
        // The server announces its port on stdout, as the engine expects.
        console.log = (line: unknown) => {
            console.log = log;
            resolve(Number(line));
        };
        server.serve(name, "0.0.0", level, { policies });
    });
    return connect(port);
}

/**
 * The pack's policies checking nothing: each keeps its name, types (so the server skips and
 * rebuilds exactly as for the real one), config schema and the exemption gate, and its rule does
 * nothing. What this costs is the server's work for the policy count and kinds, not the checks'.
 */
function hollow(policies: LakewardenPolicy[]): LakewardenPolicy[] {
    return policies.map(p => {
        const { exemptions: _exemptions, ...config } = p.configSchema?.properties ?? {};
        const rule = {
            name: p.name,
            description: p.description,
            severity: p.severity ?? "low",
            remediationSteps: p.remediationSteps ?? "",
            anchors: p.anchors,
            concern: p.concern,
            resourceTypes: p.resourceTypes,
            config,
        };
        return "validateStack" in p ? stackPolicy({ ...rule, validateStack: () => undefined }) : resourcePolicy({ ...rule, validate: () => undefined });
    });
}

/**
 * A second instance of @pulumi/policy's server module (it serves one pack per instance), over the
 * same deserialise, proxy and policy modules, so both packs are served by the same code.
 */
function secondServer(): PolicyServer {
    const file = require.resolve("@pulumi/policy/server");
    const first = require.cache[file];
    delete require.cache[file];
    try {
        return require(file) as PolicyServer;
    } finally {
        require.cache[file] = first;
    }
}

type EngineConfig = Record<string, { level: number; properties?: Record<string, unknown> }>;

/**
 * One preview as the engine drives it, against a served pack: Configure, then Analyze for every
 * resource (8 in flight) and AnalyzeStack. Requests are marshalled up front and responses decoded
 * after the clock stops: the engine does both in its own process, so they are not the pack's time.
 */
async function enginePreview(client: analyzerGrpc.AnalyzerClient, resources: PlannedResource[], config: EngineConfig): Promise<() => Promise<Figure>> {
    await call(client.configure.bind(client), configureRequest(config));
    const requests = resources.map(r => Buffer.from(analyzeRequest(r).serializeBinary()));
    const stack = Buffer.from(stackRequest(resources).serializeBinary());
    const send = (method: string, bytes: Buffer) =>
        new Promise<Buffer>((resolve, reject) =>
            client.makeUnaryRequest(
                `/pulumirpc.Analyzer/${method}`,
                (b: Buffer) => b,
                (b: Buffer) => b,
                bytes,
                (error, response) => (error || !response ? reject(error ?? new Error(`${method}: no response`)) : resolve(response)),
            ),
        );
    return async () => {
        const cpu = process.cpuUsage();
        const started = process.hrtime.bigint();
        const responses: Buffer[] = [];
        for (let i = 0; i < requests.length; i += 8) {
            responses.push(...(await Promise.all(requests.slice(i, i + 8).map(bytes => send("Analyze", bytes)))));
        }
        const stackStarted = process.hrtime.bigint();
        responses.push(await send("AnalyzeStack", stack));
        const ended = process.hrtime.bigint();
        const used = process.cpuUsage(cpu);
        const cpuSeconds = (used.user + used.system) / 1e6;
        const seconds = Number(ended - started) / 1e9;
        const stackSeconds = Number(ended - stackStarted) / 1e9;
        const found = responses.flatMap((bytes, i) => diagnostics(AnalyzeResponse.deserializeBinary(bytes), resources[i]?.urn));
        const responseBytes = responses.reduce((sum, b) => sum + b.length, 0) / resources.length;
        return {
            seconds,
            stackSeconds,
            cpuSeconds,
            responseBytes,
            resources: resources.length,
            violations: found.length,
            mandatory: found.filter(d => d.enforcementLevel === "mandatory").length,
        };
    };
}

/**
 * The best of `rounds` previews of each pack, taking turns so a busy machine weighs on both alike:
 * the fastest preview, with the least CPU time of any round.
 */
async function bestOf(rounds: number, previews: (() => Promise<Figure>)[]): Promise<Figure[]> {
    const best: (Figure | undefined)[] = previews.map(() => undefined);
    const leastCpu = previews.map(() => Infinity);
    for (const preview of previews) {
        await preview(); // warm the JIT, as a pack process is warm after its first resources
    }
    for (let r = 0; r < rounds; r++) {
        for (const [i, preview] of previews.entries()) {
            const figure = await preview();
            leastCpu[i] = Math.min(leastCpu[i], figure.cpuSeconds ?? Infinity);
            if (!best[i] || figure.seconds < best[i].seconds) {
                best[i] = figure;
            }
        }
    }
    return best.map((f, i) => ({ ...(f as Figure), cpuSeconds: leastCpu[i] }));
}

/** The lakewarden pack's --policy-pack-config as the CLI sends it: reconciled, per policy. */
function engineConfig(configFile: string): EngineConfig {
    const raw = JSON.parse(readFileSync(configFile, "utf8")) as unknown;
    const reconciled = reconcilePolicyPackConfig(lakewardenPolicies, "mandatory", raw);
    return Object.fromEntries([...reconciled].map(([name, entry]) => [name, { level: LEVEL_NUMBERS[entry.enforcementLevel], properties: entry.properties }]));
}

/** awsguard's policies, loaded from its own install (its @pulumi/aws 4 and @pulumi/policy copies). */
function awsguard(dir: string): { server: PolicyServer; policies: Policies } {
    const from = createRequire(path.join(path.resolve(dir), "package.json"));
    const main = from.resolve("@pulumi/awsguard");
    const policies: Policies = [];
    for (const module of ["apiGateway", "compute", "database", "elasticsearch", "network", "security", "storage"]) {
        for (const value of Object.values(from(path.join(path.dirname(main), module)) as Record<string, unknown>)) {
            const p = value as { name?: unknown; validateResource?: unknown; validateStack?: unknown };
            if (p && typeof p.name === "string" && (p.validateResource || p.validateStack)) {
                policies.push(value as Policies[number]);
            }
        }
    }
    return { server: from("@pulumi/policy/server") as PolicyServer, policies };
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
    // The served pack reads the stack config from the environment the CLI gives a pack process
    // (PULUMI_CONFIG, PULUMI_NODEJS_STACK; policy/lib/org-config.ts).
    process.env.PULUMI_CONFIG ??= JSON.stringify(STACK.config);
    process.env.PULUMI_NODEJS_STACK ??= STACK.name;
    const argv = process.argv.slice(2);
    const guardDir = argv.includes("--awsguard") ? argv[argv.indexOf("--awsguard") + 1] : undefined;
    const dev = argv.includes("--no-dev") ? "--no-dev" : await devProgram();
    const programs: [string, PlannedResource[], string, number][] = [];
    if (typeof dev === "string") {
        console.log(`dev program: not available (${dev})`);
    } else {
        programs.push(["dev program", dev, path.join(CONFIG_DIR, "dev.json"), 5]);
    }
    programs.push(["generated program", generateProgram(5000), path.join(CONFIG_DIR, "prod.json"), 3]);

    const ours = await served(require("@pulumi/policy/server") as PolicyServer, "lakewarden", lakewardenPolicies, "mandatory");
    const floor = await served(secondServer(), "lakewarden-floor", hollow(lakewardenPolicies), "mandatory");
    const guard = guardDir ? awsguard(guardDir) : undefined;
    const theirs = guard ? await served(guard.server, "pulumi-awsguard", guard.policies, "mandatory") : undefined;
    for (const [label, resources, configFile, rounds] of programs) {
        console.log(
            `${label}: ${resources.length} resources, lakewarden ${lakewardenPolicies.length} policies${guard ? `, awsguard ${guard.policies.length}` : ""}`,
        );
        const run = runner(resources, configFile, rounds);
        const previews = [await enginePreview(ours, resources, engineConfig(configFile)), await enginePreview(floor, resources, engineConfig(configFile))];
        if (theirs) {
            previews.push(await enginePreview(theirs, resources, {}));
        }
        const [served, hollowed, aws] = await bestOf(rounds, previews);
        print("lakewarden, runner", run, `  (${(resources.length / run.seconds / TARGET_PER_SECOND).toFixed(2)}x the ${TARGET_PER_SECOND}/s target)`);
        print("lakewarden, engine path", served, `  engine/runner ${(served.seconds / run.seconds).toFixed(2)}x`);
        print(
            "floor (checking nothing)",
            hollowed,
            `  (the server's own work: ${((100 * (hollowed.cpuSeconds ?? NaN)) / (served.cpuSeconds ?? NaN)).toFixed(0)}% of the CPU)`,
        );
        if (aws) {
            const perCheck = (f: Figure, policies: number) => perResource(f) / policies;
            const ratio = perResource(served) / perResource(aws);
            const cpu = (served.cpuSeconds ?? NaN) / (aws.cpuSeconds ?? NaN);
            print(
                "awsguard, engine path",
                aws,
                `  lakewarden/awsguard per resource ${ratio.toFixed(2)}x (<= 1.00 is the target), CPU ${cpu.toFixed(2)}x` +
                    ` (previously ${PREVIOUS.perResource.toFixed(2)}x / ${PREVIOUS.cpu.toFixed(2)}x: ${(ratio / PREVIOUS.perResource).toFixed(2)} / ${(cpu / PREVIOUS.cpu).toFixed(2)} of that)`,
            );
            console.log(
                `  floor/awsguard (the same policies checking nothing): per resource ${(perResource(hollowed) / perResource(aws)).toFixed(2)}x, CPU ` +
                    `${((hollowed.cpuSeconds ?? NaN) / (aws.cpuSeconds ?? NaN)).toFixed(2)}x`,
            );
            console.log(
                `  per resource and policy: lakewarden ${perCheck(served, lakewardenPolicies.length).toFixed(1)} us, awsguard ${perCheck(aws, guard?.policies.length ?? 1).toFixed(1)} us` +
                    ` (${(perCheck(served, lakewardenPolicies.length) / perCheck(aws, guard?.policies.length ?? 1)).toFixed(2)}x)`,
            );
        } else {
            console.log("  awsguard: not measured (npm install --prefix /tmp/awsguard @pulumi/awsguard@0.3.1, then --awsguard /tmp/awsguard)");
        }
    }
    process.exit(0);
}

if (require.main === module) {
    void main();
}
