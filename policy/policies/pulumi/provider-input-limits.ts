import { stackPolicy } from "../../lib/define";
import { INPUT_LIMITS, measure, TAG_LIMITS } from "../../lib/input-limits";
import { containsUnknown, isUnknown } from "../../lib/unknown";
import { asDict, dig } from "../../lib/values";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

export const pulumiProviderInputLimits = stackPolicy({
    name: "pulumi-provider-input-limits",
    concern: "pulumi",
    description:
        "Inputs stay within the size limits that the AWS provider (at preview) or the AWS API (at deploy) enforce and that mocks never " +
        "check: document and name lengths from one table (policy/lib/input-limits.ts) that names the provider validator or AWS document " +
        "of each row, the aggregate of a role's inline policies, and tag keys and values.",
    severity: "high",
    remediationSteps:
        "Shorten the input or move it where the service takes larger content (Image Builder component documents to S3 via `uri`, " +
        "large SSM values to the Advanced tier or S3, policies split across roles or managed policies).",
    anchors: {},
    resourceTypes: ["aws:*"],
    validateStack(resources, _config, report) {
        const inlineByRole = new Map<string, { size: number; urn: string }>();
        for (const r of resources) {
            for (const limit of INPUT_LIMITS.filter(l => l.type === r.type)) {
                const value = dig(r.props, limit.property);
                // Unknown at preview: the value is an output of this program; the provider checks it once resolved.
                if (value === undefined || value === null || containsUnknown(value)) {
                    continue;
                }
                const max = typeof limit.max === "number" ? limit.max : limit.max(r.props);
                const size = measure(value, limit.measure);
                if (size > max) {
                    const where = limit.enforcedBy === "provider" ? "the provider refuses it at preview" : "AWS refuses it at deploy";
                    report(
                        `${limit.property} is ${size} ${limit.measure === "nonWhitespace" ? "non-whitespace characters" : "characters"}, over the limit of ${max}; ${where} (${limit.source})`,
                        r.urn,
                    );
                }
            }
            if (
                r.type === ROLE_POLICY &&
                typeof r.props.role === "string" &&
                !isUnknown(r.props.role) &&
                !containsUnknown(r.props.policy) &&
                r.props.policy !== undefined
            ) {
                const key = `${r.provider?.urn ?? ""}|${r.props.role}`;
                const entry = inlineByRole.get(key) ?? { size: 0, urn: r.urn };
                entry.size += measure(r.props.policy, "nonWhitespace");
                inlineByRole.set(key, entry);
            }
            const tags = asDict(r.props.tags);
            if (r.type.startsWith("aws:") && tags) {
                for (const [key, value] of Object.entries(tags)) {
                    if ([...key].length > TAG_LIMITS.key) {
                        report(`tag key "${key.slice(0, 40)}..." is over ${TAG_LIMITS.key} characters (${TAG_LIMITS.source})`, r.urn);
                    }
                    if (typeof value === "string" && !isUnknown(value) && [...value].length > TAG_LIMITS.value) {
                        report(`tag ${key} is ${[...value].length} characters, over ${TAG_LIMITS.value} (${TAG_LIMITS.source})`, r.urn);
                    }
                }
            }
        }
        const aggregate = INPUT_LIMITS.find(l => l.type === ROLE_POLICY);
        for (const [key, entry] of inlineByRole) {
            if (aggregate && typeof aggregate.max === "number" && entry.size > aggregate.max) {
                report(
                    `the inline policies of role ${key.split("|")[1]} total ${entry.size} non-whitespace characters, over ${aggregate.max} (${aggregate.source})`,
                    entry.urn,
                );
            }
        }
    },
});
