import { resourcePolicy } from "../../lib/define";
import { grantsAny } from "../../lib/iam/actions";
import { isAllow, restrictingValues } from "../../lib/iam/document";
import { isRoleArn } from "../../lib/iam/principals";
import { identityDocuments, IDENTITY_POLICY_TYPES, knownActions, walkStatements } from "../../lib/iam/sources";
import { isUnknown } from "../../lib/unknown";

export const iamPassRoleScoped = resourcePolicy({
    name: "iam-passrole-scoped",
    concern: "iam",
    description: "iam:PassRole must name specific role ARNs and carry an iam:PassedToService condition.",
    severity: "high",
    remediationSteps:
        "Put iam:PassRole in its own statement with Resource = the role ARNs to pass (no `*` in the role name) and " +
        "Condition StringEquals iam:PassedToService = the service that receives the role (e.g. glue.amazonaws.com).",
    anchors: { checkov: ["CKV_AWS_286"] },
    resourceTypes: IDENTITY_POLICY_TYPES,
    validate(resource, _config, report) {
        for (const source of identityDocuments(resource)) {
            walkStatements(source, report, "iam:PassRole scoping", (statement, where) => {
                const actions = knownActions(statement, where, report);
                if (!isAllow(statement) || !actions.some(a => grantsAny(a, ["iam:PassRole"]).length > 0)) {
                    return;
                }
                for (const r of statement.resources ?? []) {
                    // Role ARNs may be outputs (unknown at preview); known ones must be concrete role ARNs.
                    if (!isUnknown(r) && (typeof r !== "string" || !isRoleArn(r) || /:role\/(.*\/)?\*$/.test(r) || r.includes(":*:"))) {
                        report(`${where} allows iam:PassRole on ${JSON.stringify(r)}; name the role ARNs`);
                    }
                }
                if (statement.notResources) {
                    report(`${where} allows iam:PassRole with NotResource`);
                }
                const services = restrictingValues(statement, "iam:PassedToService");
                if (statement.conditions === "unknown") {
                    report(`${where}: the Condition block is not known at preview`);
                } else if (!services || services.length === 0) {
                    report(`${where} allows iam:PassRole without an iam:PassedToService condition`);
                } else if (services.some(isUnknown)) {
                    report(`${where}: the iam:PassedToService condition is not known at preview`);
                } else if (services.some(v => typeof v !== "string" || v.includes("*"))) {
                    report(`${where} has an iam:PassedToService condition that is not a specific service principal`);
                }
            });
        }
    },
});
