import * as aws from "@pulumi/aws";
import { find, type PlannedResource, resource, stack, typed } from "./helpers";
import { KEY_ARN } from "./fixtures";
import { describeCustomerKeyPolicy } from "./customer-key-case";
import { describePolicy } from "./harness";

const set = (name: string, props: Record<string, unknown>) => (r: PlannedResource[]) => {
    Object.assign(find(r, name).props, props);
};
const others = () =>
    stack(
        resource("aws:imagebuilder/imagePipeline:ImagePipeline", "x", {
            blockDeviceMappings: [{ ebs: { encrypted: false } }],
            distributions: [{ amiDistributionConfiguration: {} }],
            instanceMetadataOptions: { httpTokens: "optional" },
        }),
    );

describeCustomerKeyPolicy({
    policy: "imagebuilder-component-kms-cmk",
    type: "aws:imagebuilder/component:Component",
    props: () => ({ name: "lw-harden", platform: "Linux", version: "1.0.0", data: "name: harden\nschemaVersion: 1.0\nphases: []\n", kmsKeyId: KEY_ARN }),
    keyPath: ["kmsKeyId"],
    awsManagedAlias: "alias/aws/imagebuilder",
});

describePolicy({
    policy: "imagebuilder-recipe-ebs-encrypted",
    target: "recipe",
    compliant: () =>
        stack(
            typed(aws.imagebuilder.ImageRecipe, "recipe", {
                name: "lw-ecs",
                parentImage: "ami-0123",
                version: "1.0.0",
                components: [{ componentArn: "arn:aws:imagebuilder:eu-west-1:111111111111:component/lw-harden/1.0.0" }],
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: KEY_ARN, volumeSize: 30 } }],
            }),
        ),
    violations: [
        {
            name: "unencrypted root",
            mutate: set("recipe", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: false } }] }),
            expect: /ebs.encrypted is false/,
        },
        { name: "no mapping", mutate: set("recipe", { blockDeviceMappings: undefined }), expect: /declares no EBS block device mapping/ },
    ],
    otherType: others,
    unknowns: [
        {
            resource: "recipe",
            violates: ["blockDeviceMappings", "blockDeviceMappings.0", "blockDeviceMappings.0.ebs", "blockDeviceMappings.0.ebs.encrypted"],
            allowed: [
                "name",
                "parentImage",
                "version",
                "components*",
                "blockDeviceMappings.0.deviceName",
                "blockDeviceMappings.0.ebs.kmsKeyId",
                "blockDeviceMappings.0.ebs.volumeSize",
            ],
        },
    ],
});

describePolicy({
    policy: "imagebuilder-distribution-kms-cmk",
    target: "dist",
    compliant: () =>
        stack(
            typed(aws.imagebuilder.DistributionConfiguration, "dist", {
                name: "lw-ecs",
                distributions: [{ region: "eu-west-1", amiDistributionConfiguration: { name: "lw-ecs-{{ imagebuilder:buildDate }}", kmsKeyId: KEY_ARN } }],
            }),
        ),
    violations: [
        {
            name: "AMIs with the default key",
            mutate: set("dist", { distributions: [{ region: "eu-west-1", amiDistributionConfiguration: { name: "x" } }] }),
            expect: /distributions\[0\] \(eu-west-1\) has no customer-managed KMS key/,
        },
        {
            name: "the AWS-managed EBS key",
            mutate: set("dist", { distributions: [{ region: "eu-west-1", amiDistributionConfiguration: { kmsKeyId: "alias/aws/ebs" } }] }),
            expect: /AWS-managed key alias\/aws\/ebs/,
        },
    ],
    otherType: others,
    unknowns: [
        {
            resource: "dist",
            violates: ["distributions", "distributions.0", "distributions.0.amiDistributionConfiguration"],
            allowed: [
                "name",
                "distributions.0.region",
                "distributions.0.amiDistributionConfiguration.name",
                "distributions.0.amiDistributionConfiguration.kmsKeyId",
            ],
        },
    ],
});

describePolicy({
    policy: "imagebuilder-infrastructure-hardening",
    target: "infra",
    compliant: () =>
        stack(
            typed(aws.imagebuilder.InfrastructureConfiguration, "infra", {
                name: "lw-build",
                instanceProfileName: "lw-build",
                subnetId: "subnet-0123",
                securityGroupIds: ["sg-0123"],
                terminateInstanceOnFailure: true,
                instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
            }),
        ),
    violations: [
        { name: "IMDSv1", mutate: set("infra", { instanceMetadataOptions: { httpTokens: "optional" } }), expect: /httpTokens is "?optional"?/ },
        { name: "instances kept on failure", mutate: set("infra", { terminateInstanceOnFailure: false }), expect: /terminateInstanceOnFailure is false/ },
        { name: "default VPC", mutate: set("infra", { subnetId: undefined }), expect: /default VPC/ },
    ],
    otherType: others,
    unknowns: [
        {
            resource: "infra",
            violates: ["instanceMetadataOptions", "instanceMetadataOptions.*", "terminateInstanceOnFailure"],
            allowed: ["name", "instanceProfileName", "subnetId", "securityGroupIds*"],
        },
    ],
    configCases: [
        {
            name: "maxHopLimit",
            config: { maxHopLimit: 1 },
            mutate: set("infra", { instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }),
            expect: /more than 1/,
        },
    ],
});
