import { resourcePolicy } from "../../lib/define";
import { accountOf, isAccountId } from "../../lib/iam/principals";
import { AWS_PROVIDER_TYPE } from "../../lib/environment";
import { isUnknown } from "../../lib/unknown";
import { asDict, asList, dig, show } from "../../lib/values";

export const pulumiProviderAccountGuard = resourcePolicy<{ requireDefaultTags: boolean; requireExternalId: boolean }>({
    name: "pulumi-provider-account-guard",
    concern: "pulumi",
    description:
        "Every aws provider pins exactly one account with allowedAccountIds, assumes a role of that account with a session name, " +
        "and sets a region (and default tags).",
    severity: "critical",
    remediationSteps:
        "new aws.Provider(name, { region, allowedAccountIds: [accountId], assumeRoles: [{ roleArn: <deploy role of accountId>, " +
        'sessionName: "lakewarden-<stack>", externalId? }], defaultTags: { tags } }).',
    anchors: {},
    resourceTypes: [AWS_PROVIDER_TYPE],
    config: {
        requireDefaultTags: { type: "boolean", default: true },
        requireExternalId: { type: "boolean", default: false },
    },
    validate(resource, config, report) {
        const allowedRaw = resource.props.allowedAccountIds;
        const allowed = asList(allowedRaw);
        if (isUnknown(allowedRaw) || allowed.some(isUnknown)) {
            report("allowedAccountIds is not known at preview");
        } else if (allowed.length !== 1 || !isAccountId(allowed[0])) {
            report(`allowedAccountIds is ${show(allowedRaw)}; it must name exactly one 12-digit account`);
        }
        const rolesRaw = resource.props.assumeRoles;
        const roles = asList(rolesRaw);
        if (isUnknown(rolesRaw)) {
            report("assumeRoles is not known at preview");
        } else if (roles.length === 0) {
            report("has no assumeRoles, so it deploys with ambient credentials");
        }
        for (const [i, role] of roles.entries()) {
            const roleArn = dig(role, "roleArn");
            if (isUnknown(roleArn) || typeof roleArn !== "string") {
                report(`assumeRoles[${i}].roleArn is ${isUnknown(roleArn) ? "not known at preview" : "missing"}`);
            } else if (!allowed.includes(accountOf(roleArn))) {
                report(`assumeRoles[${i}].roleArn ${roleArn} is not in the allowed account`);
            }
            if (typeof dig(role, "sessionName") !== "string" || isUnknown(dig(role, "sessionName"))) {
                report(`assumeRoles[${i}] has no sessionName`);
            }
            if (config.requireExternalId && (typeof dig(role, "externalId") !== "string" || isUnknown(dig(role, "externalId")))) {
                report(`assumeRoles[${i}] has no externalId`);
            }
        }
        if (isUnknown(resource.props.region)) {
            report("region is not known at preview");
        } else if (typeof resource.props.region !== "string" || resource.props.region === "") {
            report("region is not set");
        }
        const tags = asDict(dig(resource.props, "defaultTags.tags"));
        if (config.requireDefaultTags && isUnknown(dig(resource.props, "defaultTags.tags"))) {
            report("defaultTags is not known at preview");
        } else if (config.requireDefaultTags && (!tags || Object.keys(tags).length === 0)) {
            report("has no defaultTags");
        }
    },
});
