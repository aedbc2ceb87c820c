import { stackPolicy } from "../../lib/define";
import { environmentAccounts, ownAccounts } from "../../lib/environment";
import { pinsExternalId, pinsOrganization } from "../../lib/iam/conditions";
import { isAllow } from "../../lib/iam/document";
import { accountOf } from "../../lib/iam/principals";
import { trustDocument, walkStatements } from "../../lib/iam/sources";
import { orgConfigSchema, type OrgConfig } from "../../lib/org-config";

export const iamTrustCrossAccountConditions = stackPolicy<OrgConfig>({
    name: "iam-trust-cross-account-conditions",
    concern: "iam",
    description:
        "Cross-account principals in a trust policy must be accounts of the environment and the statement must pin " +
        "aws:PrincipalOrgID (our organisation) or sts:ExternalId.",
    severity: "critical",
    remediationSteps:
        "Trust only accounts that have a provider in this environment (or are listed in trustedAccounts), and add " +
        "Condition StringEquals aws:PrincipalOrgID = the organisation id, or sts:ExternalId for a third party.",
    anchors: { checkov: ["CKV_AWS_61"], cis: ["iam-role-assume-role-mfa-enforcement (MFA only)"] },
    resourceTypes: ["aws:iam/role:Role"],
    config: orgConfigSchema,
    validateStack(resources, config, report) {
        const env = environmentAccounts(resources, config.trustedAccounts);
        for (const role of resources.filter(r => r.type === "aws:iam/role:Role")) {
            const own = ownAccounts(role);
            const say = (message: string) => report(message, role.urn);
            walkStatements(trustDocument(role), say, "cross-account trust", (statement, where) => {
                if (!isAllow(statement) || !statement.principals || statement.principals.unknown) {
                    return; // unknown and "*" principals: iam-trust-no-public-principal
                }
                for (const principal of statement.principals.aws.filter(p => p !== "*")) {
                    const account = accountOf(principal);
                    if (account === undefined) {
                        say(`${where}: principal ${principal} is not an account id or IAM ARN`);
                        continue;
                    }
                    if (own.has(account)) {
                        continue;
                    }
                    if (!env.has(account)) {
                        say(`${where} trusts account ${account}, which is not an account of this environment`);
                    }
                    if (statement.conditions === "unknown") {
                        say(`${where}: the Condition block is not known at preview`);
                        continue;
                    }
                    const org = pinsOrganization(statement, config.organizationId);
                    const external = pinsExternalId(statement);
                    if (!org.ok && !external.ok) {
                        say(`${where} trusts ${principal} across accounts with ${org.why} and ${external.why}`);
                    }
                }
            });
        }
    },
});
