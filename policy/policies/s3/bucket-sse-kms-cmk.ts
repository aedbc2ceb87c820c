import { stackPolicy } from "../../lib/define";
import { keyRefProblem } from "../../lib/kms-ref";
import { BUCKET_TYPES, bucketLabel, bucketViews } from "../../lib/s3";
import { requireOneOf } from "../../lib/settings";
import { isUnknown } from "../../lib/unknown";
import { asList, dig, isDict, isTrue } from "../../lib/values";

export const s3BucketSseKmsCmk = stackPolicy<{ requireBucketKey: boolean }>({
    name: "s3-bucket-sse-kms-cmk",
    concern: "s3",
    description: "Every S3 bucket has default encryption SSE-KMS (or DSSE-KMS) with a customer-managed key and S3 Bucket Keys enabled.",
    severity: "high",
    remediationSteps:
        "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with rules[0].applyServerSideEncryptionByDefault " +
        '{ sseAlgorithm: "aws:kms", kmsMasterKeyId: <customer key ARN> } and bucketKeyEnabled: true.',
    anchors: {
        cdkNag: ["HIPAA.Security-S3DefaultEncryptionKMS", "NIST.800.53.R5-S3DefaultEncryptionKMS"],
        checkov: ["CKV_AWS_19", "CKV_AWS_145"],
        cis: ["s3-bucket-encryption"],
    },
    resourceTypes: BUCKET_TYPES,
    config: { requireBucketKey: { type: "boolean", default: true, description: "Require bucketKeyEnabled." } },
    validateStack(resources, config, report) {
        for (const { bucket, parts } of bucketViews(resources)) {
            const say = (m: string) => report(m, bucket.urn);
            const label = bucketLabel(bucket);
            const inline = dig(bucket.props, "serverSideEncryptionConfiguration.rule");
            const ruleSets = parts.encryption.map(p => p.props.rules);
            if (inline !== undefined) {
                ruleSets.push([inline]);
            }
            if (ruleSets.length === 0) {
                say(`${label} has no BucketServerSideEncryptionConfiguration`);
                continue;
            }
            for (const rules of ruleSets) {
                if (isUnknown(rules)) {
                    say(`${label}: the encryption rules are not known at preview`);
                    continue;
                }
                const list = asList(rules);
                if (list.length === 0) {
                    say(`${label}: the encryption configuration has no rule`);
                }
                for (const rule of list) {
                    if (isUnknown(rule)) {
                        say(`${label}: an encryption rule is not known at preview`);
                        continue;
                    }
                    const byDefault = isDict(rule) ? rule.applyServerSideEncryptionByDefault : undefined;
                    const algorithm = dig(byDefault, "sseAlgorithm");
                    if (requireOneOf(algorithm, ["aws:kms", "aws:kms:dsse"], `${label}: sseAlgorithm`, say)) {
                        const problem = keyRefProblem(dig(byDefault, "kmsMasterKeyId"), label);
                        if (problem) {
                            say(problem);
                        }
                    }
                    const bucketKey = isDict(rule) ? rule.bucketKeyEnabled : undefined;
                    if (config.requireBucketKey && isUnknown(bucketKey)) {
                        say(`${label}: bucketKeyEnabled is not known at preview`);
                    } else if (config.requireBucketKey && !isTrue(bucketKey)) {
                        say(`${label}: bucketKeyEnabled is not true`);
                    }
                }
            }
        }
    },
});
