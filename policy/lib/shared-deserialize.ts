// @pulumi/policy's server deserialises a request's properties (and its provider's) once for every
// policy it runs on it: per resource for each policy without a single type, and the whole stack
// for each stack policy. Every policy receives the same value, so the pack deserialises each
// protobuf Struct once and hands the same plain value to every policy: one pass per resource
// instead of one per policy. The server calls the function through its module object
// (`deserialize_1.deserializeProperties(...)`), so replacing the export is what it sees; rules
// only read props.
//
// The server then wraps that value in an unknown-checking proxy, again per policy (twice per
// resource and stack policy in AnalyzeStack: props and provider props). The root proxy holds no
// state (the property path starts empty and nested proxies are made on each read), so the pack
// hands out one proxy per shared value as well; it is called the same way
// (`proxy_1.unknownCheckingProxy(...)`). Reading through the proxy behaves as before.
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

type Deserialize = (struct: Struct, proxySecrets: boolean) => Record<string, unknown>;
type Proxy = <T>(value: T) => T;

const deserializeModule = require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize & { shared?: true } };
const proxyModule = require("@pulumi/policy/proxy") as { unknownCheckingProxy: Proxy & { shared?: true } };

/** Deserialised values handed to every policy (and only those: their proxies are shared too). */
const plainValues = new WeakMap<Struct, Record<string, unknown>>();
const sharedValues = new WeakSet<object>();

if (!deserializeModule.deserializeProperties.shared) {
    const original = deserializeModule.deserializeProperties;
    const shared = (struct: Struct, proxySecrets: boolean): Record<string, unknown> => {
        if (proxySecrets || struct === null || typeof struct !== "object") {
            // Remediation proxies secrets in its result: not shared.
            return original(struct, proxySecrets);
        }
        let value = plainValues.get(struct);
        if (value === undefined) {
            value = original(struct, false);
            plainValues.set(struct, value);
            sharedValues.add(value);
        }
        return value;
    };
    deserializeModule.deserializeProperties = Object.assign(shared, { shared: true as const });
}

if (!proxyModule.unknownCheckingProxy.shared) {
    const original = proxyModule.unknownCheckingProxy;
    const proxies = new WeakMap<object, unknown>();
    const shared = <T>(value: T): T => {
        if (value === null || typeof value !== "object" || !sharedValues.has(value)) {
            return original(value);
        }
        let proxy = proxies.get(value);
        if (proxy === undefined) {
            proxy = original(value);
            proxies.set(value, proxy);
        }
        return proxy as T;
    };
    proxyModule.unknownCheckingProxy = Object.assign(shared, { shared: true as const });
}
