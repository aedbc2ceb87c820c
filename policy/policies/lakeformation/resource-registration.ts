import { resourcePolicy } from "../../lib/define";
import { requireOff } from "../../lib/settings";

export const lfResourceRegistration = resourcePolicy({
    name: "lf-resource-registration",
    concern: "lakeformation",
    description: "Data locations are registered with an explicit role (not the service-linked role) and without hybrid access mode.",
    severity: "high",
    remediationSteps:
        "Set roleArn to a registration role allowed to use the bucket's customer key, drop useServiceLinkedRole, and leave " +
        "hybridAccessEnabled false so IAM policies alone cannot reach the data.",
    anchors: {},
    resourceTypes: ["aws:lakeformation/resource:Resource"],
    validate(resource, _config, report) {
        const role = resource.props.roleArn;
        if (role === undefined || role === null || role === "") {
            report("has no explicit roleArn");
        }
        requireOff(resource.props.useServiceLinkedRole, "useServiceLinkedRole", "uses the Lake Formation service-linked role", report);
        requireOff(resource.props.hybridAccessEnabled, "hybridAccessEnabled", "enables hybrid access mode", report);
    },
});
