import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { AmiPipeline } from "../../components/imagebuilder/ami-pipeline";
import { CustomerKey } from "../../components/kms/customer-key";
import { SecureBucket } from "../../components/storage/secure-bucket";
import { ofType, recordComponent, type Recording } from "../helpers/program";

const scope = { environment: "test", accountId: "777788889999", region: "eu-west-1" };
const fleetAccount = "123456789012";
type Doc = { Statement: { Sid: string; Action: string[]; Resource?: string[]; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> }[] };

function build(): void {
    const provider = new aws.Provider("build", { region: "eu-west-1", allowedAccountIds: [scope.accountId] });
    const central = new aws.Provider("build-central", { region: "eu-central-1", allowedAccountIds: [scope.accountId] });
    const key = new CustomerKey("data", { scope, purpose: "data", description: "data", viaServices: ["s3"] }, { provider });
    const logs = new SecureBucket("access", { scope, purpose: "access-logs", key, receivesAccessLogs: true }, { provider });
    new AmiPipeline(
        "ami",
        {
            scope,
            accessLogBucket: logs.bucket.id,
            parentImage: "ami-0123456789abcdef0",
            schedule: "cron(0 3 ? * MON *)",
            hardeningLevel: "level2",
            instanceType: "m7g.large",
            network: { subnetId: "subnet-0123456789abcdef0", securityGroupIds: ["sg-0123456789abcdef0"] },
            receivingAccountIds: [fleetAccount],
            regions: [{ region: "eu-west-1" }, { region: "eu-central-1", provider: central }],
            dockerBench: { archiveS3Uri: "s3://lw-artifacts/docker-bench-security-1.6.0.tar.gz", archiveSha256: "a".repeat(64) },
            fleetParameters: [{ accountId: fleetAccount, region: "eu-west-1", parameterName: "/lakewarden/test/ami/ecs-hardened" }],
            existingServiceLinkedRoles: [],
        },
        { provider },
    );
}

describe("AmiPipeline", () => {
    let recording: Recording;
    before(async () => {
        recording = await recordComponent(build);
    });

    it("builds weekly only when something changed, with Inspector scanning on", () => {
        const [pipeline] = ofType(recording, "aws:imagebuilder/imagePipeline:ImagePipeline");
        assert.deepEqual(pipeline.props.schedule, {
            scheduleExpression: "cron(0 3 ? * MON *)",
            pipelineExecutionStartCondition: "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE",
        });
        assert.deepEqual(pipeline.props.imageScanningConfiguration, { imageScanningEnabled: true });
    });

    it("versions the recipe from its content and maps an encrypted /dev/xvdb for Docker", () => {
        const [component] = ofType(recording, "aws:imagebuilder/component:Component");
        const [recipe] = ofType(recording, "aws:imagebuilder/imageRecipe:ImageRecipe");
        assert.match(String(component.props.version), /^1\.\d+\.0$/);
        assert.match(String(recipe.props.version), /^1\.\d+\.\d+$/);
        const mappings = recipe.props.blockDeviceMappings as { deviceName: string; ebs: { encrypted: string; kmsKeyId: string } }[];
        assert.deepEqual(
            mappings.map(m => m.deviceName),
            ["/dev/xvda", "/dev/xvdb"],
        );
        assert.ok(mappings.every(m => m.ebs.encrypted === "true" && m.ebs.kmsKeyId.startsWith("arn:aws:kms:eu-west-1:777788889999:key/")));
        const params = Object.fromEntries(
            (recipe.props.components as { parameters: { name: string; value: string }[] }[])[0].parameters.map(p => [p.name, p.value]),
        );
        assert.equal(params.HardeningLevel, "level2");
        assert.equal(params.ArtifactBucketOwner, scope.accountId);
        assert.equal(params.ReportS3Prefix, "s3://lw-test-777788889999-eu-west-1-image-builder-logs/docker-bench/");
    });

    it("runs builds IMDSv2-only in the private subnet and terminates them on failure", () => {
        const [infra] = ofType(recording, "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration");
        assert.deepEqual(infra.props.instanceMetadataOptions, { httpTokens: "required", httpPutResponseHopLimit: 1 });
        assert.equal(infra.props.terminateInstanceOnFailure, true);
        assert.equal(infra.props.subnetId, "subnet-0123456789abcdef0");
    });

    it("gives the build instance no managed policy and only the archive and its own prefixes in S3", () => {
        assert.equal(ofType(recording, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
        const policy = ofType(recording, "aws:iam/rolePolicy:RolePolicy").find(p => p.name === "ami-instance");
        const doc = JSON.parse(String(policy?.props.policy)) as Doc;
        assert.deepEqual(doc.Statement.find(s => s.Sid === "ReadPinnedBenchArchive")?.Resource, [
            "arn:aws:s3:::lw-artifacts/docker-bench-security-1.6.0.tar.gz",
        ]);
        assert.deepEqual(doc.Statement.find(s => s.Sid === "WriteLogsAndReports")?.Resource, [
            "arn:aws:s3:::lw-test-777788889999-eu-west-1-image-builder-logs/build-logs/*",
            "arn:aws:s3:::lw-test-777788889999-eu-west-1-image-builder-logs/docker-bench/*",
        ]);
        assert.ok(doc.Statement.every(s => s.Action.every(a => !a.endsWith(":*"))));
    });

    it("encrypts each region's AMI with that region's key and shares it with the receiving accounts", () => {
        const [distribution] = ofType(recording, "aws:imagebuilder/distributionConfiguration:DistributionConfiguration");
        const targets = distribution.props.distributions as {
            region: string;
            amiDistributionConfiguration: { kmsKeyId: string; launchPermission: { userIds: string[] }; targetAccountIds?: string[] };
            ssmParameterConfigurations?: { amiAccountId: string }[];
        }[];
        assert.deepEqual(
            targets.map(t => t.region),
            ["eu-west-1", "eu-central-1"],
        );
        for (const t of targets) {
            assert.ok(t.amiDistributionConfiguration.kmsKeyId.startsWith(`arn:aws:kms:${t.region}:`));
            assert.deepEqual(t.amiDistributionConfiguration.launchPermission.userIds, [fleetAccount]);
        }
        assert.deepEqual(
            targets[0].ssmParameterConfigurations?.map(c => c.amiAccountId),
            [fleetAccount],
        );
        assert.equal(targets[1].ssmParameterConfigurations, undefined);
        const keys = ofType(recording, "aws:kms/key:Key")
            .filter(k => k.name.startsWith("ami-ami-"))
            .map(k => JSON.parse(String(k.props.policy)) as Doc);
        const grants = keys.map(d => d.Statement.find(s => s.Sid === "ExternalAccountGrants0"));
        assert.ok(grants.every(g => JSON.stringify(g?.Principal).includes(fleetAccount)));
    });

    it("forwards AVAILABLE and FAILED image events to the receiving accounts' default buses", () => {
        const rule = ofType(recording, "aws:cloudwatch/eventRule:EventRule").find(r => r.props.name === "lakewarden-test-image-state-changes");
        assert.deepEqual(JSON.parse(String(rule?.props.eventPattern)).detail, { state: { status: ["AVAILABLE", "FAILED"] } });
        const targets = ofType(recording, "aws:cloudwatch/eventTarget:EventTarget");
        assert.deepEqual(
            targets.map(t => t.props.arn),
            [`arn:aws:events:eu-west-1:${fleetAccount}:event-bus/default`],
        );
        assert.equal(targets[0].props.roleArn, "arn:aws:iam::777788889999:role/lakewarden-test-image-events-forwarder");
    });
});
