import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";
import { isTrue, show, toNumber } from "../../lib/values";

export const kmsKeyRotation = resourcePolicy<{ maxRotationPeriodDays: number }>({
    name: "kms-key-rotation",
    concern: "kms",
    description: "Symmetric customer-managed KMS keys rotate automatically, at most every maxRotationPeriodDays days.",
    severity: "high",
    remediationSteps: "Set enableKeyRotation: true on the aws.kms.Key (and rotationPeriodInDays within the configured maximum).",
    anchors: { cdkNag: ["AwsSolutions-KMS5"], checkov: ["CKV_AWS_7"], cis: ["kms-key-rotation-enabled"], pulumi: ["aws-kms-key-enable-key-rotation"] },
    resourceTypes: ["aws:kms/key:Key"],
    config: { maxRotationPeriodDays: { type: "integer", minimum: 90, maximum: 2560, default: 365 } },
    validate(resource, config, report) {
        const spec = resource.props.customerMasterKeySpec ?? resource.props.keySpec;
        if (isUnknown(spec)) {
            report("keySpec is not known at preview, so rotation cannot be verified");
            return;
        }
        if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") {
            return; // asymmetric and HMAC keys cannot rotate automatically
        }
        const enabled = resource.props.enableKeyRotation;
        if (isUnknown(enabled)) {
            report("enableKeyRotation is not known at preview");
        } else if (!isTrue(enabled)) {
            report("enableKeyRotation is not true");
        }
        const period = resource.props.rotationPeriodInDays;
        if (isUnknown(period)) {
            report("rotationPeriodInDays is not known at preview");
        } else if (period !== undefined && (toNumber(period) ?? Infinity) > config.maxRotationPeriodDays) {
            report(`rotationPeriodInDays is ${show(period)}, more than ${config.maxRotationPeriodDays}`);
        }
    },
});
