import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";
import { asList } from "../../lib/values";

const ATTACHMENT_TYPES = [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/role:Role",
];

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

/** AWS-managed policies that grant administrative or service-wide access. */
function isAdminManagedPolicy(arn: string, extra: readonly string[]): boolean {
    const match = AWS_MANAGED.exec(arn);
    if (!match) {
        return false;
    }
    const name = match[1].split("/").pop() ?? "";
    return (
        ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"].includes(name) ||
        /FullAccess(V\d+)?$/.test(name) ||
        /^AdministratorAccess-/.test(name) ||
        extra.includes(name)
    );
}

export const iamNoAdminManagedPolicies = resourcePolicy<{ additionalForbiddenPolicies: string[] }>({
    name: "iam-no-admin-managed-policies",
    concern: "iam",
    description: "No AWS-managed administrator, PowerUser or *FullAccess policy may be attached to a role, user or group.",
    severity: "critical",
    remediationSteps: "Replace the managed policy with a customer-managed or inline policy that lists the needed actions on the needed resources.",
    anchors: {
        cdkNag: ["AwsSolutions-IAM4", "HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess"],
        checkov: ["CKV_AWS_62", "CKV_AWS_274", "CKV2_AWS_56"],
        cis: ["iam-policy-no-statements-with-admin-access"],
    },
    resourceTypes: ATTACHMENT_TYPES,
    config: {
        additionalForbiddenPolicies: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Further AWS-managed policy names to refuse.",
        },
    },
    validate(resource, config, report) {
        const arns = resource.type === "aws:iam/role:Role" ? asList(resource.props.managedPolicyArns) : [resource.props.policyArn];
        for (const arn of arns) {
            // An unknown ARN is an output of a customer-managed policy of this program: AWS-managed ARNs are literals.
            if (typeof arn === "string" && !isUnknown(arn) && isAdminManagedPolicy(arn, config.additionalForbiddenPolicies)) {
                report(`attaches the AWS-managed policy ${arn}`);
            }
        }
    },
});
