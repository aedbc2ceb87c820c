import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../../naming/resources";

export interface AthenaWorkgroupArgs {
    environment: string;
    accountId: string;
    resultsBucketName: string;
    kmsKeyArn: pulumi.Input<string>;
}

/** An Athena workgroup whose settings clients cannot override: results SSE-KMS with the account key, owner-enforced. */
export class AthenaWorkgroup extends pulumi.ComponentResource {
    readonly workgroup: aws.athena.Workgroup;

    constructor(name: string, args: AthenaWorkgroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:analytics:AthenaWorkgroup", name, {}, opts);
        this.workgroup = new aws.athena.Workgroup(
            name,
            {
                name: resourceName(args.environment, "analysts"),
                description: "Lake Formation governed queries; results encrypted with the account key",
                forceDestroy: false,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: 1_099_511_627_776,
                    resultConfiguration: {
                        outputLocation: `s3://${args.resultsBucketName}/results/`,
                        expectedBucketOwner: args.accountId,
                        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
                        aclConfiguration: { s3AclOption: "BUCKET_OWNER_FULL_CONTROL" },
                    },
                },
            },
            { parent: this },
        );
        this.registerOutputs({ name: this.workgroup.name });
    }
}
