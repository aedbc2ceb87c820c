import type { Resource } from "../../lib/define";
import { stackPolicy } from "../../lib/define";
import { BUCKET_TYPES, bucketLabel, bucketViews, S3_PART_TYPES } from "../../lib/s3";
import { isUnknown } from "../../lib/unknown";
import { dig } from "../../lib/values";

/** Buckets that receive access logs: by dependency of targetBucket, else by name. */
function logTargets(resources: Resource[]): Set<Resource> {
    const byName = new Map<string, Resource>();
    resources
        .filter(r => BUCKET_TYPES.includes(r.type))
        .forEach(b => {
            if (typeof b.props.bucket === "string") {
                byName.set(b.props.bucket, b);
            }
        });
    const targets = new Set<Resource>();
    for (const logging of resources.filter(r => (S3_PART_TYPES.logging as readonly string[]).includes(r.type))) {
        const viaDeps = (logging.propertyDependencies.targetBucket ?? []).filter(d => BUCKET_TYPES.includes(d.type));
        viaDeps.forEach(b => targets.add(b));
        const name = logging.props.targetBucket;
        if (typeof name === "string" && !isUnknown(name) && byName.has(name)) {
            targets.add(byName.get(name) as Resource);
        }
    }
    return targets;
}

export const s3BucketAccessLogging = stackPolicy({
    name: "s3-bucket-access-logging",
    concern: "s3",
    description: "Every S3 bucket that is not itself an access-log destination sends server access logs to another bucket.",
    severity: "medium",
    remediationSteps: "Add aws.s3.BucketLogging with targetBucket = the account's access-log bucket and a per-bucket targetPrefix.",
    anchors: { cdkNag: ["AwsSolutions-S1"], checkov: ["CKV_AWS_18"], cis: ["s3-bucket-access-logging"] },
    resourceTypes: BUCKET_TYPES,
    validateStack(resources, _config, report) {
        const targets = logTargets(resources);
        for (const { bucket, parts } of bucketViews(resources)) {
            const label = bucketLabel(bucket);
            const inline = dig(bucket.props, "logging.targetBucket");
            if (parts.logging.length === 0 && inline === undefined && !targets.has(bucket)) {
                report(`${label} has no BucketLogging and is not an access-log destination`, bucket.urn);
            }
            for (const logging of parts.logging) {
                const selfTarget =
                    (logging.propertyDependencies.targetBucket ?? []).includes(bucket) ||
                    (typeof bucket.props.bucket === "string" && logging.props.targetBucket === bucket.props.bucket);
                if (selfTarget) {
                    report(`${label} logs to itself`, bucket.urn);
                }
            }
        }
    },
});
