import { customerKeyPolicy } from "../../lib/customer-key-policy";

export const logGroupKmsCmk = customerKeyPolicy({
    name: "log-group-kms-cmk",
    concern: "datastores",
    description: "CloudWatch log groups are encrypted with a customer-managed KMS key.",
    remediationSteps: "Set kmsKeyId to the key ARN; its policy must allow logs.<region>.amazonaws.com with kms:EncryptionContext:aws:logs:arn.",
    anchors: {
        cdkNag: ["HIPAA.Security-CloudWatchLogGroupEncrypted", "NIST.800.53.R5-CloudWatchLogGroupEncrypted"],
        checkov: ["CKV_AWS_158"],
        cis: ["cloudwatch-log-group-kms-encryption-enabled"],
    },
    keyPaths: { "aws:cloudwatch/logGroup:LogGroup": "kmsKeyId" },
});
