import { resourcePolicy } from "../../lib/define";
import { PERMISSIONS_TYPE } from "../../lib/lakeformation";

export const lfPermissionsDeleteBeforeReplace = resourcePolicy({
    name: "lf-permissions-delete-before-replace",
    concern: "lakeformation",
    description:
        "Lake Formation Permissions are created with deleteBeforeReplace: a grant has no update, and revoking the old grant after " +
        "creating the new one strips what was just granted.",
    severity: "medium",
    remediationSteps: "Pass { deleteBeforeReplace: true } in the resource options of every aws.lakeformation.Permissions.",
    anchors: {},
    resourceTypes: [PERMISSIONS_TYPE],
    validate(resource, _config, report) {
        if (resource.opts.deleteBeforeReplace !== true) {
            report("is not created with deleteBeforeReplace: true");
        }
    },
});
