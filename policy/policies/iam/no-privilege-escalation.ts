import type { Resource } from "../../lib/define";
import { resourcePolicy } from "../../lib/define";
import { ESCALATION_ACTIONS, grantsAny } from "../../lib/iam/actions";
import { isAllow, wildcardMatch } from "../../lib/iam/document";
import { identityDocuments, IDENTITY_POLICY_TYPES, knownActions, walkStatements } from "../../lib/iam/sources";
import { isUnknown } from "../../lib/unknown";

/** The name the allowlist is matched against: the role/policy name, or the last segment of an ARN. */
function holderName(resource: Resource): string | undefined {
    const raw =
        resource.type === "aws:iam/rolePolicy:RolePolicy"
            ? resource.props.role
            : resource.type === "aws:iam/userPolicy:UserPolicy"
              ? resource.props.user
              : resource.type === "aws:iam/groupPolicy:GroupPolicy"
                ? resource.props.group
                : (resource.props.name ?? resource.name);
    if (typeof raw !== "string" || isUnknown(raw)) {
        return undefined;
    }
    return raw.split("/").pop();
}

export const iamNoPrivilegeEscalation = resourcePolicy<{ privilegedNamePatterns: string[] }>({
    name: "iam-no-privilege-escalation",
    concern: "iam",
    description:
        "Workload policies must not grant IAM policy/credential management, kms:PutKeyPolicy, lakeformation:PutDataLakeSettings " +
        "or sts:AssumeRole on `*`; only roles named in privilegedNamePatterns may hold the escalation actions.",
    severity: "critical",
    remediationSteps:
        "Remove the action from the workload policy. If a deployment or admin role needs it, name the role so that it matches a " +
        "reviewed entry of privilegedNamePatterns. Scope sts:AssumeRole to the role ARNs to assume.",
    anchors: { checkov: ["CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288"] },
    resourceTypes: IDENTITY_POLICY_TYPES,
    config: {
        privilegedNamePatterns: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: 'Glob patterns of role/policy names allowed to hold escalation actions (e.g. "lakewarden-*-deploy").',
        },
    },
    validate(resource, config, report) {
        const name = holderName(resource);
        const privileged = name !== undefined && config.privilegedNamePatterns.some(p => wildcardMatch(p, name));
        for (const source of identityDocuments(resource)) {
            walkStatements(source, report, "privilege escalation", (statement, where) => {
                const actions = knownActions(statement, where, report);
                if (!isAllow(statement)) {
                    return;
                }
                const escalation = [...new Set(actions.flatMap(a => grantsAny(a, ESCALATION_ACTIONS)))];
                if (escalation.length > 0 && !privileged) {
                    const who = name === undefined ? "a holder whose name is not known at preview" : `"${name}"`;
                    report(`${where} grants ${escalation.join(", ")} to ${who}, which is not a privileged role`);
                }
                const assumeOnStar = actions.some(a => grantsAny(a, ["sts:AssumeRole"]).length > 0) && (statement.resources ?? []).includes("*");
                if (assumeOnStar) {
                    report(`${where} allows sts:AssumeRole on Resource "*"; name the role ARNs`);
                }
            });
        }
    },
});
