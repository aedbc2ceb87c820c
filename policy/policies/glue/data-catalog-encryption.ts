import { resourcePolicy } from "../../lib/define";
import { keyRefProblem } from "../../lib/kms-ref";
import { requireOneOf } from "../../lib/settings";
import { dig } from "../../lib/values";

export const glueDataCatalogEncryption = resourcePolicy({
    name: "glue-data-catalog-encryption",
    concern: "glue",
    description: "The Glue Data Catalog encrypts metadata and connection passwords with customer-managed KMS keys.",
    severity: "high",
    remediationSteps:
        'Set dataCatalogEncryptionSettings.encryptionAtRest { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: <key ARN> } and ' +
        "connectionPasswordEncryption { returnConnectionPasswordEncrypted: true, awsKmsKeyId: <key ARN> }.",
    anchors: { checkov: ["CKV_AWS_94"] },
    resourceTypes: ["aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"],
    validate(resource, _config, report) {
        const settings = dig(resource.props, "dataCatalogEncryptionSettings");
        const mode = dig(settings, "encryptionAtRest.catalogEncryptionMode");
        if (requireOneOf(mode, ["SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"], "catalogEncryptionMode", report)) {
            const problem = keyRefProblem(dig(settings, "encryptionAtRest.sseAwsKmsKeyId"), "catalog encryption at rest");
            if (problem) {
                report(problem);
            }
        }
        if (
            requireOneOf(
                dig(settings, "connectionPasswordEncryption.returnConnectionPasswordEncrypted"),
                [true, "true"],
                "returnConnectionPasswordEncrypted",
                report,
            )
        ) {
            const problem = keyRefProblem(dig(settings, "connectionPasswordEncryption.awsKmsKeyId"), "connection password encryption");
            if (problem) {
                report(problem);
            }
        }
    },
});
