import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { REQUIRED_BUCKET_TAGS } from "../../cloudformation/member-baseline";

export interface BucketTagPolicyArgs {
    environment: string;
    bucketOwners: string[];
    targetOus: string[];
}

/**
 * An Organizations tag policy for S3 buckets: `RequireMacieScan` is True or False and `BucketOwner`
 * one of the allowed owners, enforced on buckets, attached to each target OU.
 */
export class BucketTagPolicy extends pulumi.ComponentResource {
    readonly policy: aws.organizations.Policy;

    constructor(name: string, args: BucketTagPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:governance:BucketTagPolicy", name, {}, opts);
        this.policy = new aws.organizations.Policy(
            name,
            {
                name: `lakewarden-${args.environment}-s3-bucket-tags`,
                type: "TAG_POLICY",
                description: "Data-protection tags every S3 bucket carries (Macie scan scope and owner)",
                content: JSON.stringify(tagPolicyContent(args.bucketOwners)),
            },
            { parent: this },
        );
        args.targetOus.forEach(ou => new aws.organizations.PolicyAttachment(`${name}-${ou}`, { policyId: this.policy.id, targetId: ou }, { parent: this }));
        this.registerOutputs({ policyId: this.policy.id });
    }
}

export function tagPolicyContent(bucketOwners: string[]): unknown {
    return {
        tags: {
            RequireMacieScan: {
                tag_key: { "@@assign": "RequireMacieScan" },
                tag_value: { "@@assign": REQUIRED_BUCKET_TAGS.RequireMacieScan },
                enforced_for: { "@@assign": ["s3:bucket"] },
            },
            BucketOwner: {
                tag_key: { "@@assign": "BucketOwner" },
                tag_value: { "@@assign": [...bucketOwners].sort() },
                enforced_for: { "@@assign": ["s3:bucket"] },
            },
        },
    };
}
