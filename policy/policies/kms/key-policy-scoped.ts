import { scopedResourcePolicy } from "../../lib/scoped-resource-policy";

export const kmsKeyPolicyScoped = scopedResourcePolicy({
    name: "kms-key-policy-scoped",
    concern: "kms",
    service: "KMS key",
    resourceTypes: ["aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"],
    anchors: { checkov: ["CKV_AWS_33"], pulumi: ["PCI kms-key-policy-access-control"] },
    servicePinKeys: ["kms:EncryptionContext:aws:logs:arn", "kms:ViaService", "kms:EncryptionContext:aws:sns:topicArn"],
    remediationSteps:
        'Keep kms:* for the key\'s own account root only; give other principals the exact kms actions they need. Use Principal "*" ' +
        "only with kms:CallerAccount/aws:PrincipalOrgID conditions, and pin service principals with aws:SourceArn or the service's encryption context.",
});
