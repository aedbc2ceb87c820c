import { stackPolicy } from "../../lib/define";
import { restrictingValues, type Statement } from "../../lib/iam/document";
import { walkStatements } from "../../lib/iam/sources";
import { BUCKET_TYPES, bucketLabel, bucketViews } from "../../lib/s3";
import { isUnknown } from "../../lib/unknown";

/** Deny, Principal "*", s3:* (or *), aws:SecureTransport=false, on the bucket and its objects. */
function deniesInsecureTransport(s: Statement): "yes" | "no" | "unknown" {
    const secure = restrictingValues(s, "aws:SecureTransport") ?? [];
    if (s.principals?.unknown || s.conditions === "unknown" || (s.actions ?? []).some(isUnknown) || secure.some(isUnknown)) {
        return "unknown";
    }
    const denyAll = s.effect === "Deny" && s.principals?.wildcard === true;
    const allActions = (s.actions ?? []).some(a => a === "*" || (typeof a === "string" && a.toLowerCase() === "s3:*"));
    const insecure = secure.some(v => v === false || v === "false");
    const resources = s.resources ?? [];
    const covers = (test: (r: string) => boolean) => resources.some(r => isUnknown(r) || (typeof r === "string" && test(r)));
    return denyAll && allActions && insecure && covers(r => r.endsWith("/*")) && covers(r => !r.includes("/")) ? "yes" : "no";
}

export const s3BucketTlsOnlyPolicy = stackPolicy({
    name: "s3-bucket-tls-only-policy",
    concern: "s3",
    description: "Every S3 bucket has a bucket policy that denies s3:* to everyone when aws:SecureTransport is false, on the bucket and its objects.",
    severity: "high",
    remediationSteps:
        'Add to the bucket\'s aws.s3.BucketPolicy: { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, ' +
        '`${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }.',
    anchors: { cdkNag: ["AwsSolutions-S10"], checkov: ["CKV_AWS_379"], cis: ["s3-bucket-ssl-enforcement-required"] },
    resourceTypes: BUCKET_TYPES,
    validateStack(resources, _config, report) {
        for (const { bucket, parts } of bucketViews(resources)) {
            const say = (m: string) => report(m, bucket.urn);
            const label = bucketLabel(bucket);
            const documents = [...parts.policy.map(p => p.props.policy), ...(bucket.props.policy !== undefined ? [bucket.props.policy] : [])];
            if (documents.length === 0) {
                say(`${label} has no bucket policy, so it accepts requests without TLS`);
                continue;
            }
            const verdicts: string[] = [];
            for (const value of documents) {
                walkStatements(
                    { label: `${label} policy`, value },
                    m => {
                        verdicts.push("unknown");
                        say(m);
                    },
                    "the TLS-only statement",
                    s => {
                        verdicts.push(deniesInsecureTransport(s));
                    },
                );
            }
            if (!verdicts.includes("yes") && verdicts.includes("unknown")) {
                say(`${label}: a policy statement is not known at preview, so the TLS-only statement cannot be verified`);
            } else if (!verdicts.includes("yes")) {
                say(`${label}: no statement denies s3:* to "*" when aws:SecureTransport is false on the bucket and its objects`);
            }
        }
    },
});
