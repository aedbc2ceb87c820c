import { stackPolicy } from "../../lib/define";
import { ownAccounts } from "../../lib/environment";
import { PERMISSIONS_TYPE, SETTINGS_TYPE } from "../../lib/lakeformation";
import { isUnknown } from "../../lib/unknown";
import { asList, dig } from "../../lib/values";

export const lfNoGrantToDataLakeAdmins = stackPolicy({
    name: "lf-no-grant-to-data-lake-admins",
    concern: "lakeformation",
    description:
        "No Lake Formation grant names a data lake admin or the deployment role of the account (the role its provider assumes): " +
        "they hold implicit permissions, so revokes fail and column grants are rejected.",
    severity: "medium",
    remediationSteps: "Drop the grant: admins and the deployment role already have the access; grant workload roles instead.",
    anchors: {},
    resourceTypes: [PERMISSIONS_TYPE],
    validateStack(resources, _config, report) {
        const privileged = new Map<string, Set<string>>();
        const add = (accounts: Set<string>, arn: unknown) => {
            if (typeof arn !== "string" || isUnknown(arn)) {
                return;
            }
            for (const account of accounts) {
                privileged.set(account, (privileged.get(account) ?? new Set()).add(arn));
            }
        };
        for (const settings of resources.filter(r => r.type === SETTINGS_TYPE)) {
            asList(settings.props.admins).forEach(a => add(ownAccounts(settings), a));
        }
        for (const grant of resources.filter(r => r.type === PERMISSIONS_TYPE)) {
            const accounts = ownAccounts(grant);
            asList(grant.provider?.props.assumeRoles).forEach(role => add(accounts, dig(role, "roleArn")));
            const principal = grant.props.principal;
            const hit = [...accounts].some(a => typeof principal === "string" && privileged.get(a)?.has(principal));
            if (hit) {
                report(`grants to ${String(principal)}, a data lake admin or the account's deployment role`, grant.urn);
            }
        }
    },
});
