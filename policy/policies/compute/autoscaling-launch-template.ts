import { resourcePolicy } from "../../lib/define";
import { dig } from "../../lib/values";

export const autoscalingLaunchTemplate = resourcePolicy({
    name: "autoscaling-launch-template",
    concern: "compute",
    description: "Auto Scaling groups launch from a launch template (where IMDSv2, encryption and networking are enforced), never a launch configuration.",
    severity: "medium",
    remediationSteps: "Use launchTemplate { id, version } (or mixedInstancesPolicy.launchTemplate) instead of launchConfiguration.",
    anchors: { checkov: ["CKV_AWS_315"] },
    resourceTypes: ["aws:autoscaling/group:Group"],
    validate(resource, _config, report) {
        if (resource.props.launchConfiguration !== undefined) {
            report("uses a launch configuration");
        }
        const template = resource.props.launchTemplate ?? dig(resource.props, "mixedInstancesPolicy.launchTemplate");
        if (template === undefined) {
            report("has no launch template");
        }
    },
});
