import { resourcePolicy } from "../../lib/define";
import { requireFlags } from "../../lib/settings";
import { PUBLIC_ACCESS_FLAGS } from "./bucket-public-access-block";

export const s3AccountPublicAccessBlock = resourcePolicy({
    name: "s3-account-public-access-block",
    concern: "s3",
    description: "An account-level S3 public access block, where declared, sets all four flags to true.",
    severity: "high",
    remediationSteps: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true on aws.s3.AccountPublicAccessBlock.",
    anchors: { checkov: ["CKV2_AWS_6"], cis: ["s3-account-level-public-access-blocks"] },
    resourceTypes: ["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
    validate(resource, _config, report) {
        requireFlags(resource.props, PUBLIC_ACCESS_FLAGS, "account public access block", report);
    },
});
