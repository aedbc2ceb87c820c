// Fixtures for policy tests and for the lead's whole-program / mutation tests: PlannedResource
// builders with explicit providers, and the offline runner.
import * as fs from "fs";
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { PolicyPackConfigError } from "../../policy/lib/engine-config";
import type { StackConfig } from "../../policy/lib/org-config";
import { type PlannedResource, type PolicyRunResult, type RunOptions, runPolicyPack as runPack, UNKNOWN, type Violation } from "../../policy/runner";

export { UNKNOWN };
export type { PlannedResource, PolicyRunResult, Violation };

const STACK = "dev";
const PROJECT = "lakewarden";
export const ORG_ID = "o-lw0example1";

/** The stack config the engine hands the pack in these tests: the organisation the fixtures use. */
export const STACK_CONFIG: StackConfig = { name: STACK, config: { "lakewarden:organization": JSON.stringify({ id: ORG_ID }) } };

/** The offline runner over STACK_CONFIG unless a spec gives its own stack. */
export function runPolicyPack(resources: PlannedResource[], options: RunOptions = {}): PolicyRunResult {
    return runPack(resources, { stack: STACK_CONFIG, ...options });
}
export const ACCOUNTS = { producer: "111111111111", consumer: "222222222222", security: "333333333333", stranger: "999999999999" } as const;

export function urn(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

type ProviderArgs = pulumi.Unwrap<aws.ProviderArgs>;
/**
 * An aws provider's inputs as the engine receives them: aws.Provider JSON-encodes every list and object input
 * (node_modules/@pulumi/aws/provider.js, `pulumi.output(args?.assumeRoles).apply(JSON.stringify)`), so those are strings.
 */
type ProviderInputs = { [K in keyof ProviderArgs]?: NonNullable<ProviderArgs[K]> extends string | number | boolean ? ProviderArgs[K] : string };

/** An explicit aws provider resource, its inputs as aws.Provider registers them. */
export function awsProvider(name: string, account: string, overrides: ProviderInputs = {}): PlannedResource {
    const props: ProviderInputs = {
        region: "eu-west-1",
        allowedAccountIds: JSON.stringify([account]),
        assumeRoles: JSON.stringify([{ roleArn: `arn:aws:iam::${account}:role/lakewarden-deploy`, sessionName: `lakewarden-${STACK}` }]),
        defaultTags: JSON.stringify({ tags: { project: PROJECT, stack: STACK } }),
        ...overrides,
    };
    return {
        urn: urn("pulumi:providers:aws", name),
        type: "pulumi:providers:aws",
        name,
        props,
        dependencies: [],
        propertyDependencies: {},
        opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
    };
}

export const PROVIDERS = {
    producer: awsProvider("producer", ACCOUNTS.producer),
    consumer: awsProvider("consumer", ACCOUNTS.consumer),
};

/** Replaces some inputs of the named aws provider (a mutation for a policy case). */
export function setProviderInputs(name: string, props: ProviderInputs): (resources: PlannedResource[]) => void {
    return resources => {
        const target = find(resources, name);
        if (target.type !== "pulumi:providers:aws") {
            throw new Error(`${name} is a ${target.type}, not an aws provider`);
        }
        Object.assign(target.props, props);
    };
}

/** The reference a resource carries to its provider. */
function providerRef(p: PlannedResource): NonNullable<PlannedResource["provider"]> {
    return { urn: p.urn, name: p.name, type: p.type, props: p.props };
}

export interface ResourceOptions {
    provider?: PlannedResource | null;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    deleteBeforeReplace?: boolean;
    protect?: boolean;
}

/** A PlannedResource; the provider defaults to the producer account's explicit provider. Specs use typed() or untyped(). */
function resource(type: string, name: string, props: Record<string, unknown>, options: ResourceOptions = {}): PlannedResource {
    const provider = options.provider === undefined ? PROVIDERS.producer : options.provider;
    const propertyDependencies = options.propertyDependencies ?? {};
    return {
        urn: urn(type, name),
        type,
        name,
        props,
        parent: options.parent,
        provider: provider ? providerRef(provider) : undefined,
        dependencies: options.dependencies ?? [...new Set(Object.values(propertyDependencies).flat())],
        propertyDependencies,
        opts: {
            protect: options.protect ?? false,
            deleteBeforeReplace: options.deleteBeforeReplace,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
        },
    };
}

/** A stack with both providers in front, as the program registers them. */
export function stack(...resources: PlannedResource[]): PlannedResource[] {
    return [PROVIDERS.producer, PROVIDERS.consumer, ...resources];
}

export function violationsOf(result: PolicyRunResult, policyName: string): Violation[] {
    return result.violations.filter(v => v.policyName === policyName);
}

/** Deep copy, so cases can mutate fixtures freely. */
export function clone<T>(value: T): T {
    return structuredClone(value);
}

export function find(resources: PlannedResource[], name: string): PlannedResource {
    const found = resources.find(r => r.name === name);
    if (!found) {
        throw new Error(`no resource named ${name} in the fixture`);
    }
    return found;
}

/** Sets the value at a path of keys (numeric keys index arrays) inside props. */
export function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
    let current: Record<string, unknown> = target;
    for (const key of keys.slice(0, -1)) {
        current = current[key] as Record<string, unknown>;
    }
    current[keys[keys.length - 1]] = value;
}

/** Every path (objects, arrays and leaves) inside a value, as lists of keys. */
export function allPaths(value: unknown, prefix: readonly string[] = []): string[][] {
    if (value === null || typeof value !== "object") {
        return [];
    }
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    return entries.flatMap(([key, child]) => {
        const path = [...prefix, key];
        return [path, ...allPaths(child, path)];
    });
}

/** A Pulumi resource class (aws.s3.Bucket, ...): its constructor's args are the resource's inputs. */
export interface ResourceClass<A> {
    new (name: string, args: A, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource;
}

/** A policy document as the specs write it (fixtures.ts doc()): the engine sends it as an object or a string. */
interface PolicyJson {
    Version: string;
    Statement: readonly object[];
}

/**
 * An input value as the engine may send it: the type's own shape (a misspelled key or a boolean where the provider
 * takes the string "true" does not compile), any non-string value also as UNKNOWN (preview), strings and objects also
 * as a policy document (JSON-string inputs such as `policy` are written as objects in specs; policies parse both).
 */
type FixtureValue<T> = T extends string
    ? string | PolicyJson
    : T extends number | boolean
      ? T | typeof UNKNOWN
      : T extends readonly (infer E)[]
        ? readonly FixtureValue<E>[] | typeof UNKNOWN
        : T extends object
          ? { [K in keyof T]?: FixtureValue<T[K]> } | PolicyJson | typeof UNKNOWN
          : T;

/** The inputs of a resource class, typed from its Args (pulumi.Unwrap removes the Input/Output wrappers). */
export type FixtureProps<A> = { [K in keyof pulumi.Unwrap<A>]?: FixtureValue<pulumi.Unwrap<A>[K]> };

const typeTokenOf = (cls: object): string => (cls as { __pulumiType: string }).__pulumiType;

/** A PlannedResource of a real resource class: type token from the class, props checked against its Args. */
export function typed<A>(cls: ResourceClass<A>, name: string, props: FixtureProps<NonNullable<A>>, options: ResourceOptions = {}): PlannedResource {
    return resource(typeTokenOf(cls), name, props, options);
}

/** Replaces some inputs of a resource, checked against its class's Args (for mutations). */
export function setProps<A>(target: PlannedResource, cls: ResourceClass<A>, props: FixtureProps<NonNullable<A>>): void {
    Object.assign(ofClass(target, cls).props, props);
}

function ofClass<A>(target: PlannedResource, cls: ResourceClass<A>): PlannedResource {
    if (target.type !== typeTokenOf(cls)) {
        throw new Error(`${target.name} is a ${target.type}, not a ${typeTokenOf(cls)}`);
    }
    return target;
}

/** Replaces some inputs of the named resource, checked against its class's Args: a mutation for a policy case. */
export function set<A>(name: string, cls: ResourceClass<A>, props: FixtureProps<NonNullable<A>>): (resources: PlannedResource[]) => void {
    return resources => setProps(find(resources, name), cls, props);
}

/** Removes inputs of the named resource, as a program that does not declare them (the keys checked against its Args). */
export function unset<A>(
    name: string,
    cls: ResourceClass<A>,
    ...keys: (keyof FixtureProps<NonNullable<A>> & string)[]
): (resources: PlannedResource[]) => void {
    return resources => {
        const target = ofClass(find(resources, name), cls);
        keys.forEach(key => delete target.props[key]);
    };
}

/**
 * A resource whose props are deliberately not its class's Args; `why` says what the engine really sends instead
 * (an unknown or secret where the type has an object, a component's inputs, ...). Everything else is typed().
 */
export function untyped(why: string, type: string, name: string, props: Record<string, unknown>, options: ResourceOptions = {}): PlannedResource {
    if (why.trim().length < 10) {
        throw new Error(`untyped ${type} ${name}: say why its props are not the type's Args`);
    }
    return resource(type, name, props, options);
}

/**
 * A resource of another type carrying the settings the policy under test flags (a case's otherType): untyped on
 * purpose, because those settings are not in that type's Args; the policy must not read them.
 */
export function foreign(type: string, name: string, props: Record<string, unknown>, options: ResourceOptions = {}): PlannedResource {
    return resource(type, name, props, options);
}

/** A ComponentResource as the engine registers it: no provider and no inputs (the program's components pass `{}`). */
export function component(type: string, name: string): PlannedResource {
    return resource(type, name, {}, { provider: null });
}

/**
 * A real policy config file for a fixture stack: its exemptions name resources of the real program, which a
 * fixture stack does not hold, and the runner refuses an exemption that matches nothing.
 */
export function configFileForFixtures(configFile: string): { config: Record<string, unknown>; configName: string } {
    const raw = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
    const config = Object.fromEntries(
        Object.entries(raw).map(([name, value]) => {
            if (value === null || typeof value !== "object" || !("exemptions" in value)) return [name, value];
            const { exemptions: _dropped, ...rest } = value as Record<string, unknown>;
            return [name, rest];
        }),
    );
    return { config, configName: configFile };
}

/** The problems of the PolicyPackConfigError a run throws; none when it does not throw. */
export function configProblems(run: () => unknown): { key: string; message: string }[] {
    try {
        run();
    } catch (error) {
        if (error instanceof PolicyPackConfigError) {
            return error.problems;
        }
        throw error;
    }
    return [];
}
