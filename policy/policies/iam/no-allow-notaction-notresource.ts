import { resourcePolicy } from "../../lib/define";
import { isAllow } from "../../lib/iam/document";
import { identityDocuments, IDENTITY_POLICY_TYPES, RESOURCE_POLICY_PROPERTY, resourcePolicyDocument, walkStatements } from "../../lib/iam/sources";

export const iamNoNotActionNotResource = resourcePolicy({
    name: "iam-no-allow-notaction-notresource",
    concern: "iam",
    description: "No Allow statement may use NotAction, NotResource or NotPrincipal: they grant everything not listed.",
    severity: "high",
    remediationSteps:
        "Rewrite the statement as an Allow of the explicit actions/resources/principals it needs. NotAction/NotResource " +
        "remain fine in Deny statements (e.g. deny everything except ...).",
    anchors: {},
    resourceTypes: [...IDENTITY_POLICY_TYPES, ...Object.keys(RESOURCE_POLICY_PROPERTY)],
    validate(resource, _config, report) {
        const sources = resource.type in RESOURCE_POLICY_PROPERTY ? [resourcePolicyDocument(resource)] : identityDocuments(resource);
        if (resource.type === "aws:iam/role:Role") {
            sources.push({ label: "assumeRolePolicy", value: resource.props.assumeRolePolicy });
        }
        for (const source of sources) {
            walkStatements(source, report, "its Allow statements", (statement, where) => {
                if (!isAllow(statement)) {
                    return;
                }
                const used = [
                    statement.notActions ? "NotAction" : undefined,
                    statement.notResources ? "NotResource" : undefined,
                    statement.notPrincipals ? "NotPrincipal" : undefined,
                ].filter(Boolean);
                if (used.length > 0) {
                    report(`${where} is an Allow with ${used.join(" and ")}`);
                }
            });
        }
    },
});
