import { customerKeyPolicy } from "../../lib/customer-key-policy";

export const imagebuilderComponentKmsCmk = customerKeyPolicy({
    name: "imagebuilder-component-kms-cmk",
    concern: "imagebuilder",
    description: "Image Builder components are encrypted with a customer-managed KMS key.",
    remediationSteps: "Set kmsKeyId on aws.imagebuilder.Component to the customer-managed key ARN.",
    anchors: { checkov: ["CKV_AWS_180"] },
    keyPaths: { "aws:imagebuilder/component:Component": "kmsKeyId" },
});
