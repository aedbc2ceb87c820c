import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";
import { show, toNumber } from "../../lib/values";

export const logGroupRetention = resourcePolicy<{ minRetentionDays: number; maxRetentionDays: number }>({
    name: "log-group-retention",
    concern: "datastores",
    description: "CloudWatch log groups keep logs for a bounded period: at least minRetentionDays, at most maxRetentionDays (never forever).",
    severity: "medium",
    remediationSteps: "Set retentionInDays within the configured bounds (e.g. 365 for audit-relevant logs).",
    anchors: { cdkNag: ["HIPAA.Security-CloudWatchLogGroupRetentionPeriod"], checkov: ["CKV_AWS_66", "CKV_AWS_338"], cis: ["cloudwatch-log-retention"] },
    resourceTypes: ["aws:cloudwatch/logGroup:LogGroup"],
    config: {
        minRetentionDays: { type: "integer", minimum: 1, default: 90 },
        maxRetentionDays: { type: "integer", minimum: 1, default: 3653 },
    },
    validate(resource, config, report) {
        const value = resource.props.retentionInDays;
        const days = toNumber(value);
        if (isUnknown(value)) {
            report("retentionInDays is not known at preview");
        } else if (days === undefined || days === 0) {
            report("retentionInDays is not set, so logs are kept forever");
        } else if (days < config.minRetentionDays || days > config.maxRetentionDays) {
            report(`retentionInDays is ${show(value)}, outside ${config.minRetentionDays}..${config.maxRetentionDays}`);
        }
    },
});
