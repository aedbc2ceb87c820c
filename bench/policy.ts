// Time to evaluate the lakewarden pack: the way the Pulumi engine runs it (the pack served over
// gRPC by @pulumi/policy's server: Analyze per resource, then AnalyzeStack) and the way the offline runner does, over the dev program's resources
// and a generated program of 5,000; then the older, smaller awsguard pack on the engine path over
// the same resources, when it is installed outside the repository (it pins @pulumi/aws ^4):
//   npm install --prefix /tmp/awsguard @pulumi/awsguard@0.3.1
//   npx ts-node bench/policy.ts [--awsguard /tmp/awsguard] [--no-dev] [--cpu-prof <dir>]
// --cpu-prof writes a V8 CPU profile of each pack's process into <dir> (open it in Chrome's DevTools).
// Beside them, the floor: the same policies checking nothing (names, types, config and exemption
// handling kept), served the same way, which is what the server's own work per policy costs.
// Each pack is served in a process of its own (support/served-pack.ts), as the engine starts one per
// pack: its garbage collection is its own, and the CPU figure is the pack process's alone.
// Then, to tell the server's and the policies' work from the transport's: Analyze alone and
// AnalyzeStack alone as served, and each pack's own server's Analyze and AnalyzeStack functions called
// in this process (requests decoded from their bytes, no gRPC; support/packs.ts loads each pack with the
// @pulumi/policy it is served by): AnalyzeStack's shows what the server's rebuild per stack policy costs.
import { readFileSync } from "fs";
import * as path from "path";
import type * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzeResponse, AnalyzeStackRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { StackConfig } from "../policy/lib/org-config";
import { type PlannedResource, runPolicyPack, UNKNOWN } from "../policy/runner";
import {
    analyzeRequest,
    call,
    configureRequest,
    connect,
    diagnostics,
    type EngineConfig,
    lakewardenEngineConfig,
    sendRaw,
    servedPackArgs,
    stackRequest,
    startPackProcess,
    stopPackProcess,
} from "../support/policy-engine";
import { awsguardPack, lakewardenPack, type LoadedPack } from "../support/packs";
import { readStackConfig } from "../tools/offline/stack-config";

const TARGET_PER_SECOND = 2000;
/**
 * lakewarden/awsguard on the engine path at the previous measurement (stop 26, generated program,
 * each pack in its own process, the published server; the median of eight runs): per resource and CPU.
 */
const PREVIOUS = { perResource: 1.36, cpu: 1.42 };
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
     * CPU time of the pack's process (all its threads) over the engine path's window: steadier
     * than wall time when other work shares the machine, and none of it the engine client's.
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

/** A pack served in its own process (support/served-pack.ts), the engine's client connected to it. */
interface ServedPack {
    client: analyzerGrpc.AnalyzerClient;
    /** Policies the pack describes (GetAnalyzerInfo, as the engine asks). */
    policies: number;
    /** CPU seconds the pack's process has used so far (user and system, all threads). */
    cpuSeconds(): number;
    /** Stops the pack's process and waits for it to exit. */
    stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

function processCpuSeconds(pid: number): number {
    // Fields after the parenthesised command name: state is the 3rd field, utime the 14th and stime the 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** Starts `support/served-pack.ts <args>` and connects the engine's client to it. */
async function servedPack(args: [string, ...string[]], profileDir?: string): Promise<ServedPack> {
    const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
    const { child, port } = await startPackProcess([...profile, ...servedPackArgs(...args)]);
    const client = connect(port);
    const info = await call(client.getAnalyzerInfo.bind(client), new Empty());
    return {
        client,
        policies: info.getPoliciesList().length,
        cpuSeconds: () => processCpuSeconds(child.pid as number),
        stop: () => {
            client.close();
            return stopPackProcess(child);
        },
    };
}

/**
 * One preview as the engine drives it, against a served pack: Configure, then Analyze for every
 * resource (8 in flight) and AnalyzeStack. Requests are marshalled up front and responses decoded
 * after the clock stops: the engine does both in its own process, so they are not the pack's time.
 */
async function enginePreview(pack: ServedPack, resources: PlannedResource[], config: EngineConfig): Promise<() => Promise<Figure>> {
    const client = pack.client;
    await call(client.configure.bind(client), configureRequest(config));
    const requests = resources.map(r => Buffer.from(analyzeRequest(r).serializeBinary()));
    const stack = Buffer.from(stackRequest(resources).serializeBinary());
    const send = (method: "Analyze" | "AnalyzeStack", bytes: Uint8Array) => sendRaw(client, method, bytes);
    return async () => {
        const cpu = pack.cpuSeconds();
        const started = process.hrtime.bigint();
        const responses: Buffer[] = [];
        for (let i = 0; i < requests.length; i += 8) {
            responses.push(...(await Promise.all(requests.slice(i, i + 8).map(bytes => send("Analyze", bytes)))));
        }
        const stackStarted = process.hrtime.bigint();
        responses.push(await send("AnalyzeStack", stack));
        const ended = process.hrtime.bigint();
        const cpuSeconds = pack.cpuSeconds() - cpu;
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

/** What the server's Analyze function costs in this process, apart from the transport. */
interface InProcess {
    /** CPU microseconds per resource, the least of the rounds. */
    cpuMicros: number;
    /** Bytes of the serialised answer per resource. */
    bytes: number;
}

type ServerRpc = ReturnType<LoadedPack["server"]["makeAnalyzeRpcFun"]>;

/** Calls one of a pack's own server's RPC functions on a decoded request: the size of its answer. */
function answerSize(rpc: ServerRpc, request: unknown): Promise<number> {
    return new Promise<number>((resolve, reject) =>
        rpc({ request }, (error, response) =>
            error || !response
                ? reject(error instanceof Error ? error : new Error(`the server failed: ${String(error)}`))
                : resolve(response.serializeBinary().length),
        ),
    );
}

/**
 * The least CPU microseconds `work` takes over `rounds` (after one to warm the JIT) on what `prepare`
 * gives it outside the clock, and what its last round returned.
 */
async function leastCpu<T>(rounds: number, prepare: () => T, work: (input: T) => Promise<number>): Promise<{ cpuMicros: number; result: number }> {
    await work(prepare());
    let cpuMicros = Infinity;
    let result = 0;
    for (let r = 0; r < rounds; r++) {
        const input = prepare();
        const before = process.cpuUsage();
        result = await work(input);
        const used = process.cpuUsage(before);
        cpuMicros = Math.min(cpuMicros, used.user + used.system);
    }
    return { cpuMicros, result };
}

/**
 * The pack's own @pulumi/policy server's Analyze function called here, one request at a time, each
 * decoded from its bytes as the served pack decodes it: no gRPC, the pack's default config (no
 * Configure). Beside the served figure, it tells the server's and the policies' work from the transport's.
 */
async function inProcessAnalyze(pack: LoadedPack, resources: PlannedResource[], rounds: number): Promise<InProcess> {
    const analyze = pack.server.makeAnalyzeRpcFun("bench", "0.0.0", "mandatory", pack.policies);
    const requests = resources.map(r => analyzeRequest(r).serializeBinary());
    const { cpuMicros, result } = await leastCpu(
        rounds,
        () => requests,
        async encoded => {
            let bytes = 0;
            for (const request of encoded) {
                bytes += await answerSize(analyze, AnalyzeRequest.deserializeBinary(request));
            }
            return bytes;
        },
    );
    return { cpuMicros: cpuMicros / resources.length, bytes: result / resources.length };
}

/**
 * The pack's own server's AnalyzeStack function called here on the whole stack, decoded before the
 * clock starts (decoding costs every pack the same): the server's and the stack policies' work alone,
 * in CPU milliseconds. The server builds its view of every resource again for each stack policy it
 * runs, and skips without building one that carries a type no resource has.
 */
async function inProcessStack(pack: LoadedPack, resources: PlannedResource[], rounds: number): Promise<number> {
    const analyzeStack = pack.server.makeAnalyzeStackRpcFun("bench", "0.0.0", "mandatory", pack.policies);
    const bytes = stackRequest(resources).serializeBinary();
    const { cpuMicros } = await leastCpu(
        rounds,
        () => AnalyzeStackRequest.deserializeBinary(bytes),
        request => answerSize(analyzeStack, request),
    );
    return cpuMicros / 1000;
}

const stackPolicies = (pack: LoadedPack) => pack.policies.filter(p => "validateStack" in p);

/** Stack policies the server skips on these resources without building the stack: typed, and no resource has their type. */
function stackPoliciesSkipped(pack: LoadedPack, resources: PlannedResource[]): number {
    const types = new Set(resources.map(r => r.type));
    return stackPolicies(pack).filter(p => {
        const type = (p.validateStack as { __pulumiType?: string }).__pulumiType;
        return type !== undefined && !types.has(type);
    }).length;
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
    const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
    const guardDir = option("--awsguard");
    const profileDir = option("--cpu-prof");
    const dev = argv.includes("--no-dev") ? "--no-dev" : await devProgram();
    const programs: [string, PlannedResource[], string, number][] = [];
    if (typeof dev === "string") {
        console.log(`dev program: not available (${dev})`);
    } else {
        programs.push(["dev program", dev, path.join(CONFIG_DIR, "dev.json"), 7]);
    }
    programs.push(["generated program", generateProgram(5000), path.join(CONFIG_DIR, "prod.json"), 5]);
    const loaded = { ours: lakewardenPack(), floor: lakewardenPack(true), theirs: guardDir ? awsguardPack(guardDir) : undefined };

    const [ours, floor, theirs] = await Promise.all([
        servedPack(["lakewarden"], profileDir),
        servedPack(["floor"], profileDir),
        guardDir ? servedPack(["awsguard", guardDir], profileDir) : undefined,
    ]);
    for (const [label, resources, configFile, rounds] of programs) {
        console.log(`${label}: ${resources.length} resources, lakewarden ${ours.policies} policies${theirs ? `, awsguard ${theirs.policies}` : ""}`);
        const run = runner(resources, configFile, rounds);
        const config = lakewardenEngineConfig(configFile);
        const previews = [await enginePreview(ours, resources, config), await enginePreview(floor, resources, config)];
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
        if (aws && theirs) {
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
                `  per resource and policy: lakewarden ${perCheck(served, ours.policies).toFixed(1)} us, awsguard ${perCheck(aws, theirs.policies).toFixed(1)} us` +
                    ` (${(perCheck(served, ours.policies) / perCheck(aws, theirs.policies)).toFixed(2)}x)`,
            );
            const analyzeOnly = (f: Figure) => (f.seconds - (f.stackSeconds ?? 0)) / f.resources;
            console.log(
                `  served, Analyze alone per resource ${(analyzeOnly(served) / analyzeOnly(aws)).toFixed(2)}x; AnalyzeStack ` +
                    `${((served.stackSeconds ?? NaN) / (aws.stackSeconds ?? NaN)).toFixed(2)}x (stack policies: lakewarden ${stackPolicies(loaded.ours).length}, ` +
                    `awsguard ${loaded.theirs ? stackPolicies(loaded.theirs).length : "?"})`,
            );
            if (loaded.theirs) {
                const [mine, guard] = [await inProcessAnalyze(loaded.ours, resources, rounds), await inProcessAnalyze(loaded.theirs, resources, rounds)];
                console.log(
                    `  in this process, the server's Analyze function alone (decoded here, no gRPC, default config): lakewarden ${mine.cpuMicros.toFixed(0)} us CPU/resource ` +
                        `(${mine.bytes.toFixed(0)} B), awsguard ${guard.cpuMicros.toFixed(0)} us (${guard.bytes.toFixed(0)} B): ${(mine.cpuMicros / guard.cpuMicros).toFixed(2)}x`,
                );
                const [stackMine, stackFloor, stackGuard] = [
                    await inProcessStack(loaded.ours, resources, rounds),
                    await inProcessStack(loaded.floor, resources, rounds),
                    await inProcessStack(loaded.theirs, resources, rounds),
                ];
                const describe = (pack: LoadedPack) => `${stackPolicies(pack).length} stack policies, ${stackPoliciesSkipped(pack, resources)} skipped`;
                console.log(
                    `  in this process, the server's AnalyzeStack function alone (decoded before the clock, default config): lakewarden ${stackMine.toFixed(0)} ms CPU ` +
                        `(${describe(loaded.ours)}), floor ${stackFloor.toFixed(0)} ms, awsguard ${stackGuard.toFixed(0)} ms (${describe(loaded.theirs)}); ` +
                        `the floor's, mostly the server rebuilding the stack for each stack policy it runs, is ${((100 * stackFloor) / ((aws.cpuSeconds ?? NaN) * 1000)).toFixed(0)}% ` +
                        `of awsguard's whole engine-path CPU`,
                );
            }
        } else {
            console.log("  awsguard: not measured (npm install --prefix /tmp/awsguard @pulumi/awsguard@0.3.1, then --awsguard /tmp/awsguard)");
        }
    }
    await Promise.all([ours, floor, theirs].flatMap(pack => (pack ? [pack.stop()] : [])));
    process.exit(0);
}

if (require.main === module) {
    void main();
}
