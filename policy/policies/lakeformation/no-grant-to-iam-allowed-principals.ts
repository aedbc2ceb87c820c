import { resourcePolicy } from "../../lib/define";
import { grantPrincipal, PERMISSIONS_TYPE } from "../../lib/lakeformation";

export const lfNoGrantToIamAllowedPrincipals = resourcePolicy({
    name: "lf-no-grant-to-iam-allowed-principals",
    concern: "lakeformation",
    description:
        "No Lake Formation grant names IAM_ALLOWED_PRINCIPALS: while that group holds permissions on a table, column-level grants silently become all columns.",
    severity: "critical",
    remediationSteps:
        "Grant to the specific role ARN or consumer account instead, and revoke existing IAM_ALLOWED_PRINCIPALS permissions once (see policy/README.md).",
    anchors: {},
    resourceTypes: [PERMISSIONS_TYPE],
    validate(resource, _config, report) {
        const principal = grantPrincipal(resource.props.principal);
        if (principal.kind === "unknown") {
            report("principal is not known at preview");
        } else if (principal.kind === "iam-allowed-principals") {
            report("grants to IAM_ALLOWED_PRINCIPALS");
        }
    },
});
