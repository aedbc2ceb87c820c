import { resourcePolicy } from "../../lib/define";
import { isAllow, restrictingValues, type Statement } from "../../lib/iam/document";
import { trustDocument, walkStatements } from "../../lib/iam/sources";
import { isUnknown } from "../../lib/unknown";

/** The condition-key prefix of a federated principal (OIDC host, SAML or Cognito). */
function conditionPrefix(federated: string): string {
    if (/:saml-provider\//.test(federated)) {
        return "SAML";
    }
    const oidc = /:oidc-provider\/(.+)$/.exec(federated);
    return oidc ? oidc[1] : federated;
}

function pinned(statement: Statement, key: string, allowWildcardSuffix: boolean): boolean {
    const values = restrictingValues(statement, key);
    return (
        values !== undefined &&
        values.length > 0 &&
        values.every(v => typeof v === "string" && !isUnknown(v) && v !== "*" && (allowWildcardSuffix || !v.includes("*")) && !/^[^:]*:\*$/.test(v))
    );
}

export const iamTrustFederatedConditions = resourcePolicy({
    name: "iam-trust-federated-conditions",
    concern: "iam",
    description:
        "Web-identity (OIDC) trust must pin both the audience (`<provider>:aud`) and the subject (`<provider>:sub`); SAML trust must pin SAML:aud.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add StringEquals `<provider>:aud` (e.g. sts.amazonaws.com) and StringEquals/StringLike `<provider>:sub` naming the " +
        "repository and ref or workload (e.g. repo:org/lakewarden:ref:refs/heads/main).",
    anchors: { checkov: ["CKV_AWS_358"] },
    resourceTypes: ["aws:iam/role:Role"],
    validate(resource, _config, report) {
        walkStatements(trustDocument(resource), report, "federated trust", (statement, where) => {
            if (!isAllow(statement) || !statement.principals) {
                return;
            }
            for (const federated of statement.principals.federated) {
                if (statement.conditions === "unknown") {
                    report(`${where}: the Condition block is not known at preview`);
                    return;
                }
                const prefix = conditionPrefix(federated);
                if (prefix === "SAML") {
                    if (!pinned(statement, "SAML:aud", false)) {
                        report(`${where} trusts ${federated} without a SAML:aud condition`);
                    }
                    continue;
                }
                if (!pinned(statement, `${prefix}:aud`, false)) {
                    report(`${where} trusts ${federated} without pinning ${prefix}:aud`);
                }
                if (!pinned(statement, `${prefix}:sub`, true)) {
                    report(`${where} trusts ${federated} without pinning ${prefix}:sub to a specific subject`);
                }
            }
        });
    },
});
