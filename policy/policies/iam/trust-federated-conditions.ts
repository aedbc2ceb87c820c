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

/** Whether `key` is pinned to specific values; wildcards are allowed after a fixed prefix for `sub`. */
function pinned(statement: Statement, key: string, allowWildcardSuffix: boolean): "yes" | "no" | "unknown" {
    const values = restrictingValues(statement, key);
    if (values?.some(isUnknown)) {
        return "unknown";
    }
    const specific = (v: unknown) => typeof v === "string" && v !== "*" && (allowWildcardSuffix || !v.includes("*")) && !/^[^:]*:\*$/.test(v);
    return values !== undefined && values.length > 0 && values.every(specific) ? "yes" : "no";
}

export const iamTrustFederatedConditions = resourcePolicy({
    name: "iam-trust-federated-conditions",
    concern: "iam",
    description: "Web-identity (OIDC) trust must pin both the audience (`<provider>:aud`) and the subject (`<provider>:sub`); SAML trust must pin SAML:aud.",
    severity: "critical",
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
                const keys = prefix === "SAML" ? [["SAML:aud", false] as const] : [[`${prefix}:aud`, false] as const, [`${prefix}:sub`, true] as const];
                for (const [key, wildcardSuffix] of keys) {
                    const verdict = pinned(statement, key, wildcardSuffix);
                    if (verdict === "unknown") {
                        report(`${where}: the ${key} condition is not known at preview`);
                    } else if (verdict === "no") {
                        report(`${where} trusts ${federated} without pinning ${key} to a specific value`);
                    }
                }
            }
        });
    },
});
