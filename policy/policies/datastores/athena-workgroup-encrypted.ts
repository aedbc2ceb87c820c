import { customerKeyPolicy } from "../../lib/customer-key-policy";
import { requireOneOf } from "../../lib/settings";
import { dig } from "../../lib/values";

export const athenaWorkgroupEncrypted = customerKeyPolicy({
    name: "athena-workgroup-encrypted",
    concern: "datastores",
    description: "Athena workgroups enforce their configuration and encrypt query results with SSE_KMS/CSE_KMS and a customer-managed key.",
    remediationSteps:
        "Set configuration.enforceWorkgroupConfiguration: true and configuration.resultConfiguration.encryptionConfiguration " +
        '{ encryptionOption: "SSE_KMS", kmsKeyArn: <customer key ARN> }.',
    anchors: { checkov: ["CKV_AWS_82", "CKV_AWS_159"], pulumi: ["PCI athena-workgroup-encryption"] },
    keyPaths: { "aws:athena/workgroup:Workgroup": "configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn" },
    extra(resource, report) {
        requireOneOf(dig(resource.props, "configuration.enforceWorkgroupConfiguration"), [true, "true"], "configuration.enforceWorkgroupConfiguration", report);
        const option = dig(resource.props, "configuration.resultConfiguration.encryptionConfiguration.encryptionOption");
        return requireOneOf(option, ["SSE_KMS", "CSE_KMS"], "result encryptionOption", report);
    },
});
