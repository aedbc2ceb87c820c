import { resourcePolicy } from "../../lib/define";
import { isAllow } from "../../lib/iam/document";
import { trustDocument, walkStatements } from "../../lib/iam/sources";

export const iamTrustNoPublicPrincipal = resourcePolicy({
    name: "iam-trust-no-public-principal",
    concern: "iam",
    description: "A role's trust policy must not allow Principal `*` (or AWS `*`), and its principals must be known at preview.",
    severity: "critical",
    remediationSteps:
        "Name the account, role or service principal that may assume the role. Build principal ARNs from the environment " +
        "model (account ids) so they are plain strings at preview.",
    anchors: { checkov: ["CKV_AWS_60"] },
    resourceTypes: ["aws:iam/role:Role"],
    validate(resource, _config, report) {
        walkStatements(trustDocument(resource), report, "who may assume the role", (statement, where) => {
            if (!isAllow(statement)) {
                return;
            }
            const p = statement.principals;
            if (p?.unknown) {
                report(`${where}: a Principal is not known at preview`);
            }
            if (p?.wildcard) {
                report(`${where} lets any principal ("*") assume the role`);
            }
        });
    },
});
