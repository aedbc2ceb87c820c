import { stackPolicy } from "../../lib/define";
import { BUCKET_TYPES, bucketLabel, bucketViews } from "../../lib/s3";
import { requireFlags } from "../../lib/settings";

export const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const s3BucketPublicAccessBlock = stackPolicy({
    name: "s3-bucket-public-access-block",
    concern: "s3",
    description: "Every S3 bucket has a BucketPublicAccessBlock with all four flags true.",
    severity: "critical",
    remediationSteps:
        "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and " +
        "restrictPublicBuckets set to true.",
    anchors: {
        cdkNag: ["AwsSolutions-S2"],
        checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6"],
        cis: ["s3-bucket-public-access-block"],
    },
    resourceTypes: BUCKET_TYPES,
    validateStack(resources, _config, report) {
        for (const { bucket, parts } of bucketViews(resources)) {
            const label = bucketLabel(bucket);
            if (parts.publicAccessBlock.length === 0) {
                report(`${label} has no BucketPublicAccessBlock`, bucket.urn);
            }
            for (const block of parts.publicAccessBlock) {
                requireFlags(block.props, PUBLIC_ACCESS_FLAGS, label, m => report(m, bucket.urn));
            }
        }
    },
});
