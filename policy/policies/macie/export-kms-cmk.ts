import { customerKeyPolicy } from "../../lib/customer-key-policy";

export const macieExportKmsCmk = customerKeyPolicy({
    name: "macie-export-kms-cmk",
    concern: "macie",
    description: "Macie's classification results are exported to S3 encrypted with a customer-managed KMS key.",
    remediationSteps: "Set s3Destination.kmsKeyArn to the security account's results key ARN.",
    anchors: {},
    keyPaths: { "aws:macie2/classificationExportConfiguration:ClassificationExportConfiguration": "s3Destination.kmsKeyArn" },
});
