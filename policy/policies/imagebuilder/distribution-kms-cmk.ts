import { resourcePolicy } from "../../lib/define";
import { keyRefProblem } from "../../lib/kms-ref";
import { isUnknown } from "../../lib/unknown";
import { asList, dig } from "../../lib/values";

export const imagebuilderDistributionKmsCmk = resourcePolicy({
    name: "imagebuilder-distribution-kms-cmk",
    concern: "imagebuilder",
    description: "Image Builder distributions encrypt the AMIs they publish with a customer-managed KMS key in every region.",
    severity: "high",
    remediationSteps: "Set distributions[].amiDistributionConfiguration.kmsKeyId to a customer-managed key ARN of the target region.",
    anchors: { checkov: ["CKV_AWS_199"] },
    resourceTypes: ["aws:imagebuilder/distributionConfiguration:DistributionConfiguration"],
    validate(resource, _config, report) {
        const distributions = resource.props.distributions;
        if (isUnknown(distributions)) {
            report("distributions is not known at preview");
            return;
        }
        asList(distributions).forEach((d, i) => {
            const ami = dig(d, "amiDistributionConfiguration");
            if (ami === undefined) {
                return; // container or launch-template-only distribution
            }
            if (isUnknown(ami)) {
                report(`distributions[${i}].amiDistributionConfiguration is not known at preview`);
                return;
            }
            const problem = keyRefProblem(dig(ami, "kmsKeyId"), `distributions[${i}] (${String(dig(d, "region"))})`);
            if (problem) {
                report(problem);
            }
        });
    },
});
