import { resourcePolicy } from "../../lib/define";
import { CONDITION_SCOPED_STAR_ACTIONS, isStarOnlyAction } from "../../lib/iam/actions";
import { isAllow, scopingValues, type Statement, wildcardMatch } from "../../lib/iam/document";
import { identityDocuments, IDENTITY_POLICY_TYPES, knownActions, walkStatements } from "../../lib/iam/sources";
import { isUnknown } from "../../lib/unknown";

function isConditionScoped(action: string): boolean {
    return Object.keys(CONDITION_SCOPED_STAR_ACTIONS).some(a => wildcardMatch(a, action));
}

/** The action is listed as condition-scoped and the statement carries one of its keys with known values. */
function scopedByCondition(action: string, statement: Statement): boolean {
    if (/[*?]/.test(action)) {
        return false;
    }
    const entry = Object.entries(CONDITION_SCOPED_STAR_ACTIONS).find(([a]) => wildcardMatch(a, action));
    return (entry?.[1] ?? []).some(key => {
        const values = scopingValues(statement, key);
        return values !== undefined && values.every(v => typeof v === "string" && !isUnknown(v) && v !== "*");
    });
}

export const iamNoWildcardResources = resourcePolicy<{ additionalStarOnlyActions: string[] }>({
    name: "iam-no-wildcard-resources",
    concern: "iam",
    description:
        "IAM identity policies must not Allow actions on Resource `*` that AWS can scope to resources; only actions the Service " +
        "Authorization Reference lists without resource types, and the listed condition-scoped writes with their scoping key, may use it.",
    severity: "high",
    remediationSteps:
        "Scope Resource to the ARNs the workload touches (bucket/*, table ARN, key ARN). If an action truly supports only `*`, " +
        "add it to additionalStarOnlyActions in the policy config with a comment in the PR.",
    anchors: { cdkNag: ["AwsSolutions-IAM5"], checkov: ["CKV_AWS_355", "CKV_AWS_289", "CKV_AWS_290"] },
    resourceTypes: IDENTITY_POLICY_TYPES,
    config: {
        additionalStarOnlyActions: {
            type: "array",
            items: { type: "string", pattern: "^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$" },
            default: [],
            description: 'Extra actions allowed on Resource "*" (reviewed).',
        },
    },
    validate(resource, config, report) {
        for (const source of identityDocuments(resource)) {
            walkStatements(source, report, "its resources", (statement, where) => {
                const actions = knownActions(statement, where, report);
                if (!isAllow(statement)) {
                    return;
                }
                if (statement.notResources) {
                    return; // refused by iam-no-allow-notaction-notresource
                }
                const star = (statement.resources ?? []).some(r => r === "*" && !isUnknown(r));
                if (!star) {
                    return;
                }
                // Listed condition-scoped writes need their key even where the catalogue has them star-only.
                const offending = actions.filter(a =>
                    isConditionScoped(a) ? !scopedByCondition(a, statement) : !isStarOnlyAction(a, config.additionalStarOnlyActions),
                );
                if (offending.length > 0) {
                    report(`${where} allows ${offending.map(a => `"${a}"`).join(", ")} on Resource "*"`);
                }
            });
        }
    },
});
