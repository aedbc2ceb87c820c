import { resourcePolicy } from "../../lib/define";
import { requireOneOf } from "../../lib/settings";

export const macieAccountEnabled = resourcePolicy({
    name: "macie-account-enabled",
    concern: "macie",
    description: "Macie is enabled (not paused) wherever the program manages it.",
    severity: "medium",
    remediationSteps: 'Set status: "ENABLED" on aws.macie2.Account (omit it for the default ENABLED).',
    anchors: {},
    resourceTypes: ["aws:macie2/account:Account"],
    validate(resource, _config, report) {
        if (resource.props.status !== undefined) {
            requireOneOf(resource.props.status, ["ENABLED"], "status", report);
        }
    },
});
