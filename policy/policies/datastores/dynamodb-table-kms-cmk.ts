import { customerKeyPolicy } from "../../lib/customer-key-policy";
import { requireOneOf } from "../../lib/settings";
import { dig } from "../../lib/values";

export const dynamodbTableKmsCmk = customerKeyPolicy({
    name: "dynamodb-table-kms-cmk",
    concern: "datastores",
    description: "DynamoDB tables use server-side encryption with a customer-managed KMS key.",
    remediationSteps: "Set serverSideEncryption: { enabled: true, kmsKeyArn: <customer key ARN> }.",
    anchors: { checkov: ["CKV_AWS_119"], cis: ["dynamodb-kms-encryption-enabled"], pulumi: ["BP dynamodb-kms-encryption-enabled"] },
    keyPaths: { "aws:dynamodb/table:Table": "serverSideEncryption.kmsKeyArn" },
    extra(resource, report) {
        requireOneOf(dig(resource.props, "serverSideEncryption.enabled"), [true, "true"], "serverSideEncryption.enabled", report);
    },
});
