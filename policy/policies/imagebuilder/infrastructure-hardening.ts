import { resourcePolicy } from "../../lib/define";
import { checkImdsV2 } from "../../lib/instances";
import { requireOneOf } from "../../lib/settings";

export const imagebuilderInfrastructureHardening = resourcePolicy<{ maxHopLimit: number }>({
    name: "imagebuilder-infrastructure-hardening",
    concern: "imagebuilder",
    description: "Image Builder build instances require IMDSv2, run in a chosen subnet with security groups, and terminate on failure.",
    severity: "high",
    remediationSteps:
        'Set instanceMetadataOptions { httpTokens: "required", httpPutResponseHopLimit: 1 }, subnetId and securityGroupIds of a ' +
        "private subnet, and terminateInstanceOnFailure: true.",
    anchors: {},
    resourceTypes: ["aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration"],
    config: { maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 2 } },
    validate(resource, config, report) {
        checkImdsV2(resource.props.instanceMetadataOptions, "instanceMetadataOptions", config.maxHopLimit, report);
        requireOneOf(resource.props.terminateInstanceOnFailure, [true, "true"], "terminateInstanceOnFailure", report);
        if (resource.props.subnetId === undefined) {
            report("has no subnetId, so builds run in the default VPC");
        }
    },
});
