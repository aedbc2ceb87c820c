import { scopedResourcePolicy } from "../../lib/scoped-resource-policy";

export const glueCatalogResourcePolicyScoped = scopedResourcePolicy({
    name: "glue-catalog-resource-policy-scoped",
    concern: "glue",
    service: "Glue Data Catalog",
    resourceTypes: ["aws:glue/resourcePolicy:ResourcePolicy"],
    anchors: {},
    remediationSteps:
        'Allow only the environment\'s consumer accounts (or "*" with aws:PrincipalOrgID); Lake Formation cross-account grants ' +
        "need ram.amazonaws.com with aws:SourceAccount, not an open catalog.",
});
