import { resourcePolicy } from "../../lib/define";
import { isWildcardAction } from "../../lib/iam/actions";
import { isAllow } from "../../lib/iam/document";
import { identityDocuments, IDENTITY_POLICY_TYPES, knownActions, walkStatements } from "../../lib/iam/sources";

export const iamNoWildcardActions = resourcePolicy<{ forbidPartialWildcards: boolean }>({
    name: "iam-no-wildcard-actions",
    concern: "iam",
    description: "IAM identity policies must not Allow `*` or `service:*` actions.",
    severity: "critical",
    remediationSteps:
        "List the exact actions the workload calls (e.g. s3:GetObject, s3:PutObject) instead of `*` or `s3:*`. " +
        "Set forbidPartialWildcards to also refuse prefixes such as s3:Get*.",
    anchors: {
        cdkNag: ["AwsSolutions-IAM5"],
        checkov: ["CKV_AWS_63", "CKV2_AWS_40"],
        cis: ["iam-policy-no-statements-with-full-access", "iam-policy-no-star-star"],
    },
    resourceTypes: IDENTITY_POLICY_TYPES,
    config: {
        forbidPartialWildcards: { type: "boolean", default: false, description: "Also refuse actions such as s3:Get*." },
    },
    validate(resource, config, report) {
        for (const source of identityDocuments(resource)) {
            walkStatements(source, report, "its actions", (statement, where) => {
                const actions = knownActions(statement, where, report);
                if (!isAllow(statement)) {
                    return;
                }
                for (const action of actions) {
                    if (isWildcardAction(action)) {
                        report(`${where} allows the wildcard action "${action}"`);
                    } else if (config.forbidPartialWildcards && /[*?]/.test(action)) {
                        report(`${where} allows the partial wildcard action "${action}"`);
                    }
                }
            });
        }
    },
});
