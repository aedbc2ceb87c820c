import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";
import { asList, dig, isFalseOrAbsent } from "../../lib/values";

export const ec2NoPublicIp = resourcePolicy({
    name: "ec2-no-public-ip",
    concern: "compute",
    description: "Launch templates and instances do not associate public IP addresses.",
    severity: "high",
    remediationSteps: "Set associatePublicIpAddress to false and place instances in private subnets with VPC endpoints / NAT.",
    anchors: {
        cdkNag: ["HIPAA.Security-AutoScalingLaunchConfigPublicIpDisabled"],
        checkov: ["CKV_AWS_88"],
        cis: ["autoscaling-launch-config-public-ip-disabled"],
        pulumi: ["aws-ec2-launchtemplate-disallow-public-ip"],
    },
    resourceTypes: ["aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"],
    validate(resource, _config, report) {
        const values =
            resource.type === "aws:ec2/instance:Instance"
                ? [{ where: "associatePublicIpAddress", value: resource.props.associatePublicIpAddress }]
                : asList(resource.props.networkInterfaces).map((n, i) => ({
                      where: `networkInterfaces[${i}].associatePublicIpAddress`,
                      value: dig(n, "associatePublicIpAddress"),
                  }));
        if (isUnknown(resource.props.networkInterfaces)) {
            report("networkInterfaces is not known at preview");
        }
        for (const { where, value } of values) {
            if (isUnknown(value)) {
                report(`${where} is not known at preview`);
            } else if (!isFalseOrAbsent(value)) {
                report(`${where} is true`);
            }
        }
    },
});
