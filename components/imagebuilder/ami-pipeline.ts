import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentVersion, type ComponentDocument, type JsonValue, recipeVersion } from "../../imagebuilder/version";
import { policyDocument, serviceTrust } from "../../iam/documents";
import { type LinkedRole, linkedRole } from "../../iam/service-linked-role";
import { CustomerKey } from "../kms/customer-key";
import { EventForwarding } from "../events/event-forwarding";
import { type AccountScope, resourceName } from "../../naming/resources";
import { SecureBucket } from "../storage/secure-bucket";
import { buildInstanceStatements, parseS3Uri } from "../../imagebuilder/build-instance-policy";
import { defaultBusArn, imageStatePattern } from "../../imagebuilder/image-events";

const COMPONENT_FILE = path.join(__dirname, "..", "..", "imagebuilder", "components", "cis-docker-hardening.yaml");
const DOCKER_DEVICE = "/dev/xvdb";
const REPORT_PREFIX = "docker-bench/";
const LOG_PREFIX = "build-logs/";

interface DistributionRegion {
    region: string;
    /** Provider of the build account in that region; omitted for the build account's own region. */
    provider?: pulumi.ProviderResource;
}

interface FleetImageParameter {
    accountId: string;
    region: string;
    /** SSM parameter (in the fleet account) the distribution writes the AMI id to. */
    parameterName: string;
}

export interface AmiPipelineArgs {
    scope: AccountScope;
    /** The parent AMI id, resolved from the ECS-optimised SSM parameter (see `resolveParentImage`). */
    parentImage: pulumi.Input<string>;
    schedule: string;
    hardeningLevel: "level1" | "level2";
    instanceType: string;
    network?: { subnetId: string; securityGroupIds: string[] };
    receivingAccountIds: string[];
    regions: DistributionRegion[];
    dockerBench: { archiveS3Uri: string; archiveSha256: string };
    /** Fleet accounts get their own copy of the AMI and its id in an SSM parameter (what fleet discovery reads). */
    fleetParameters: FleetImageParameter[];
    /** The build account's server access-log bucket. */
    accessLogBucket: pulumi.Input<string>;
    rootVolumeGiB?: number;
    dockerVolumeGiB?: number;
    /** Service-linked roles the build account already has (environment model). */
    existingServiceLinkedRoles: string[];
}

/** The ECS-optimised parent image id, read when the program runs so a new parent makes a new recipe version. */
export function resolveParentImage(parameterName: string, opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
    return aws.ssm.getParameterOutput({ name: parameterName }, opts).value;
}

function hardeningComponentDocument(environment: string): ComponentDocument {
    return { name: resourceName(environment, "cis-docker-hardening"), content: readFileSync(COMPONENT_FILE, "utf8") };
}

/**
 * The hardened ECS image pipeline in the build account: customer keys per region shared with the
 * receiving accounts, a secure log bucket, the CIS Docker component and a recipe whose versions
 * follow their content, a hardened build infrastructure, an encrypted distribution with launch
 * permissions, a weekly pipeline that builds only when something changed (Inspector scanning on),
 * and state events forwarded to the receiving accounts.
 */
export class AmiPipeline extends pulumi.ComponentResource {
    readonly keys: Record<string, CustomerKey>;
    readonly logs: SecureBucket;
    /** Holds the component documents Image Builder reads at CreateComponent (`uri`). */
    readonly components: SecureBucket;
    readonly pipeline: aws.imagebuilder.ImagePipeline;
    readonly componentArn: string;
    /** AWSServiceRoleForImageBuilder of the build account: distribution roles in the fleet accounts trust it. */
    readonly imageBuilderRole: LinkedRole;

    constructor(name: string, args: AmiPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:imagebuilder:AmiPipeline", name, {}, opts);
        const { accountId, region, environment } = args.scope;
        if (!args.regions.some(r => r.region === region)) {
            throw new Error(`AmiPipeline ${name}: regions must include the build region ${region}`);
        }
        const parent = { parent: this };
        this.keys = {};
        for (const target of args.regions) {
            const scope = { ...args.scope, region: target.region };
            const home = target.region === region;
            this.keys[target.region] = new CustomerKey(
                `${name}-ami-${target.region}`,
                {
                    scope,
                    purpose: "ami",
                    description: `lakewarden ${environment} hardened ECS AMIs and their build artifacts (${target.region})`,
                    viaServices: home ? ["ec2", "imagebuilder", "s3"] : ["ec2"],
                    externalAccounts: [
                        // EBS volumes of instances launched from the AMI need grants, here and in the receiving accounts.
                        {
                            accountIds: [...new Set([accountId, ...args.receivingAccountIds])].sort(),
                            viaServices: ["ec2", "autoscaling"],
                            allowGrantsForAwsResources: true,
                        },
                    ],
                    // Fleet accounts add their Auto Scaling service-linked role (components/fleet/image-fleet.ts), once it exists.
                },
                target.provider ? { parent: this, provider: target.provider } : parent,
            );
        }
        const key = this.keys[region];
        this.imageBuilderRole = linkedRole(
            `${name}-imagebuilder-slr`,
            { id: accountId, existingServiceLinkedRoles: args.existingServiceLinkedRoles },
            "imagebuilder.amazonaws.com",
            parent,
        );
        this.logs = new SecureBucket(
            `${name}-logs`,
            // AWSTOE's S3Upload and the build logs arrive without an SSE header.
            { scope: args.scope, purpose: "image-builder-logs", key, accessLogBucket: args.accessLogBucket, expirationDays: 400, receivesLogs: true },
            parent,
        );

        const document = hardeningComponentDocument(environment);
        const version = componentVersion(document);
        this.componentArn = `arn:aws:imagebuilder:${region}:${accountId}:component/${document.name}/${version}/1`;
        // The document (~26,000 characters) exceeds the 16,000 the provider allows for `data`
        // (terraform-provider-aws internal/service/imagebuilder/component.go: StringLenBetween(1, 16000);
        // exactly one of data and uri): it travels as an S3 object, encrypted with the AMI key.
        this.components = new SecureBucket(
            `${name}-components`,
            { scope: args.scope, purpose: "image-components", key, accessLogBucket: args.accessLogBucket, noncurrentVersionExpirationDays: 30 },
            parent,
        );
        const documentKey = `components/${document.name}/${version}.yaml`;
        const documentObject = new aws.s3.BucketObject(
            `${name}-cis-docker`,
            {
                bucket: this.components.name,
                key: documentKey,
                content: document.content,
                contentType: "application/x-yaml",
                serverSideEncryption: "aws:kms",
                kmsKeyId: key.arn,
            },
            { parent: this, dependsOn: [this.components] },
        );
        const component = new aws.imagebuilder.Component(
            `${name}-cis-docker`,
            {
                name: document.name,
                version,
                platform: "Linux",
                uri: `s3://${this.components.name}/${documentKey}`,
                kmsKeyId: key.arn,
                description: "CIS Docker Benchmark sections 1-3 (see the document header)",
                supportedOsVersions: ["Amazon Linux 2023"],
            },
            { parent: this, retainOnDelete: true, dependsOn: [documentObject] },
        );

        const blockDeviceMappings = [
            {
                deviceName: "/dev/xvda",
                ebs: { encrypted: "true", kmsKeyId: key.arn, volumeSize: args.rootVolumeGiB ?? 30, volumeType: "gp3", deleteOnTermination: "true" },
            },
            {
                deviceName: DOCKER_DEVICE,
                ebs: { encrypted: "true", kmsKeyId: key.arn, volumeSize: args.dockerVolumeGiB ?? 30, volumeType: "gp3", deleteOnTermination: "true" },
            },
        ];
        const parameters = {
            HardeningLevel: args.hardeningLevel,
            DockerVolumeDevice: DOCKER_DEVICE,
            DockerBenchArchiveS3Uri: args.dockerBench.archiveS3Uri,
            DockerBenchArchiveSha256: args.dockerBench.archiveSha256,
            ArtifactBucketOwner: accountId,
            ReportS3Prefix: `s3://${this.logs.name}/${REPORT_PREFIX}`,
        };
        // The key is named by alias in the fingerprint: its ARN is unknown until created and never changes after.
        const settings: JsonValue = {
            blockDeviceMappings: blockDeviceMappings.map(m => ({ ...m, ebs: { ...m.ebs, kmsKeyId: key.aliasName } })),
            parameters,
        };
        const recipeName = resourceName(environment, "ecs-hardened");
        const recipe = new aws.imagebuilder.ImageRecipe(
            `${name}-recipe`,
            {
                name: recipeName,
                version: pulumi.output(args.parentImage).apply(parentImage => recipeVersion({ parentImage, components: [document], settings })),
                parentImage: args.parentImage,
                components: [{ componentArn: component.arn, parameters: Object.entries(parameters).map(([paramName, value]) => ({ name: paramName, value })) }],
                blockDeviceMappings,
                workingDirectory: "/var/tmp",
                description: "ECS-optimised Amazon Linux 2023 with the CIS Docker hardening component",
            },
            // A new version is a new recipe: create it before the pipeline lets go of the old one.
            { parent: this, retainOnDelete: true },
        );

        const roleName = resourceName(environment, "image-build-instance");
        const role = new aws.iam.Role(
            `${name}-instance`,
            { name: roleName, description: "Image Builder build and test instances", assumeRolePolicy: serviceTrust("ec2.amazonaws.com", accountId) },
            parent,
        );
        new aws.iam.RolePolicy(
            `${name}-instance`,
            {
                role: role.name,
                policy: policyDocument(
                    buildInstanceStatements({
                        scope: args.scope,
                        componentArn: this.componentArn,
                        key,
                        benchArchive: parseS3Uri(args.dockerBench.archiveS3Uri),
                        logBucketArn: this.logs.arn,
                        writePrefixes: [LOG_PREFIX, REPORT_PREFIX],
                        componentDocumentArn: `${this.components.arn}/${documentKey}`,
                    }),
                ),
            },
            parent,
        );
        const profile = new aws.iam.InstanceProfile(`${name}-instance`, { name: roleName, role: role.name }, parent);
        const infrastructure = new aws.imagebuilder.InfrastructureConfiguration(
            `${name}-infrastructure`,
            {
                name: resourceName(environment, "ecs-hardened-build"),
                description: "Private, IMDSv2-only build instances that never outlive a failed build",
                instanceProfileName: profile.name,
                instanceTypes: [args.instanceType],
                terminateInstanceOnFailure: true,
                instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
                logging: { s3Logs: { s3BucketName: this.logs.name, s3KeyPrefix: LOG_PREFIX.slice(0, -1) } },
                ...(args.network ? { subnetId: args.network.subnetId, securityGroupIds: args.network.securityGroupIds } : {}),
            },
            parent,
        );

        const distribution = new aws.imagebuilder.DistributionConfiguration(
            `${name}-distribution`,
            {
                name: resourceName(environment, "ecs-hardened"),
                description: "Encrypted with the regional AMI key; receiving accounts may launch it, fleet accounts get a copy and its id in SSM",
                distributions: args.regions.map(target => {
                    const fleets = args.fleetParameters.filter(f => f.region === target.region);
                    return {
                        region: target.region,
                        amiDistributionConfiguration: {
                            name: `${recipeName}-{{ imagebuilder:buildDate }}`,
                            kmsKeyId: this.keys[target.region].arn,
                            launchPermission: { userIds: [...args.receivingAccountIds].sort() },
                            ...(fleets.length > 0 ? { targetAccountIds: fleets.map(f => f.accountId) } : {}),
                            amiTags: { "lakewarden:environment": environment, "lakewarden:image": recipeName },
                        },
                        ...(fleets.length > 0
                            ? {
                                  ssmParameterConfigurations: fleets.map(f => ({
                                      amiAccountId: f.accountId,
                                      parameterName: f.parameterName,
                                      dataType: "aws:ec2:image",
                                  })),
                              }
                            : {}),
                    };
                }),
            },
            parent,
        );

        this.pipeline = new aws.imagebuilder.ImagePipeline(
            `${name}-pipeline`,
            {
                name: recipeName,
                description: "Weekly check; builds only when the parent image or a component changed",
                imageRecipeArn: recipe.arn,
                infrastructureConfigurationArn: infrastructure.arn,
                distributionConfigurationArn: distribution.arn,
                schedule: { scheduleExpression: args.schedule, pipelineExecutionStartCondition: "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE" },
                imageScanningConfiguration: { imageScanningEnabled: true },
                imageTestsConfiguration: { imageTestsEnabled: true, timeoutMinutes: 120 },
                enhancedImageMetadataEnabled: true,
                status: "ENABLED",
            },
            parent,
        );
        const receivers = args.receivingAccountIds.filter(id => id !== accountId);
        if (receivers.length > 0) {
            new EventForwarding(
                `${name}-events`,
                {
                    scope: args.scope,
                    key,
                    ruleName: "image-state-changes",
                    roleName: "image-events-forwarder",
                    description: "Image Builder AVAILABLE and FAILED images, for the receiving accounts",
                    eventPattern: JSON.parse(imageStatePattern(accountId, ["AVAILABLE", "FAILED"])) as object,
                    buses: receivers.map(id => ({ id, arn: defaultBusArn(region, id) })),
                    retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 86_400 },
                },
                // Was lakewarden:imagebuilder:ImageEventForwarding (same name, same parent).
                { parent: this, aliases: [{ type: "lakewarden:imagebuilder:ImageEventForwarding" }] },
            );
        }
        this.registerOutputs({ pipelineArn: this.pipeline.arn, componentArn: this.componentArn, logBucket: this.logs.name });
    }
}
