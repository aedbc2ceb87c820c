import { customerKeyPolicy } from "../../lib/customer-key-policy";

export const snsTopicKmsCmk = customerKeyPolicy({
    name: "sns-topic-kms-cmk",
    concern: "messaging",
    description: "SNS topics are encrypted with a customer-managed KMS key (not alias/aws/sns).",
    remediationSteps: "Set kmsMasterKeyId to the ARN of the account's customer-managed key; its key policy must let sns.amazonaws.com and publishers use it.",
    anchors: { cdkNag: ["HIPAA.Security-SNSEncryptedKMS", "NIST.800.53.R5-SNSEncryptedKMS"], checkov: ["CKV_AWS_26"], cis: ["sns-kms-encryption-enabled"] },
    keyPaths: { "aws:sns/topic:Topic": "kmsMasterKeyId" },
});
