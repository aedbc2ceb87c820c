import { stackPolicy } from "../../lib/define";
import { BUCKET_TYPES, bucketLabel, bucketViews } from "../../lib/s3";
import { requireOneOf } from "../../lib/settings";
import { asList, dig, show } from "../../lib/values";

export const s3BucketOwnershipEnforced = stackPolicy({
    name: "s3-bucket-ownership-enforced",
    concern: "s3",
    description: "Every S3 bucket enforces bucket-owner object ownership (ACLs disabled) and declares no ACL or grants.",
    severity: "high",
    remediationSteps:
        'Add aws.s3.BucketOwnershipControls with rule.objectOwnership = "BucketOwnerEnforced" and remove BucketAcl resources ' +
        "and acl/grants on the bucket; grant access with the bucket policy instead.",
    anchors: {
        cdkNag: ["HIPAA.Security-S3BucketLevelPublicAccessProhibited"],
        checkov: ["CKV2_AWS_65", "CKV_AWS_20", "CKV_AWS_57"],
        pulumi: ["aws-s3-bucket-disallow-public-read"],
    },
    resourceTypes: BUCKET_TYPES,
    validateStack(resources, _config, report) {
        for (const { bucket, parts } of bucketViews(resources)) {
            const say = (m: string) => report(m, bucket.urn);
            const label = bucketLabel(bucket);
            if (parts.ownership.length === 0) {
                say(`${label} has no BucketOwnershipControls`);
            }
            for (const controls of parts.ownership) {
                requireOneOf(dig(controls.props, "rule.objectOwnership"), ["BucketOwnerEnforced"], `${label}: objectOwnership`, say);
            }
            for (const acl of parts.acl) {
                say(`${label} has a BucketAcl (${acl.name}); ACLs must stay disabled`);
            }
            if (bucket.props.acl !== undefined && bucket.props.acl !== "private") {
                say(`${label} sets acl ${show(bucket.props.acl)}`);
            }
            if (asList(bucket.props.grants).length > 0) {
                say(`${label} declares ACL grants`);
            }
        }
    },
});
