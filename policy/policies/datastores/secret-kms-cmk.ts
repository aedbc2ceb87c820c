import { customerKeyPolicy } from "../../lib/customer-key-policy";

export const secretKmsCmk = customerKeyPolicy({
    name: "secret-kms-cmk",
    concern: "datastores",
    description: "Secrets Manager secrets are encrypted with a customer-managed KMS key (not aws/secretsmanager).",
    remediationSteps: "Set kmsKeyId to the customer-managed key ARN.",
    anchors: {
        cdkNag: ["AwsSolutions-SMG4", "HIPAA.Security-SecretsManagerUsingKMSKey"],
        checkov: ["CKV_AWS_149"],
        pulumi: ["aws-secretsmanager-secret-configure-customer-managed-key"],
    },
    keyPaths: { "aws:secretsmanager/secret:Secret": "kmsKeyId" },
});
