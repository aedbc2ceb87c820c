import { resourcePolicy } from "../../lib/define";
import { wildcardMatch } from "../../lib/iam/document";
import { grantPrincipal, PERMISSIONS_TYPE, permissionList } from "../../lib/lakeformation";

export const lfGrantOptionAccountOnly = resourcePolicy<{ grantOptionRoles: string[] }>({
    name: "lf-grant-option-account-only",
    concern: "lakeformation",
    description:
        "Grant option (permissionsWithGrantOptions) is given only to account, organisation or OU principals (the consumer " +
        "account's admins pass it on), and only for permissions that are also granted.",
    severity: "high",
    remediationSteps:
        "Remove permissionsWithGrantOptions from grants to roles; for consumer accounts keep it a subset of permissions. A role " +
        "that must pass grants on (an automated granter) is listed, by ARN glob, in grantOptionRoles after review.",
    anchors: {},
    resourceTypes: [PERMISSIONS_TYPE],
    config: {
        grantOptionRoles: {
            type: "array",
            items: { type: "string", pattern: "^arn:aws[a-z-]*:iam::" },
            default: [],
            description: "Role ARN globs (e.g. arn:aws:iam::*:role/lakewarden-*-granter) allowed to receive grant option.",
        },
    },
    validate(resource, config, report) {
        const withGrant = permissionList(resource.props.permissionsWithGrantOptions);
        if (!withGrant.known) {
            report("permissionsWithGrantOptions is not known at preview");
            return;
        }
        if (withGrant.values.length === 0) {
            return;
        }
        const principal = grantPrincipal(resource.props.principal);
        if (principal.kind === "unknown") {
            report("principal is not known at preview");
        } else if (!["account", "organization", "ou"].includes(principal.kind) && !config.grantOptionRoles.some(g => wildcardMatch(g, principal.value))) {
            report(`gives grant option (${withGrant.values.join(", ")}) to ${principal.value}, which is not an account principal`);
        }
        const granted = permissionList(resource.props.permissions);
        if (!granted.known) {
            report("permissions is not known at preview");
        } else {
            const notGranted = withGrant.values.filter(p => !granted.values.includes(p));
            if (notGranted.length > 0) {
                report(`grant option on ${notGranted.join(", ")} without granting them`);
            }
        }
    },
});
