import { stackPolicy } from "../../lib/define";
import { environmentAccounts } from "../../lib/environment";
import { SETTINGS_TYPE } from "../../lib/lakeformation";
import { type OrgConfig, orgConfigSchema } from "../../lib/org-config";
import { isUnknown } from "../../lib/unknown";
import { requireOff } from "../../lib/settings";
import { asList, isTrue } from "../../lib/values";

export const lfSettingsExternalAccess = stackPolicy<OrgConfig & { allowExternalDataFiltering: boolean }>({
    name: "lf-settings-external-access",
    concern: "lakeformation",
    description:
        "Data lake settings open no external doors: external data filtering and full-table external access stay off unless " +
        "configured, and trusted resource owners / filtering allow lists name only accounts of the environment.",
    severity: "high",
    remediationSteps:
        "Leave allowExternalDataFiltering and allowFullTableExternalDataAccess false (enable filtering only with a reviewed config " +
        "change), and list only environment accounts in trustedResourceOwners and externalDataFilteringAllowLists.",
    anchors: {},
    resourceTypes: [SETTINGS_TYPE],
    config: { ...orgConfigSchema, allowExternalDataFiltering: { type: "boolean", default: false } },
    validateStack(resources, config, report) {
        const env = environmentAccounts(resources, config.trustedAccounts);
        for (const settings of resources.filter(r => r.type === SETTINGS_TYPE)) {
            const say = (m: string) => report(m, settings.urn);
            const filtering = settings.props.allowExternalDataFiltering;
            if (isUnknown(filtering)) {
                say("allowExternalDataFiltering is not known at preview");
            } else if (isTrue(filtering) && !config.allowExternalDataFiltering) {
                say("allowExternalDataFiltering is enabled");
            }
            requireOff(settings.props.allowFullTableExternalDataAccess, "allowFullTableExternalDataAccess", "allowFullTableExternalDataAccess is enabled", say);
            for (const key of ["trustedResourceOwners", "externalDataFilteringAllowLists"]) {
                const value = settings.props[key];
                const accounts = asList(value);
                if (isUnknown(value) || accounts.some(isUnknown)) {
                    say(`${key} is not known at preview`);
                    continue;
                }
                for (const account of accounts.filter(a => !env.has(String(a)))) {
                    say(`${key} names ${String(account)}, which is not an account of this environment`);
                }
            }
        }
    },
});
