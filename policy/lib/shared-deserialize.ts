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
//
// The value and its proxy are kept on the Struct itself (a symbol-keyed property, which protobuf
// never reads): the server reads them once per policy and resource, and a property read of one
// class is cheaper than a WeakMap lookup. The server asks for the proxy of the value it was just
// handed, so the last value handed out answers without a lookup; the offline runner deserialises
// every resource first and asks later, so a WeakMap from value to proxy answers it.
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

type Deserialize = (struct: Struct, proxySecrets: boolean) => Record<string, unknown>;
type Proxy = <T>(value: T) => T;

const deserializeModule = require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize & { shared?: true } };
const proxyModule = require("@pulumi/policy/proxy") as { unknownCheckingProxy: Proxy & { shared?: true } };

/** What one Struct deserialises to, and that value's proxy. */
interface Shared {
    value: Record<string, unknown>;
    proxy: Record<string, unknown>;
}

const SHARED: unique symbol = Symbol("lakewarden.sharedDeserialize") as never;
type Cached = Struct & { [SHARED]?: Shared };

/** The value handed out last (the one whose proxy the server asks for next). */
let last: Shared | undefined;
/** The proxy of every shared value, for callers that ask later (the offline runner). */
const proxies = new WeakMap<object, unknown>();

const originalProxy = proxyModule.unknownCheckingProxy;

if (!deserializeModule.deserializeProperties.shared) {
    const original = deserializeModule.deserializeProperties;
    const shared = (struct: Struct, proxySecrets: boolean): Record<string, unknown> => {
        if (proxySecrets || struct === null || typeof struct !== "object") {
            // Remediation proxies secrets in its result: not shared.
            return original(struct, proxySecrets);
        }
        let entry = (struct as Cached)[SHARED];
        if (entry === undefined) {
            const value = original(struct, false);
            entry = { value, proxy: originalProxy(value) };
            (struct as Cached)[SHARED] = entry;
            proxies.set(value, entry.proxy);
        }
        last = entry;
        return entry.value;
    };
    deserializeModule.deserializeProperties = Object.assign(shared, { shared: true as const });
}

if (!proxyModule.unknownCheckingProxy.shared) {
    const shared = <T>(value: T): T => {
        if (last !== undefined && last.value === value) {
            return last.proxy as T;
        }
        const proxy = value !== null && typeof value === "object" ? proxies.get(value) : undefined;
        return proxy === undefined ? originalProxy(value) : (proxy as T);
    };
    proxyModule.unknownCheckingProxy = Object.assign(shared, { shared: true as const });
}
