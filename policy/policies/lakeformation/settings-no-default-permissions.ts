import { resourcePolicy } from "../../lib/define";
import { IAM_ALLOWED_PRINCIPALS, SETTINGS_TYPE } from "../../lib/lakeformation";
import { isUnknown } from "../../lib/unknown";
import { asList, dig, show } from "../../lib/values";

export const lfSettingsNoDefaultPermissions = resourcePolicy({
    name: "lf-settings-no-default-permissions",
    concern: "lakeformation",
    description:
        "Data lake settings keep createDatabaseDefaultPermissions and createTableDefaultPermissions empty, and no Glue database " +
        "defaults new tables to IAM_ALLOWED_PRINCIPALS (Lake Formation-only access control).",
    severity: "critical",
    remediationSteps:
        "Set both default permission lists to [] on aws.lakeformation.DataLakeSettings and remove IAM_ALLOWED_PRINCIPALS from " +
        "createTableDefaultPermissions on aws.glue.CatalogDatabase; clear pre-existing defaults once as policy/README.md describes.",
    anchors: {},
    resourceTypes: [SETTINGS_TYPE, "aws:glue/catalogDatabase:CatalogDatabase"],
    validate(resource, _config, report) {
        if (resource.type === SETTINGS_TYPE) {
            for (const key of ["createDatabaseDefaultPermissions", "createTableDefaultPermissions"]) {
                const value = resource.props[key];
                if (isUnknown(value)) {
                    report(`${key} is not known at preview`);
                } else if (asList(value).length > 0) {
                    report(`${key} is ${show(value)}; it must be empty`);
                }
            }
            return;
        }
        const defaults = resource.props.createTableDefaultPermissions;
        if (isUnknown(defaults)) {
            report("createTableDefaultPermissions is not known at preview");
            return;
        }
        for (const entry of asList(defaults)) {
            const principal = dig(entry, "principal.dataLakePrincipalIdentifier");
            if (isUnknown(principal)) {
                report("a createTableDefaultPermissions principal is not known at preview");
            } else if (typeof principal === "string" && principal.toUpperCase() === IAM_ALLOWED_PRINCIPALS) {
                report("createTableDefaultPermissions grants IAM_ALLOWED_PRINCIPALS");
            }
        }
    },
});
