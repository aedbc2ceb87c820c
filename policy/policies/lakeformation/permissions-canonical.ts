import { resourcePolicy } from "../../lib/define";
import { PERMISSIONS_TYPE, permissionList } from "../../lib/lakeformation";

export const lfPermissionsCanonical = resourcePolicy({
    name: "lf-permissions-canonical",
    concern: "lakeformation",
    description: "Permission lists are sorted and free of duplicates, so reads match what was declared and grants are not churned by revoke + re-grant.",
    severity: "low",
    remediationSteps: "Sort permissions and permissionsWithGrantOptions alphabetically and remove duplicates.",
    anchors: {},
    resourceTypes: [PERMISSIONS_TYPE],
    validate(resource, _config, report) {
        for (const key of ["permissions", "permissionsWithGrantOptions"]) {
            const list = permissionList(resource.props[key]);
            if (!list.known) {
                report(`${key} is not known at preview`);
                continue;
            }
            const canonical = [...new Set(list.values)].sort();
            if (canonical.join(",") !== list.values.join(",")) {
                report(`${key} ${JSON.stringify(list.values)} should be ${JSON.stringify(canonical)}`);
            }
        }
    },
});
