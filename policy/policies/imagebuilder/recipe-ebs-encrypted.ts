import { resourcePolicy } from "../../lib/define";
import { checkBlockDeviceMappings } from "../../lib/instances";

export const imagebuilderRecipeEbsEncrypted = resourcePolicy({
    name: "imagebuilder-recipe-ebs-encrypted",
    concern: "imagebuilder",
    description: "Image Builder recipes map their EBS volumes encrypted with a customer-managed KMS key.",
    severity: "high",
    remediationSteps: "Declare blockDeviceMappings[].ebs { encrypted: true, kmsKeyId: <key ARN> } for the root device.",
    anchors: { checkov: ["CKV_AWS_200"] },
    resourceTypes: ["aws:imagebuilder/imageRecipe:ImageRecipe"],
    validate(resource, _config, report) {
        checkBlockDeviceMappings(resource.props.blockDeviceMappings, report);
    },
});
