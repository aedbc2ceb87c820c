import { resourcePolicy } from "../../lib/define";
import { checkImdsV2 } from "../../lib/instances";

export const ec2ImdsV2Required = resourcePolicy<{ maxHopLimit: number }>({
    name: "ec2-imdsv2-required",
    concern: "compute",
    description: "Launch templates and instances require IMDSv2 (httpTokens required) with a hop limit of at most maxHopLimit.",
    severity: "high",
    remediationSteps: 'Set metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 2, httpEndpoint: "enabled" }.',
    anchors: {
        cdkNag: ["HIPAA.Security-EC2IMDSv2Enabled", "NIST.800.53.R5-EC2IMDSv2Enabled"],
        checkov: ["CKV_AWS_79", "CKV_AWS_341"],
        cis: ["ec2-imdsv2-required"],
    },
    resourceTypes: ["aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"],
    config: { maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 2 } },
    validate(resource, config, report) {
        checkImdsV2(resource.props.metadataOptions, "metadataOptions", config.maxHopLimit, report);
    },
});
