// The shared shape of specs for "uses a customer-managed key" policies: the key missing, the
// AWS-managed alias, a bare key id, plus the policy's own settings.
import { find, type FixtureProps, foreign, type PlannedResource, type ResourceClass, setPath, stack, typed } from "./helpers";
import { describePolicy, type ViolationCase } from "./harness";

export interface CustomerKeyCase<A> {
    policy: string;
    cls: ResourceClass<A>;
    /** The compliant inputs (a value, so the object literal is checked against the Args). */
    props: FixtureProps<NonNullable<A>>;
    /** Path of the key reference inside props. */
    keyPath: string[];
    awsManagedAlias: string;
    extraViolations?: ViolationCase[];
    violates?: string[];
    allowed?: string[];
    /** Extra resources the compliant stack needs. */
    companions?: () => PlannedResource[];
}

export function describeCustomerKeyPolicy<A>(c: CustomerKeyCase<A>): void {
    const name = "subject";
    const withKey = (value: unknown) => (r: PlannedResource[]) => setPath(find(r, name).props, c.keyPath, value);
    describePolicy({
        policy: c.policy,
        target: name,
        compliant: () => stack(typed(c.cls, name, c.props), ...(c.companions?.() ?? [])),
        violations: [
            { name: "no key", mutate: withKey(undefined), expect: /has no customer-managed KMS key/ },
            { name: "the AWS-managed key", mutate: withKey(c.awsManagedAlias), expect: /uses the AWS-managed key/ },
            { name: "a bare key id", mutate: withKey("1234abcd-12ab-34cd-56ef-1234567890ab"), expect: /use the ARN of a customer-managed key/ },
            ...(c.extraViolations ?? []),
        ],
        otherType: () =>
            stack(foreign("aws:cloudwatch/metricAlarm:MetricAlarm", name, { ...c.props, kmsMasterKeyId: "alias/aws/sns", kmsKeyId: "alias/aws/logs" })),
        unknowns: [{ resource: name, violates: c.violates ?? [], allowed: [c.keyPath.join("."), ...(c.allowed ?? ["*"])] }],
    });
}
