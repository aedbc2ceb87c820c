import { stackPolicy } from "../../lib/define";
import { ownAccounts } from "../../lib/environment";
import { wildcardMatch } from "../../lib/iam/document";
import { isUnknown } from "../../lib/unknown";

const SLR = "aws:iam/serviceLinkedRole:ServiceLinkedRole";
// role/aws-service-role/<service principal>/<role name>: the path IAM gives every service-linked role.
const SLR_ARN = /arn:aws[a-z-]*:iam::(\d{12}):role\/aws-service-role\/([a-z0-9.-]+)\/(AWSServiceRoleFor[\w+=,.@-]*)/g;

/** Role name of a ServiceLinkedRole resource: AWS names the role itself; a custom suffix follows "_". */
function suffixOf(roleName: string): string | undefined {
    const at = roleName.indexOf("_");
    return at < 0 ? undefined : roleName.slice(at + 1);
}

export const iamServiceLinkedRolesPresent = stackPolicy<{ presentServiceLinkedRoles: string[] }>({
    name: "iam-service-linked-roles-present",
    concern: "iam",
    description:
        "Every service-linked role a resource names (key, trust and resource policy principals, role ARNs in any input) exists: a " +
        "ServiceLinkedRole resource for that service in that account is in the stack, or the policy config declares it present " +
        "(presentServiceLinkedRoles). A fresh account has none until the service is first used, and policies naming it are refused.",
    severity: "high",
    remediationSteps:
        "Create it with aws.iam.ServiceLinkedRole (awsServiceName = the service in the ARN's path) through the account's provider, " +
        "and make the resources naming it depend on it; or, when the account already has it, list its ARN in presentServiceLinkedRoles.",
    anchors: {},
    resourceTypes: ["aws:*"],
    config: {
        presentServiceLinkedRoles: {
            type: "array",
            items: { type: "string", pattern: "^arn:aws[a-z-]*:iam::(\\d{12}|\\*):role/aws-service-role/" },
            default: [],
            description: "Service-linked role ARNs (account may be `*`) that exist before the deploy (declared prerequisites).",
        },
    },
    validateStack(resources, config, report) {
        const created: { account: string; service: string; suffix?: string }[] = [];
        for (const r of resources.filter(x => x.type === SLR)) {
            const { awsServiceName, customSuffix } = r.props;
            if (isUnknown(awsServiceName) || isUnknown(customSuffix)) {
                report("awsServiceName or customSuffix is not known at preview, so the roles naming this service-linked role cannot be matched to it", r.urn);
                continue;
            }
            for (const account of ownAccounts(r)) {
                created.push({
                    account,
                    service: String(awsServiceName),
                    suffix: typeof customSuffix === "string" && customSuffix !== "" ? customSuffix : undefined,
                });
            }
        }
        for (const r of resources) {
            if (!r.type.startsWith("aws:") || r.type === SLR) {
                continue;
            }
            const text = JSON.stringify(r.props);
            if (!text.includes("aws-service-role/")) {
                continue;
            }
            const named = new Set<string>();
            for (const m of text.matchAll(SLR_ARN)) {
                named.add(m[0]);
            }
            for (const arn of named) {
                const [, account, service, roleName] = new RegExp(SLR_ARN.source).exec(arn) ?? [];
                const suffix = suffixOf(roleName);
                const inStack = created.some(c => c.account === account && c.service === service && c.suffix === suffix);
                const declared = config.presentServiceLinkedRoles.some(p => wildcardMatch(p, arn));
                if (!inStack && !declared) {
                    report(
                        `names service-linked role ${arn}, but no ServiceLinkedRole for ${service} in account ${account} is in the stack and presentServiceLinkedRoles does not declare it`,
                        r.urn,
                    );
                }
            }
        }
    },
});
