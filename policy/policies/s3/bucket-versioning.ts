import { stackPolicy } from "../../lib/define";
import { BUCKET_TYPES, bucketLabel, bucketViews } from "../../lib/s3";
import { requireOneOf } from "../../lib/settings";
import { dig } from "../../lib/values";

export const s3BucketVersioning = stackPolicy({
    name: "s3-bucket-versioning",
    concern: "s3",
    description: "Every S3 bucket has versioning enabled, so overwritten or deleted data can be recovered.",
    severity: "medium",
    remediationSteps:
        'Add aws.s3.BucketVersioning for the bucket with versioningConfiguration.status = "Enabled" (and a lifecycle rule for noncurrent versions).',
    anchors: { checkov: ["CKV_AWS_21"], cis: ["s3-bucket-versioning"] },
    resourceTypes: BUCKET_TYPES,
    validateStack(resources, _config, report) {
        for (const { bucket, parts } of bucketViews(resources)) {
            const say = (m: string) => report(m, bucket.urn);
            const label = bucketLabel(bucket);
            const inline = dig(bucket.props, "versioning.enabled");
            if (parts.versioning.length === 0 && inline === undefined) {
                say(`${label} has no BucketVersioning`);
            }
            for (const v of parts.versioning) {
                requireOneOf(dig(v.props, "versioningConfiguration.status"), ["Enabled"], `${label}: versioning status`, say);
            }
            if (inline !== undefined) {
                requireOneOf(inline, [true, "true"], `${label}: versioning.enabled`, say);
            }
        }
    },
});
