import { customerKeyPolicy } from "../../lib/customer-key-policy";
import { requireOneOf } from "../../lib/settings";
import { dig } from "../../lib/values";

export const sfnEncryptionCmk = customerKeyPolicy({
    name: "sfn-encryption-cmk",
    concern: "compute",
    description: "Step Functions state machines encrypt their data with a customer-managed KMS key.",
    remediationSteps: 'Set encryptionConfiguration { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: <key ARN>, kmsDataKeyReusePeriodSeconds: 300 }.',
    anchors: {},
    keyPaths: { "aws:sfn/stateMachine:StateMachine": "encryptionConfiguration.kmsKeyId" },
    extra(resource, report) {
        return requireOneOf(dig(resource.props, "encryptionConfiguration.type"), ["CUSTOMER_MANAGED_KMS_KEY"], "encryptionConfiguration.type", report);
    },
});
