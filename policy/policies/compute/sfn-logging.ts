import { resourcePolicy } from "../../lib/define";
import { requireOneOf } from "../../lib/settings";
import { dig } from "../../lib/values";

export const sfnLogging = resourcePolicy<{ allowedLevels: string[] }>({
    name: "sfn-logging",
    concern: "compute",
    description: "Step Functions state machines log executions (level ALL by default) to a CloudWatch log group.",
    severity: "medium",
    remediationSteps: 'Set loggingConfiguration { level: "ALL", logDestination: `${logGroup.arn}:*` } with an encrypted log group.',
    anchors: { cdkNag: ["AwsSolutions-SF1"], checkov: ["CKV_AWS_285"] },
    resourceTypes: ["aws:sfn/stateMachine:StateMachine"],
    config: { allowedLevels: { type: "array", items: { type: "string", enum: ["ALL", "ERROR", "FATAL"] }, default: ["ALL"] } },
    validate(resource, config, report) {
        requireOneOf(dig(resource.props, "loggingConfiguration.level"), config.allowedLevels, "loggingConfiguration.level", report);
        const destination = dig(resource.props, "loggingConfiguration.logDestination");
        if (destination === undefined || destination === "") {
            report("loggingConfiguration has no logDestination");
        }
    },
});
