import { resourcePolicy } from "../../lib/define";
import { ownAccounts } from "../../lib/environment";
import { accountOf, isRoleArn } from "../../lib/iam/principals";
import { SETTINGS_TYPE } from "../../lib/lakeformation";
import { isUnknown } from "../../lib/unknown";
import { asList, show } from "../../lib/values";

export const lfSettingsAdmins = resourcePolicy({
    name: "lf-settings-admins",
    concern: "lakeformation",
    description: "Lake Formation admins and read-only admins are IAM roles of the settings' own account (no users, roots or wildcards), known at preview.",
    severity: "high",
    remediationSteps: "List the deployment/administration role ARNs of this account, built from the environment model.",
    anchors: {},
    resourceTypes: [SETTINGS_TYPE],
    validate(resource, _config, report) {
        const own = ownAccounts(resource);
        for (const key of ["admins", "readOnlyAdmins"]) {
            const value = resource.props[key];
            if (isUnknown(value)) {
                report(`${key} is not known at preview`);
                continue;
            }
            for (const admin of asList(value)) {
                if (isUnknown(admin)) {
                    report(`an entry of ${key} is not known at preview`);
                } else if (typeof admin !== "string" || !isRoleArn(admin) || admin.includes("*")) {
                    report(`${key} entry ${show(admin)} is not an IAM role ARN`);
                } else if (own.size > 0 && !own.has(accountOf(admin) ?? "")) {
                    report(`${key} entry ${admin} is a role of another account`);
                }
            }
        }
    },
});
