import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { DISTRIBUTION_ROLE_NAME, ImageDistributionRole } from "../../components/fleet/distribution-role";
import { FleetRefresh } from "../../components/fleet/fleet-refresh";
import { SampleEcsCluster } from "../../components/fleet/sample-ecs-cluster";
import { CustomerKey } from "../../components/kms/customer-key";
import { ofType, type RecordedResource, recordComponent, type Recording } from "../helpers/program";
import { type PolicyDoc } from "../helpers/documents";

const scope = { environment: "test", accountId: "123456789012", region: "eu-west-1" };
const buildAccount = "777788889999";
const organizationId = "o-lw0example1";
const instanceRole = "arn:aws:iam::123456789012:role/lakewarden-test-sample-ecs-instance";
const machineArn = "arn:aws:states:eu-west-1:123456789012:stateMachine:lakewarden-test-fleet-refresh";
const imageBuilderRole = `arn:aws:iam::${buildAccount}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`;
const unusedKey = {
    arn: "k",
    aliasName: "alias/k",
    allow() {
        return unusedKey;
    },
};

function build(): void {
    const provider = new aws.Provider("fleet", { region: scope.region, allowedAccountIds: [scope.accountId] });
    const key = new CustomerKey(
        "fleet",
        {
            scope,
            purpose: "fleet",
            description: "fleet",
            viaServices: ["ec2", "lambda", "logs", "sns", "sqs", "states"],
        },
        { provider },
    );
    const keyRef = key;
    const cluster = new SampleEcsCluster(
        "sample",
        {
            scope,
            ebsKey: keyRef,
            imageId: "ami-0123456789abcdef0",
            clusterTags: { "lakewarden:fleet": "analytics" },
            instanceType: "m7g.large",
            minSize: 1,
            maxSize: 4,
            subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
            securityGroupIds: ["sg-0123456789abcdef0"],
        },
        { provider },
    );
    new FleetRefresh(
        "refresh",
        {
            scope,
            organizationId,
            key: keyRef,
            buildAccountId: buildAccount,
            imageParameterName: "/lakewarden/test/ami/ecs-hardened",
            instanceRoleArn: cluster.instanceRoleArn,
            clusterTags: { "lakewarden:fleet": "analytics" },
            waves: { size: 2, firstWaveSize: 1, bakeSeconds: 600 },
            refresh: { minHealthyPercentage: 90, instanceWarmupSeconds: 180, alarmNames: ["lakewarden-test-ecs-errors"], skipMatching: true },
        },
        { provider },
    );
    new ImageDistributionRole(
        "distribution",
        {
            accountId: scope.accountId,
            buildAccountId: buildAccount,
            organizationId,
            amiKeyAlias: "alias/lakewarden/test/ami",
            targets: [{ region: scope.region, parameterNames: ["/lakewarden/test/ami/ecs-hardened"] }],
            imageBuilderRole: { arn: imageBuilderRole },
        },
        { provider },
    );
}

function docOf(resource: RecordedResource | undefined, prop = "policy"): PolicyDoc {
    assert.ok(resource, "resource not recorded");
    return JSON.parse(String(resource.props[prop])) as PolicyDoc;
}

function statement(doc: PolicyDoc, sid: string): PolicyDoc["Statement"][number] {
    const found = doc.Statement.find(s => s.Sid === sid);
    assert.ok(found, `no statement ${sid} in ${doc.Statement.map(s => s.Sid).join(", ")}`);
    return found;
}

describe("FleetRefresh, SampleEcsCluster and the image distribution role", () => {
    let recording: Recording;
    let identityDocs: { name: string; doc: PolicyDoc }[];
    before(async () => {
        recording = await recordComponent(build);
        identityDocs = ofType(recording, "aws:iam/rolePolicy:RolePolicy").map(p => ({ name: p.name, doc: docOf(p) }));
    });

    it("creates the workflow, the sample cluster and the distribution role in the fleet account", () => {
        const counts = Object.fromEntries(
            [
                "aws:lambda/function:Function",
                "aws:sfn/stateMachine:StateMachine",
                "aws:sns/topic:Topic",
                "aws:ec2/launchTemplate:LaunchTemplate",
                "aws:autoscaling/group:Group",
                "aws:ecs/capacityProvider:CapacityProvider",
                "aws:ecs/cluster:Cluster",
                "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
                "aws:iam/instanceProfile:InstanceProfile",
            ].map(type => [type, ofType(recording, type).length]),
        );
        assert.deepEqual(Object.values(counts), [3, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert.ok(recording.resources.filter(r => r.custom && !r.type.startsWith("pulumi:providers:")).every(r => r.accountId === scope.accountId));
        assert.equal(ofType(recording, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0, "no managed policy anywhere");
    });

    it("logs every execution to a customer-key log group and encrypts the state machine with the customer key", () => {
        const [machine] = ofType(recording, "aws:sfn/stateMachine:StateMachine");
        const logging = machine.props.loggingConfiguration as { level: string; includeExecutionData: boolean; logDestination: string };
        assert.equal(logging.level, "ALL");
        assert.equal(logging.includeExecutionData, true);
        assert.equal(logging.logDestination, "arn:aws:logs:eu-west-1:123456789012:log-group:/lakewarden/states/lakewarden-test-fleet-refresh:*");
        const encryption = machine.props.encryptionConfiguration as { type: string; kmsKeyId: string };
        assert.equal(encryption.type, "CUSTOMER_MANAGED_KMS_KEY");
        assert.match(encryption.kmsKeyId, /^arn:aws:kms:eu-west-1:123456789012:key\//);
        const group = ofType(recording, "aws:cloudwatch/logGroup:LogGroup").find(g => g.props.name === "/lakewarden/states/lakewarden-test-fleet-refresh");
        assert.equal(group?.props.kmsKeyId, encryption.kmsKeyId);
        const [topic] = ofType(recording, "aws:sns/topic:Topic");
        assert.equal(topic.props.kmsMasterKeyId, encryption.kmsKeyId);
    });

    it("starts the machine only from the build account's AVAILABLE images, through a role that may start only that machine", () => {
        const rule = ofType(recording, "aws:cloudwatch/eventRule:EventRule").find(r => r.props.name === "lakewarden-test-fleet-refresh-on-image");
        assert.deepEqual(JSON.parse(String(rule?.props.eventPattern)), {
            source: ["aws.imagebuilder"],
            account: [buildAccount],
            "detail-type": ["EC2 Image Builder Image State Change"],
            detail: { state: { status: ["AVAILABLE"] } },
        });
        const [target] = ofType(recording, "aws:cloudwatch/eventTarget:EventTarget");
        assert.equal(target.props.arn, machineArn);
        assert.equal(target.props.roleArn, "arn:aws:iam::123456789012:role/lakewarden-test-fleet-refresh-starter");
        assert.ok(target.props.deadLetterConfig, "events that exhaust the retries are kept");
        const starter = identityDocs.find(d => d.name === "refresh-on-image-starter");
        assert.deepEqual(starter?.doc.Statement, [{ Sid: "StartWorkflow", Effect: "Allow", Action: ["states:StartExecution"], Resource: [machineArn] }]);
        const trust = docOf(
            ofType(recording, "aws:iam/role:Role").find(r => r.props.name === "lakewarden-test-fleet-refresh-starter"),
            "assumeRolePolicy",
        );
        assert.deepEqual(trust.Statement[0].Condition, {
            StringEquals: { "aws:SourceAccount": scope.accountId },
            ArnLike: { "aws:SourceArn": "arn:aws:events:eu-west-1:123456789012:rule/lakewarden-test-fleet-refresh-on-image" },
        });
        const bus = docOf(ofType(recording, "aws:cloudwatch/eventBusPolicy:EventBusPolicy")[0]);
        assert.deepEqual(bus.Statement[0].Principal, { AWS: `arn:aws:iam::${buildAccount}:root` });
        assert.deepEqual(bus.Statement[0].Condition, { StringEquals: { "aws:PrincipalOrgID": organizationId, "events:source": "aws.imagebuilder" } });
    });

    it("lets the state machine invoke its three functions, publish to its topic and read its rollback alarms, nothing else", () => {
        const machine = identityDocs.find(d => d.name === "refresh");
        assert.ok(machine);
        assert.deepEqual(statement(machine.doc, "InvokeFleetFunctions").Resource, [
            "arn:aws:lambda:eu-west-1:123456789012:function:lakewarden-test-fleet-discovery",
            "arn:aws:lambda:eu-west-1:123456789012:function:lakewarden-test-fleet-launch-template-version",
            "arn:aws:lambda:eu-west-1:123456789012:function:lakewarden-test-fleet-instance-refresh",
        ]);
        assert.deepEqual(statement(machine.doc, "PublishNotifications").Resource, ["arn:aws:sns:eu-west-1:123456789012:lakewarden-test-fleet-refresh"]);
        assert.deepEqual(statement(machine.doc, "ReadRollbackAlarms").Resource, ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:lakewarden-test-ecs-errors"]);
        assert.deepEqual(statement(machine.doc, "EncryptOwnState").Condition?.StringEquals, { "kms:EncryptionContext:aws:states:stateMachineArn": machineArn });
    });

    it("never grants ec2:RunInstances on * and changes only tagged templates and groups", () => {
        for (const { name, doc } of identityDocs) {
            for (const s of doc.Statement.filter(st => st.Action.some(a => a === "ec2:RunInstances" || a === "ec2:*" || a === "*"))) {
                assert.ok(!(s.Resource ?? []).includes("*"), `${name}/${s.Sid} allows RunInstances on *`);
                assert.ok(s.Condition, `${name}/${s.Sid} allows RunInstances without a condition`);
            }
        }
        const writes = identityDocs.flatMap(({ doc }) =>
            doc.Statement.filter(s =>
                s.Action.some(a => ["ec2:CreateLaunchTemplateVersion", "autoscaling:UpdateAutoScalingGroup", "autoscaling:StartInstanceRefresh"].includes(a)),
            ),
        );
        assert.equal(writes.length, 3);
        for (const s of writes) {
            assert.deepEqual(s.Condition, { StringEquals: { "aws:ResourceTag/lakewarden:fleet-refresh": "enabled" } });
        }
    });

    it("lets the functions pass only the sample cluster's instance role, and only to EC2", () => {
        const passes = identityDocs.flatMap(({ name, doc }) => doc.Statement.filter(s => s.Action.includes("iam:PassRole")).map(s => ({ name, s })));
        assert.deepEqual(passes.map(p => p.name).sort(), ["refresh-instance-refresh", "refresh-launch-template-version"]);
        for (const { s } of passes) {
            assert.deepEqual(s.Action, ["iam:PassRole"]);
            assert.deepEqual(s.Resource, [instanceRole]);
            assert.deepEqual(s.Condition, { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } });
        }
    });

    it("hardens the launch template: IMDSv2 with hop limit 1, customer-key volumes, no public IP, no default-version drift", () => {
        const [lt] = ofType(recording, "aws:ec2/launchTemplate:LaunchTemplate");
        assert.deepEqual(lt.props.metadataOptions, {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
            instanceMetadataTags: "disabled",
        });
        const mappings = lt.props.blockDeviceMappings as { deviceName: string; ebs: { encrypted: string; kmsKeyId: string } }[];
        assert.deepEqual(
            mappings.map(m => m.deviceName),
            ["/dev/xvda", "/dev/xvdb"],
        );
        assert.ok(mappings.every(m => m.ebs.encrypted === "true" && m.ebs.kmsKeyId.startsWith("arn:aws:kms:eu-west-1:123456789012:key/")));
        assert.deepEqual(
            (lt.props.networkInterfaces as { associatePublicIpAddress: string }[]).map(n => n.associatePublicIpAddress),
            ["false"],
        );
        assert.equal(lt.props.updateDefaultVersion, false);
        assert.equal((lt.props.tags as Record<string, string>)["lakewarden:fleet-refresh"], "enabled");
        const userData = Buffer.from(String(lt.props.userData), "base64").toString("utf8");
        assert.match(userData, /^ECS_CLUSTER=lakewarden-test-sample-ecs$/m);
        assert.match(userData, /^ECS_AWSVPC_BLOCK_IMDS=true$/m);
    });

    it("gives the container instances the ECS agent's actions on their own cluster only", () => {
        const agent = identityDocs.find(d => d.name === "sample-instance");
        assert.deepEqual(agent?.doc.Statement, [
            {
                Sid: "JoinAndReportToCluster",
                Effect: "Allow",
                Action: [
                    "ecs:DeregisterContainerInstance",
                    "ecs:RegisterContainerInstance",
                    "ecs:SubmitAttachmentStateChanges",
                    "ecs:SubmitContainerStateChange",
                    "ecs:SubmitTaskStateChange",
                ],
                Resource: ["arn:aws:ecs:eu-west-1:123456789012:cluster/lakewarden-test-sample-ecs"],
            },
            {
                Sid: "PollAsContainerInstance",
                Effect: "Allow",
                Action: ["ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState"],
                Resource: ["arn:aws:ecs:eu-west-1:123456789012:container-instance/lakewarden-test-sample-ecs/*"],
            },
            { Sid: "DiscoverPollEndpoint", Effect: "Allow", Action: ["ecs:DiscoverPollEndpoint"], Resource: ["*"] },
        ]);
        const [profile] = ofType(recording, "aws:iam/instanceProfile:InstanceProfile");
        assert.equal(profile.props.name, "lakewarden-test-sample-ecs-instance");
    });

    it("leaves the group's launch template version to the workflow and protects instances for managed termination", () => {
        const [lt] = ofType(recording, "aws:ec2/launchTemplate:LaunchTemplate");
        const [group] = ofType(recording, "aws:autoscaling/group:Group");
        assert.deepEqual(group.opts.ignoreChanges, ["launchTemplate.version"]);
        assert.ok(group.propertyDependencies.launchTemplate.includes(lt.urn), "the version comes from the template's latestVersion");
        assert.ok(!["$Latest", "$Default"].includes(String((group.props.launchTemplate as { version?: string }).version)));
        assert.equal(group.props.protectFromScaleIn, true);
        const tags = group.props.tags as { key: string; value: string; propagateAtLaunch: boolean }[];
        assert.deepEqual(
            tags.find(t => t.key === "lakewarden:fleet-refresh"),
            { key: "lakewarden:fleet-refresh", value: "enabled", propagateAtLaunch: true },
        );
    });

    it("puts the group behind a capacity provider with managed scaling, termination protection and draining", () => {
        const [provider] = ofType(recording, "aws:ecs/capacityProvider:CapacityProvider");
        const asg = provider.props.autoScalingGroupProvider as {
            managedScaling: { status: string };
            managedTerminationProtection: string;
            managedDraining: string;
        };
        assert.deepEqual([asg.managedScaling.status, asg.managedTerminationProtection, asg.managedDraining], ["ENABLED", "ENABLED", "ENABLED"]);
        const [cluster] = ofType(recording, "aws:ecs/cluster:Cluster");
        assert.deepEqual(cluster.props.settings, [{ name: "containerInsights", value: "enabled" }]);
        assert.deepEqual(cluster.props.tags, { "lakewarden:fleet": "analytics", "lakewarden:fleet-refresh": "enabled" });
        const [association] = ofType(recording, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
        assert.deepEqual(association.props.capacityProviders, ["lakewarden-test-sample-ecs-ec2"]);
        assert.equal(association.props.clusterName, "lakewarden-test-sample-ecs");
    });

    it("lets only the build account's Image Builder service-linked role, inside the organisation, copy images in", () => {
        const role = ofType(recording, "aws:iam/role:Role").find(r => r.props.name === DISTRIBUTION_ROLE_NAME);
        const trust = docOf(role, "assumeRolePolicy");
        assert.deepEqual(trust.Statement, [
            {
                Sid: "ImageBuilderOfBuildAccount",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${buildAccount}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder` },
                Action: ["sts:AssumeRole"],
                Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
            },
        ]);
        const doc = identityDocs.find(d => d.name === "distribution")?.doc;
        assert.ok(doc);
        assert.deepEqual(statement(doc, "CopyAndTagImages").Resource, ["arn:aws:ec2:eu-west-1::image/*", "arn:aws:ec2:eu-west-1::snapshot/*"]);
        const buildKeyUse = {
            "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/lakewarden/test/ami" },
            StringEquals: { "kms:ViaService": "ec2.eu-west-1.amazonaws.com" },
        };
        const use = statement(doc, "UseBuildAmiKeyEuWest1");
        assert.deepEqual(use.Resource, [`arn:aws:kms:eu-west-1:${buildAccount}:key/*`]);
        assert.deepEqual(use.Condition, buildKeyUse);
        assert.deepEqual(statement(doc, "GrantBuildAmiKeyToEbsEuWest1").Condition, { ...buildKeyUse, Bool: { "kms:GrantIsForAWSResource": true } });
        assert.deepEqual(statement(doc, "PublishImageId").Resource, ["arn:aws:ssm:eu-west-1:123456789012:parameter/lakewarden/test/ami/ecs-hardened"]);
        const onStar = doc.Statement.filter(s => (s.Resource ?? []).includes("*")).flatMap(s => s.Action);
        assert.deepEqual(onStar, ["ec2:DescribeImages"]);
    });

    it("refuses a sample cluster whose minimum exceeds its maximum and a distribution role with no target", () => {
        const base = {
            scope,
            ebsKey: unusedKey,
            imageId: "ami-0",
            clusterTags: { a: "b" },
            instanceType: "m7g.large",
            subnetIds: ["s"],
            securityGroupIds: ["g"],
        };
        assert.throws(() => new SampleEcsCluster("bad", { ...base, minSize: 3, maxSize: 2 }), /minSize 3 exceeds maxSize 2/);
        assert.throws(
            () =>
                new ImageDistributionRole("none", {
                    accountId: scope.accountId,
                    buildAccountId: buildAccount,
                    organizationId,
                    amiKeyAlias: "alias/x",
                    targets: [],
                    imageBuilderRole: { arn: imageBuilderRole },
                }),
            /no distribution target/,
        );
    });
});
