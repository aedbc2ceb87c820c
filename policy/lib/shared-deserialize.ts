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

const plainValues = new WeakMap<Struct, Record<string, unknown>>();
/** The proxy of each value handed to every policy (one lookup tells both that it is shared and its proxy). */
const proxies = new WeakMap<object, unknown>();

const originalProxy = proxyModule.unknownCheckingProxy;

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
            proxies.set(value, originalProxy(value));
        }
        return value;
    };
    deserializeModule.deserializeProperties = Object.assign(shared, { shared: true as const });
}

if (!proxyModule.unknownCheckingProxy.shared) {
    const shared = <T>(value: T): T => {
        const proxy = value !== null && typeof value === "object" ? proxies.get(value) : undefined;
        return proxy === undefined ? originalProxy(value) : (proxy as T);
    };
    proxyModule.unknownCheckingProxy = Object.assign(shared, { shared: true as const });
}
