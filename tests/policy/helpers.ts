// Fixtures for policy tests and for the lead's whole-program / mutation tests: PlannedResource
// builders with explicit providers, and the offline runner.
import type * as pulumi from "@pulumi/pulumi";
import { type PlannedResource, type PolicyRunResult, runPolicyPack, UNKNOWN, type Violation } from "../../policy/runner";

export { runPolicyPack, UNKNOWN };
export type { PlannedResource, PolicyRunResult, Violation };

const STACK = "dev";
const PROJECT = "lakewarden";
export const ORG_ID = "o-lw0example1";
export const ACCOUNTS = { producer: "111111111111", consumer: "222222222222", security: "333333333333", stranger: "999999999999" } as const;

export function urn(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

/** An explicit aws provider resource; nested inputs JSON-stringified as under the mock runtime. */
export function awsProvider(name: string, account: string, overrides: Record<string, unknown> = {}): PlannedResource {
    return {
        urn: urn("pulumi:providers:aws", name),
        type: "pulumi:providers:aws",
        name,
        props: {
            region: "eu-west-1",
            allowedAccountIds: JSON.stringify([account]),
            assumeRoles: JSON.stringify([{ roleArn: `arn:aws:iam::${account}:role/lakewarden-deploy`, sessionName: `lakewarden-${STACK}` }]),
            defaultTags: JSON.stringify({ tags: { project: PROJECT, stack: STACK } }),
            ...overrides,
        },
        dependencies: [],
        propertyDependencies: {},
        opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
    };
}

export const PROVIDERS = {
    producer: awsProvider("producer", ACCOUNTS.producer),
    consumer: awsProvider("consumer", ACCOUNTS.consumer),
};

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

/** A PlannedResource; the provider defaults to the producer account's explicit provider. */
export function resource(type: string, name: string, props: Record<string, unknown>, options: ResourceOptions = {}): PlannedResource {
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
interface ResourceClass<A> {
    new (name: string, args: A, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource;
}

/** A policy document as the specs write it (fixtures.ts doc()): the engine sends it as an object or a string. */
interface PolicyJson {
    Version: string;
    Statement: readonly object[];
}

/**
 * An input value as the engine may send it: the type's own shape (a misspelled key does not compile), any
 * primitive also as a string (UNKNOWN, numbers the mock runtime stringifies), strings and objects also as a policy
 * document (JSON-string inputs such as `policy` are written as objects in specs; policies parse both).
 */
type FixtureValue<T> = T extends string
    ? string | PolicyJson
    : T extends number | boolean
      ? T | string
      : T extends readonly (infer E)[]
        ? readonly FixtureValue<E>[] | string
        : T extends object
          ? { [K in keyof T]?: FixtureValue<T[K]> } | PolicyJson | string
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
    if (target.type !== typeTokenOf(cls)) {
        throw new Error(`${target.name} is a ${target.type}, not a ${typeTokenOf(cls)}`);
    }
    Object.assign(target.props, props);
}
