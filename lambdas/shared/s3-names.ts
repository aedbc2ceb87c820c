/**
 * S3 general purpose bucket names as the rules have stood since 1 March 2018 (S3 User Guide,
 * "General purpose bucket naming rules"): 3-63 characters of lowercase letters, digits, dots and
 * hyphens, starting and ending with a letter or digit. Buckets created in us-east-1 before that date
 * may still carry uppercase letters, underscores and up to 255 characters; the object Lambdas accept
 * only current names (their payload schema uses this same pattern), so the decision must not send
 * them a legacy one.
 */
const CURRENT_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Why a bucket name is outside the current rules, or undefined when it follows them. */
export function legacyBucketNameReason(name: string): string | undefined {
    if (CURRENT_BUCKET_NAME.test(name)) return undefined;
    const traits = [
        /[A-Z]/.test(name) ? "uppercase letters" : undefined,
        name.includes("_") ? "underscores" : undefined,
        name.length > 63 ? `${name.length} characters` : undefined,
    ].filter((trait): trait is string => trait !== undefined);
    return traits.length > 0
        ? `bucket name ${name} predates the 2018 S3 naming rules (${traits.join(", ")})`
        : `bucket name ${name} does not follow the S3 naming rules`;
}
