import { customerKeyPolicy } from "../../lib/customer-key-policy";
import { requireOff } from "../../lib/settings";

export const sqsQueueKmsCmk = customerKeyPolicy({
    name: "sqs-queue-kms-cmk",
    concern: "messaging",
    description: "SQS queues (including dead-letter queues) are encrypted with a customer-managed KMS key, not SQS-managed SSE.",
    remediationSteps: "Set kmsMasterKeyId to the customer-managed key ARN and drop sqsManagedSseEnabled.",
    anchors: { cdkNag: ["AwsSolutions-SQS2"], checkov: ["CKV_AWS_27", "CKV2_AWS_73"], pulumi: ["PCI sqs-encryption"] },
    keyPaths: { "aws:sqs/queue:Queue": "kmsMasterKeyId" },
    extra(resource, report) {
        requireOff(resource.props.sqsManagedSseEnabled, "sqsManagedSseEnabled", "uses SQS-managed encryption (sqsManagedSseEnabled)", report);
    },
});
