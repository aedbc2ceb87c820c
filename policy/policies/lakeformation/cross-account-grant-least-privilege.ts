import { resourcePolicy } from "../../lib/define";
import { grantPrincipal, grantTarget, isExternal, PERMISSIONS_TYPE, permissionList } from "../../lib/lakeformation";
import { isUnknown } from "../../lib/unknown";
import { dig, isTrue } from "../../lib/values";

export const lfCrossAccountGrantLeastPrivilege = resourcePolicy<{ allowedPermissions: string[] }>({
    name: "lf-cross-account-grant-least-privilege",
    concern: "lakeformation",
    description:
        "Cross-account Lake Formation grants give only DESCRIBE/SELECT on named databases, tables, columns or data cells filters: " +
        "never ALL, write or DDL permissions, catalog-level, data-location or all-tables (wildcard) grants.",
    severity: "critical",
    remediationSteps:
        'Share a named table (or columns / a data cells filter) with permissions ["DESCRIBE", "SELECT"] and the database with ' +
        '["DESCRIBE"]; the consumer account grants onwards to its own roles.',
    anchors: {},
    resourceTypes: [PERMISSIONS_TYPE],
    config: {
        allowedPermissions: { type: "array", items: { type: "string" }, default: ["DESCRIBE", "SELECT"] },
    },
    validate(resource, config, report) {
        const principal = grantPrincipal(resource.props.principal);
        if (principal.kind === "unknown") {
            report("principal is not known at preview, so the grant's reach cannot be verified");
            return;
        }
        if (!isExternal(principal, resource)) {
            return;
        }
        const who = `cross-account grant to ${principal.value}`;
        for (const key of ["permissions", "permissionsWithGrantOptions"]) {
            const list = permissionList(resource.props[key]);
            if (!list.known) {
                report(`${who}: ${key} is not known at preview`);
            }
            const extra = list.values.filter(p => !config.allowedPermissions.includes(p));
            if (extra.length > 0) {
                report(`${who} gives ${extra.join(", ")} in ${key}; only ${config.allowedPermissions.join(", ")} may cross accounts`);
            }
        }
        if (isUnknown(resource.props.catalogResource)) {
            report(`${who}: catalogResource is not known at preview`);
        }
        const target = grantTarget(resource.props);
        if (target === "catalog" || target === "dataLocation") {
            report(`${who} is a ${target === "catalog" ? "catalog-level" : "data-location"} grant`);
        }
        const wildcard = dig(resource.props, "table.wildcard");
        if (target === "table" && (isTrue(wildcard) || isUnknown(wildcard))) {
            report(`${who} covers ${isUnknown(wildcard) ? "possibly " : ""}all tables of the database (table.wildcard)`);
        }
    },
});
