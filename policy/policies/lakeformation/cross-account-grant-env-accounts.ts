import { stackPolicy } from "../../lib/define";
import { environmentAccounts } from "../../lib/environment";
import { grantPrincipal, isExternal, PERMISSIONS_TYPE } from "../../lib/lakeformation";
import { type OrgConfig, orgConfigSchema } from "../../lib/org-config";

export const lfCrossAccountGrantEnvAccounts = stackPolicy<OrgConfig>({
    name: "lf-cross-account-grant-env-accounts",
    concern: "lakeformation",
    description: "Cross-account Lake Formation grants go only to accounts of the environment, or to our organisation / its OUs.",
    severity: "critical",
    remediationSteps:
        "Grant to consumer accounts that have a provider in this environment (or list them in trustedAccounts); org/OU grants must name organizationId.",
    anchors: {},
    resourceTypes: [PERMISSIONS_TYPE],
    config: orgConfigSchema,
    validateStack(resources, config, report) {
        const env = environmentAccounts(resources, config.trustedAccounts);
        for (const grant of resources.filter(r => r.type === PERMISSIONS_TYPE)) {
            const principal = grantPrincipal(grant.props.principal);
            if (principal.kind === "unknown") {
                report("principal is not known at preview", grant.urn);
            } else if (principal.organizationId !== undefined && principal.organizationId !== config.organizationId) {
                report(`grants to ${principal.value}, which is not organisation ${config.organizationId ?? "(organizationId not configured)"}`, grant.urn);
            } else if (isExternal(principal, grant) && principal.account !== undefined && !env.has(principal.account)) {
                report(`grants to account ${principal.account}, which is not an account of this environment`, grant.urn);
            }
        }
    },
});
