import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";
import { requireOff } from "../../lib/settings";
import { show, toNumber } from "../../lib/values";

export const kmsKeyDeletionSafety = resourcePolicy<{ minDeletionWindowDays: number }>({
    name: "kms-key-deletion-safety",
    concern: "kms",
    description: "KMS keys keep the policy lockout safety check and a deletion window of at least minDeletionWindowDays.",
    severity: "high",
    remediationSteps: "Remove bypassPolicyLockoutSafetyCheck and set deletionWindowInDays to at least the configured minimum (30 recommended).",
    anchors: { checkov: ["CKV2_AWS_64"], pulumi: ["aws-kms-key-disallow-bypass-policy-lockout-safety-check", "BP kms-key-deletion-lifecycle"] },
    resourceTypes: ["aws:kms/key:Key"],
    config: { minDeletionWindowDays: { type: "integer", minimum: 7, maximum: 30, default: 14 } },
    validate(resource, config, report) {
        requireOff(resource.props.bypassPolicyLockoutSafetyCheck, "bypassPolicyLockoutSafetyCheck", "bypassPolicyLockoutSafetyCheck is set", report);
        const window = resource.props.deletionWindowInDays;
        if (isUnknown(window)) {
            report("deletionWindowInDays is not known at preview");
        } else if (window !== undefined && (toNumber(window) ?? 0) < config.minDeletionWindowDays) {
            report(`deletionWindowInDays is ${show(window)}, less than ${config.minDeletionWindowDays}`);
        }
    },
});
