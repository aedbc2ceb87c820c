import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";
import { asList } from "../../lib/values";

export const iamNoUserPolicies = resourcePolicy({
    name: "iam-no-user-policies",
    concern: "iam",
    description: "Permissions are granted to roles only: no inline or attached policies on IAM users.",
    severity: "medium",
    remediationSteps: "Grant the permissions to a role that people or workloads assume (SSO permission set, workload role).",
    anchors: {
        cdkNag: ["HIPAA.Security-IAMUserNoPolicies", "NIST.800.53.R5-IAMUserNoPolicies"],
        checkov: ["CKV_AWS_40"],
        pulumi: ["PCI iam-user-policy-attachment-prohibited"],
    },
    resourceTypes: ["aws:iam/userPolicy:UserPolicy", "aws:iam/userPolicyAttachment:UserPolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment"],
    validate(resource, _config, report) {
        if (resource.type !== "aws:iam/policyAttachment:PolicyAttachment") {
            report(`${resource.type.split(":").pop()} gives permissions directly to a user`);
            return;
        }
        const users = resource.props.users;
        if (isUnknown(users) || asList(users).some(isUnknown)) {
            report("users is not known at preview");
        } else if (asList(users).length > 0) {
            report("the policy attachment includes users");
        }
    },
});
