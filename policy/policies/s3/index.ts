export { s3AccountPublicAccessBlock } from "./account-public-access-block";
export { s3BucketAccessLogging } from "./bucket-access-logging";
export { s3BucketOwnershipEnforced } from "./bucket-ownership-enforced";
export { s3BucketPolicyScopedPrincipals } from "./bucket-policy-scoped-principals";
export { s3BucketPublicAccessBlock } from "./bucket-public-access-block";
export { s3BucketSseKmsCmk } from "./bucket-sse-kms-cmk";
export { s3BucketTlsOnlyPolicy } from "./bucket-tls-only-policy";
export { s3BucketVersioning } from "./bucket-versioning";
