import { resourcePolicy } from "../../lib/define";
import { keyRefProblem } from "../../lib/kms-ref";
import { requireOneOf } from "../../lib/settings";
import { dig } from "../../lib/values";

const PARTS = [
    { path: "s3Encryption", mode: "s3EncryptionMode", allowed: ["SSE-KMS"] },
    { path: "cloudwatchEncryption", mode: "cloudwatchEncryptionMode", allowed: ["SSE-KMS"] },
    { path: "jobBookmarksEncryption", mode: "jobBookmarksEncryptionMode", allowed: ["CSE-KMS"] },
] as const;

export const glueSecurityConfigurationEncrypted = resourcePolicy({
    name: "glue-security-configuration-encrypted",
    concern: "glue",
    description: "Glue security configurations encrypt S3 output (SSE-KMS), CloudWatch logs (SSE-KMS) and job bookmarks (CSE-KMS) with customer-managed keys.",
    severity: "high",
    remediationSteps:
        'Set encryptionConfiguration.s3Encryption { s3EncryptionMode: "SSE-KMS", kmsKeyArn }, cloudwatchEncryption ' +
        '{ cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn } and jobBookmarksEncryption { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn }.',
    anchors: { cdkNag: ["AwsSolutions-GL1", "AwsSolutions-GL3"], checkov: ["CKV_AWS_99"] },
    resourceTypes: ["aws:glue/securityConfiguration:SecurityConfiguration"],
    validate(resource, _config, report) {
        const config = dig(resource.props, "encryptionConfiguration");
        for (const part of PARTS) {
            const block = dig(config, part.path);
            if (requireOneOf(dig(block, part.mode), part.allowed, part.mode, report)) {
                const problem = keyRefProblem(dig(block, "kmsKeyArn"), part.mode.replace(/Mode$/, ""));
                if (problem) {
                    report(problem);
                }
            }
        }
    },
});
