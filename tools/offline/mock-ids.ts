import { createHash } from "node:crypto";
import { UNKNOWN } from "../../policy/lib/unknown";

/** Deterministic ids, ARNs and key ids for mocked resources, in the account that owns them. */
export interface AccountContext {
    accountId: string;
    region: string;
}

function digest(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

function uuidOf(...parts: string[]): string {
    const h = digest(...parts);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The physical name a resource will have: its explicit `name`/`bucket` input, else the logical name. */
function physicalName(name: string, inputs: Record<string, unknown>): string {
    for (const key of ["name", "bucket", "roleName"]) {
        if (typeof inputs[key] === "string" && inputs[key] !== UNKNOWN) {
            return inputs[key];
        }
    }
    return name;
}

/** Outputs the provider would compute, derived from the type token. */
export function mockOutputs(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    ctx: AccountContext,
    preview: boolean,
): { id: string; state: Record<string, unknown> } {
    const { accountId, region } = ctx;
    const physical = physicalName(name, inputs);
    const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
    const computed: Record<string, unknown> = {};
    let id = physical;
    switch (type) {
        case "aws:s3/bucket:Bucket":
            computed.arn = `arn:aws:s3:::${physical}`;
            computed.bucket = physical;
            break;
        case "aws:iam/role:Role":
            computed.arn = `arn:aws:iam::${accountId}:role/${physical}`;
            computed.name = physical;
            break;
        case "aws:iam/policy:Policy":
            computed.arn = `arn:aws:iam::${accountId}:policy/${physical}`;
            break;
        case "aws:kms/key:Key": {
            id = uuidOf(accountId, region, name);
            computed.keyId = id;
            computed.arn = `arn:aws:kms:${region}:${accountId}:key/${id}`;
            break;
        }
        case "aws:ec2/launchTemplate:LaunchTemplate":
            id = `lt-${digest(accountId, region, name).slice(0, 17)}`;
            computed.latestVersion = 1;
            computed.defaultVersion = 1;
            computed.arn = `arn:aws:ec2:${region}:${accountId}:launch-template/${id}`;
            break;
        case "aws:kms/alias:Alias":
            computed.arn = `arn:aws:kms:${region}:${accountId}:${physical}`;
            break;
        case "aws:lambda/function:Function":
            computed.arn = `arn:aws:lambda:${region}:${accountId}:function:${physical}`;
            computed.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${computed.arn}/invocations`;
            break;
        case "aws:sfn/stateMachine:StateMachine":
            computed.arn = `arn:aws:states:${region}:${accountId}:stateMachine:${physical}`;
            break;
        case "aws:sns/topic:Topic":
            computed.arn = `arn:aws:sns:${region}:${accountId}:${physical}`;
            break;
        case "aws:sqs/queue:Queue":
            computed.arn = `arn:aws:sqs:${region}:${accountId}:${physical}`;
            computed.url = `https://sqs.${region}.amazonaws.com/${accountId}/${physical}`;
            break;
        case "aws:dynamodb/table:Table":
            computed.arn = `arn:aws:dynamodb:${region}:${accountId}:table/${physical}`;
            break;
        case "aws:cloudwatch/eventBus:EventBus":
            computed.arn = `arn:aws:events:${region}:${accountId}:event-bus/${physical}`;
            break;
        case "aws:cloudwatch/logGroup:LogGroup":
            computed.arn = `arn:aws:logs:${region}:${accountId}:log-group:${physical}`;
            break;
        default:
            id = `${physical}-${digest(type, accountId, name).slice(0, 8)}`;
            computed.arn = `arn:aws:${service}:${region}:${accountId}:${type.split(":")[2]?.toLowerCase() ?? "resource"}/${physical}`;
    }
    if (preview) {
        // A first `pulumi preview` knows inputs only: every computed output is unknown.
        return {
            id: "",
            state: {
                ...inputs,
                ...Object.fromEntries(
                    Object.keys(computed)
                        .filter(k => !(k in inputs))
                        .map(k => [k, UNKNOWN]),
                ),
            },
        };
    }
    return { id, state: { ...computed, ...inputs } };
}

/** An SSM parameter read at deploy time (public AMI parameters above all): a deterministic value per name. */
export function mockParameter(name: string, ctx: AccountContext): Record<string, unknown> {
    const value = /image_id|ami/i.test(name) ? `ami-${digest(name).slice(0, 17)}` : `mock-${digest(name).slice(0, 12)}`;
    const arn = name.startsWith("/aws/service/")
        ? `arn:aws:ssm:${ctx.region}::parameter${name}`
        : `arn:aws:ssm:${ctx.region}:${ctx.accountId}:parameter${name.startsWith("/") ? "" : "/"}${name}`;
    return { id: name, name, value, insecureValue: value, type: "String", arn, version: 1, withDecryption: true };
}
