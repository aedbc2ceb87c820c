import { customerKeyPolicy } from "../../lib/customer-key-policy";

export const eventbridgeBusKmsCmk = customerKeyPolicy({
    name: "eventbridge-bus-kms-cmk",
    concern: "messaging",
    description: "Custom EventBridge buses encrypt events with a customer-managed KMS key.",
    remediationSteps: "Set kmsKeyIdentifier to the customer-managed key ARN; allow events.amazonaws.com in its key policy with aws:SourceArn.",
    anchors: {},
    keyPaths: { "aws:cloudwatch/eventBus:EventBus": "kmsKeyIdentifier" },
    extra(resource) {
        // Partner event source buses cannot be customer-encrypted by the receiving account.
        return resource.props.eventSourceName === undefined;
    },
});
