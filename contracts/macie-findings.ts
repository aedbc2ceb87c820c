/**
 * What the remediation model (config/remediation.ts) and the Macie decision Lambda agree on: the severities and
 * sensitive-data finding types of Amazon Macie (the FindingType and SeverityDescription enums of
 * @aws-sdk/client-macie2, dist-types/models/enums.d.ts).
 */
export const SEVERITIES = ["Low", "Medium", "High"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SENSITIVE_DATA_TYPES = [
    "SensitiveData:S3Object/Credentials",
    "SensitiveData:S3Object/CustomIdentifier",
    "SensitiveData:S3Object/Financial",
    "SensitiveData:S3Object/Multiple",
    "SensitiveData:S3Object/Personal",
] as const;
