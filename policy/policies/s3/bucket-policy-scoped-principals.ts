import { scopedResourcePolicy } from "../../lib/scoped-resource-policy";

export const s3BucketPolicyScopedPrincipals = scopedResourcePolicy({
    name: "s3-bucket-policy-scoped-principals",
    concern: "s3",
    service: "S3 bucket",
    resourceTypes: ["aws:s3/bucketPolicy:BucketPolicy"],
    anchors: { cdkNag: ["AwsSolutions-S5"], checkov: ["CKV_AWS_70"], cis: ["s3-bucket-policy-grantee-check"] },
    remediationSteps:
        'Replace Principal "*" with the role ARNs that need access, or add aws:PrincipalOrgID / aws:SourceVpce conditions; ' +
        "pin service principals (logging.s3.amazonaws.com, ...) with aws:SourceAccount and aws:SourceArn.",
});
