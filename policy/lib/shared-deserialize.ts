// @pulumi/policy's server deserialises a request's properties (and its provider's) once for every
// policy it runs on it: per resource for each policy without a single type, and the whole stack
// for each stack policy. Every policy receives the same value, so the pack deserialises each
// protobuf Struct once and hands the same plain value to every policy: one pass per resource
// instead of one per policy. The server calls the function through its module object
// (`deserialize_1.deserializeProperties(...)`), so replacing the export is what it sees; rules
// only read props (the unknown-checking proxy is made per policy, as before).
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

type Deserialize = (struct: Struct, proxySecrets: boolean) => Record<string, unknown>;

const deserializeModule = require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize & { shared?: true } };

if (!deserializeModule.deserializeProperties.shared) {
    const original = deserializeModule.deserializeProperties;
    const plainValues = new WeakMap<Struct, Record<string, unknown>>();
    const shared = (struct: Struct, proxySecrets: boolean): Record<string, unknown> => {
        if (proxySecrets || struct === null || typeof struct !== "object") {
            // Remediation proxies secrets in its result: not shared.
            return original(struct, proxySecrets);
        }
        let value = plainValues.get(struct);
        if (value === undefined) {
            value = original(struct, false);
            plainValues.set(struct, value);
        }
        return value;
    };
    deserializeModule.deserializeProperties = Object.assign(shared, { shared: true as const });
}
