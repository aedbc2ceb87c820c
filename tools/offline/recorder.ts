import "./fast-start";
import "./promise-stacks";
import * as pulumi from "@pulumi/pulumi";
import type { PlannedResource } from "../../policy/runner";
import { type AccountContext, mockOutputs, mockParameter } from "./mock-ids";

/** A resource as the mock engine saw it: what the policy pack needs plus the account it landed in. */
export interface RecordedResource extends PlannedResource {
    custom: boolean;
    /** Provider reference string (`<provider urn>::<id>`), as the engine records it. */
    providerRef?: string;
    /** Account the resource's provider deploys to (from its allowedAccountIds), if any. */
    accountId?: string;
}

interface RecordedInvoke {
    token: string;
    inputs: Record<string, unknown>;
    providerRef?: string;
}

export interface Recording {
    resources: RecordedResource[];
    invokes: RecordedInvoke[];
    outputs: unknown;
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** Props as the engine hands them to a policy pack: secrets unwrapped, resource references as URNs, unknowns kept as the sentinel. */
function plain(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            return plain(record.value);
        }
        if (record[SIG_KEY] === RESOURCE_SIG) {
            return record.urn;
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

/** Provider inputs travel JSON-encoded under mocks; decode them so account ids read as values. */
function decodeProviderInputs(props: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(props).map(([k, v]) => {
            if (typeof v === "string" && /^[[{]/.test(v)) {
                try {
                    return [k, JSON.parse(v)];
                } catch {
                    return [k, v];
                }
            }
            return [k, v];
        }),
    );
}

interface ProtoRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getDeletebeforereplace(): boolean;
    getProtect(): boolean;
    getIgnorechangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getAliasesList(): ProtoAlias[];
}

interface ProtoAlias {
    hasSpec(): boolean;
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const qualifiedTypeOf = (urn: string) => urn.split("::")[2];

/**
 * The URNs the engine matches a resource's old state against, as pulumi/pulumi's step generator computes
 * them (pkg/resource/deploy/step_generator.go generateAliases, inheritedChildAlias): each alias spec with
 * the resource's own name/type/parent where it leaves them out, and every alias of the parent multiplied
 * out onto the child (a child name starting with the parent's name takes the parent alias's name instead).
 */
function aliasUrns(req: ProtoRequest, stack: string, project: string, parentAliases: string[]): string[] {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent();
    const urnOf = (parentUrn: string | undefined, t: string, n: string) =>
        `urn:pulumi:${stack}::${project}::${parentUrn ? `${qualifiedTypeOf(parentUrn)}$` : ""}${t}::${n}`;
    const own = req.getAliasesList().map(alias => {
        const spec = alias.hasSpec() ? alias.getSpec() : undefined;
        if (!spec) return alias.getUrn();
        const aliasParent = spec.getNoparent() ? undefined : spec.getParenturn() || parent || undefined;
        return urnOf(aliasParent, spec.getType() || type, spec.getName() || name);
    });
    const inherited = parentAliases.flatMap(parentAlias =>
        [{ t: type, n: name }, ...own.map(urn => ({ t: qualifiedTypeOf(urn).split("$").pop() ?? type, n: nameOf(urn) }))].map(({ t, n }) =>
            urnOf(parentAlias, t, parent && n.startsWith(nameOf(parent)) ? nameOf(parentAlias) + n.slice(nameOf(parent).length) : n),
        ),
    );
    return [...new Set([...own, ...inherited])];
}

/**
 * Runs `program` under Pulumi's mock runtime for `stack` with `config`, recording every resource
 * (type, name, inputs, provider, parent, dependencies, options) and invoke. No engine, no cloud.
 * In preview mode outputs of created resources stay unknown, as in a first `pulumi preview`.
 */
export async function recordProgram(
    stack: string,
    config: Record<string, string>,
    program: () => unknown,
    options: { preview?: boolean; project?: string } = {},
): Promise<Recording> {
    const project = options.project ?? "lakewarden";
    const preview = options.preview ?? false;
    const resources: RecordedResource[] = [];
    const invokes: RecordedInvoke[] = [];
    const accounts = new Map<string, AccountContext>();
    const byUrn = new Map<string, RecordedResource>();

    const contextOf = (providerRef: string | undefined): AccountContext =>
        (providerRef && accounts.get(providerRef.slice(0, providerRef.lastIndexOf("::")))) || { accountId: "000000000000", region: "us-east-1" };

    await pulumi.runtime.setMocks(
        {
            newResource: args => {
                if (args.type === "pulumi:providers:aws") {
                    const inputs = decodeProviderInputs(args.inputs as Record<string, unknown>);
                    const accountId = (inputs.allowedAccountIds as string[] | undefined)?.[0] ?? "000000000000";
                    return { id: `${args.name}-provider-id`, state: { ...inputs, accountId } };
                }
                return mockOutputs(args.type, args.name, args.inputs as Record<string, unknown>, contextOf(args.provider), preview);
            },
            call: args => {
                invokes.push({ token: args.token, inputs: args.inputs as Record<string, unknown>, providerRef: args.provider });
                const ctx = contextOf(args.provider);
                if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
                    return {
                        accountId: ctx.accountId,
                        arn: `arn:aws:sts::${ctx.accountId}:assumed-role/lakewarden-deploy/lakewarden`,
                        userId: "AROAEXAMPLE:lakewarden",
                        id: ctx.accountId,
                    };
                }
                if (args.token === "aws:index/getRegion:getRegion") {
                    return { name: ctx.region, region: ctx.region, id: ctx.region };
                }
                if (args.token === "aws:ssm/getParameter:getParameter") {
                    return mockParameter(String((args.inputs as { name?: unknown }).name ?? ""), ctx);
                }
                if (args.token === "aws:index/getPartition:getPartition") {
                    return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
                }
                return {};
            },
        },
        project,
        stack,
        preview,
    );
    pulumi.runtime.setAllConfig(config);
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: ProtoRequest, cb: (err: unknown, res: { getUrn(): string } | undefined) => void): Promise<void>;
        newUrn(parent: string, type: string, name: string): string;
    };
    // The mock monitor keeps only the parent's last type in a URN; the engine keeps the whole chain.
    const qualified = new Map<string, string>();
    monitor.newUrn = (parent, type, name) => {
        const chain = parent ? `${qualified.get(parent) ?? parent.split("::")[2]}$${type}` : type;
        const urn = `urn:pulumi:${stack}::${project}::${chain}::${name}`;
        qualified.set(urn, chain);
        return urn;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
        register(req, (err, res) => {
            if (!err && res) {
                const recorded = toRecorded(req, res.getUrn(), byUrn, stack, project);
                if (req.getType() === "pulumi:providers:aws") {
                    const ids = recorded.props.allowedAccountIds as string[] | undefined;
                    accounts.set(recorded.urn, { accountId: ids?.[0] ?? "000000000000", region: String(recorded.props.region ?? "us-east-1") });
                }
                recorded.accountId = contextOf(recorded.providerRef).accountId;
                resources.push(recorded);
                byUrn.set(recorded.urn, recorded);
                // The SDK formats `resp: ${response}` into a debug line for every registration, discarded unless
                // debug logging is on, and a protobuf message's toString renders the whole state (MBs of Lambda
                // code): ~8% of a plan's CPU. The line still names the resource.
                const urn = recorded.urn;
                res.toString = () => `RegisterResourceResponse ${urn}`;
            }
            callback(err, res);
        });

    const outputs = await Promise.resolve(program());
    const resolved = await settle(outputs);
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    return { resources, invokes, outputs: resolved };
}

function toRecorded(req: ProtoRequest, urn: string, byUrn: Map<string, RecordedResource>, stack: string, project: string): RecordedResource {
    const type = req.getType();
    const rawProps = plain(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
    const props = type.startsWith("pulumi:providers:") ? decodeProviderInputs(rawProps) : rawProps;
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
        propertyDependencies[key] = value.getUrnsList();
    });
    const providerRef = req.getProvider() || undefined;
    const providerUrn = providerRef?.slice(0, providerRef.lastIndexOf("::"));
    const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
    return {
        urn,
        type,
        name: req.getName(),
        custom: req.getCustom(),
        props,
        parent: req.getParent() || undefined,
        providerRef,
        provider: provider ? { urn: provider.urn, name: provider.name, type: provider.type, props: provider.props } : undefined,
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        opts: {
            protect: req.getProtect(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ignoreChanges: req.getIgnorechangesList(),
            aliases: aliasUrns(req, stack, project, byUrn.get(req.getParent())?.opts.aliases ?? []),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        },
    };
}

/** Resolves exported outputs (nested records of Outputs) to plain values. */
async function settle(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        return settle(
            await new Promise(resolve =>
                value.apply(v => {
                    resolve(v);
                    return v;
                }),
            ),
        );
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(settle));
    }
    if (value && typeof value === "object" && !(value instanceof pulumi.Resource)) {
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await settle(v)])));
    }
    return value;
}
