import { resourcePolicy } from "../../lib/define";
import { checkBlockDeviceMappings, checkEbs } from "../../lib/instances";
import { keyRefProblem } from "../../lib/kms-ref";
import { requireOneOf } from "../../lib/settings";
import { asList } from "../../lib/values";

export const ec2EbsEncrypted = resourcePolicy({
    name: "ec2-ebs-encrypted",
    concern: "compute",
    description: "EBS volumes of launch templates, instances and standalone volumes are encrypted with a customer-managed KMS key.",
    severity: "high",
    remediationSteps:
        'Declare every block device mapping (root included) with ebs { encrypted: "true", kmsKeyId: <key ARN> }; the key policy must ' +
        "allow the Auto Scaling service-linked role.",
    anchors: {
        cdkNag: ["AwsSolutions-EC26"],
        checkov: ["CKV_AWS_8", "CKV_AWS_3", "CKV_AWS_189"],
        pulumi: ["aws-ec2-launchtemplate-disallow-unencrypted-block-device"],
    },
    resourceTypes: ["aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance", "aws:ebs/volume:Volume"],
    validate(resource, _config, report) {
        if (resource.type === "aws:ebs/volume:Volume") {
            if (requireOneOf(resource.props.encrypted, [true, "true"], "encrypted", report)) {
                const problem = keyRefProblem(resource.props.kmsKeyId, "volume");
                if (problem) {
                    report(problem);
                }
            }
            return;
        }
        if (resource.type === "aws:ec2/instance:Instance") {
            checkEbs(resource.props.rootBlockDevice ?? {}, "rootBlockDevice", report);
            asList(resource.props.ebsBlockDevices).forEach((d, i) => checkEbs(d, `ebsBlockDevices[${i}]`, report));
            return;
        }
        checkBlockDeviceMappings(resource.props.blockDeviceMappings, report);
    },
});
