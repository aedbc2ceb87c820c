import * as aws from "@pulumi/aws";
import { ACCOUNTS, find, type PlannedResource, resource, stack, typed } from "./helpers";
import { KEY_ARN, ORG_CONFIG, ROLE_ARN } from "./fixtures";
import { describeCustomerKeyPolicy } from "./customer-key-case";
import { describePolicy } from "./harness";

const set = (name: string, props: Record<string, unknown>) => (r: PlannedResource[]) => {
    Object.assign(find(r, name).props, props);
};
const machine = () => ({
    name: "lw-quarantine",
    roleArn: ROLE_ARN,
    definition: '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
    encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: KEY_ARN, kmsDataKeyReusePeriodSeconds: 300 },
    loggingConfiguration: { level: "ALL", includeExecutionData: false, logDestination: `arn:aws:logs:eu-west-1:${ACCOUNTS.producer}:log-group:/lw/sfn:*` },
});

describeCustomerKeyPolicy({
    policy: "sfn-encryption-cmk",
    type: "aws:sfn/stateMachine:StateMachine",
    props: machine,
    keyPath: ["encryptionConfiguration", "kmsKeyId"],
    awsManagedAlias: "alias/aws/states",
    extraViolations: [
        {
            name: "AWS-owned key",
            mutate: set("subject", { encryptionConfiguration: { type: "AWS_OWNED_KEY" } }),
            expect: /encryptionConfiguration.type is "?AWS_OWNED_KEY"?/,
        },
    ],
    violates: ["encryptionConfiguration", "encryptionConfiguration.type"],
    allowed: ["name", "roleArn", "definition", "loggingConfiguration*", "encryptionConfiguration.kmsDataKeyReusePeriodSeconds"],
});

describePolicy({
    policy: "sfn-logging",
    target: "machine",
    compliant: () => stack(typed(aws.sfn.StateMachine, "machine", machine())),
    violations: [
        { name: "logging off", mutate: set("machine", { loggingConfiguration: { level: "OFF" } }), expect: /level is "?OFF"?/ },
        { name: "no destination", mutate: set("machine", { loggingConfiguration: { level: "ALL" } }), expect: /no logDestination/ },
    ],
    otherType: () => stack(resource("aws:sfn/activity:Activity", "machine", { loggingConfiguration: { level: "OFF" } })),
    unknowns: [
        {
            resource: "machine",
            violates: ["loggingConfiguration", "loggingConfiguration.level"],
            allowed: [
                "name",
                "roleArn",
                "definition",
                "encryptionConfiguration*",
                "loggingConfiguration.includeExecutionData",
                "loggingConfiguration.logDestination",
            ],
        },
    ],
    configCases: [
        {
            name: "allowedLevels ERROR",
            config: { allowedLevels: ["ALL", "ERROR"] },
            mutate: set("machine", { loggingConfiguration: { level: "ERROR", logDestination: "arn:aws:logs:eu-west-1:111111111111:log-group:/lw/sfn:*" } }),
            expect: "pass",
        },
    ],
});

const fn = () => ({
    name: "lw-classifier",
    role: ROLE_ARN,
    runtime: "nodejs22.x",
    handler: "index.handler",
    kmsKeyArn: KEY_ARN,
    environment: { variables: { TABLE_NAME: "lw-state", SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:lw" } },
});
describePolicy({
    policy: "lambda-env-encrypted",
    target: "fn",
    compliant: () => stack(typed(aws.lambda.Function, "fn", fn()), typed(aws.lambda.Function, "plain", { name: "no-env", role: ROLE_ARN })),
    violations: [
        { name: "no key for variables", mutate: set("fn", { kmsKeyArn: undefined }), expect: /environment variables has no customer-managed KMS key/ },
        {
            name: "a secret in a variable",
            mutate: set("fn", { environment: { variables: { DB_PASSWORD: "hunter2" } } }),
            expect: /DB_PASSWORD looks like a secret/,
        },
    ],
    otherType: () => stack(resource("aws:lambda/layerVersion:LayerVersion", "fn", { environment: { variables: { DB_PASSWORD: "x" } } })),
    unknowns: [
        {
            resource: "fn",
            violates: ["environment", "environment.variables"],
            allowed: ["name", "role", "runtime", "handler", "kmsKeyArn", "environment.variables.*"],
        },
    ],
});

const permission = (name: string, props: Record<string, unknown>) =>
    typed(aws.lambda.Permission, name, { action: "lambda:InvokeFunction", function: "lw-classifier", ...props });
describePolicy({
    policy: "lambda-permission-scoped",
    target: "events",
    config: ORG_CONFIG,
    compliant: () =>
        stack(
            permission("events", { principal: "events.amazonaws.com", sourceArn: "arn:aws:events:eu-west-1:111111111111:rule/lw-findings" }),
            permission("s3", { principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::lw-raw", sourceAccount: ACCOUNTS.producer }),
            permission("consumer-invoke", { principal: ACCOUNTS.consumer }),
            typed(aws.lambda.FunctionUrl, "url", { functionName: "lw-classifier", authorizationType: "AWS_IAM" }),
        ),
    violations: [
        { name: "principal *", mutate: set("events", { principal: "*", sourceArn: undefined }), expect: /principal is "\*"/ },
        { name: "a service without sourceArn", mutate: set("events", { sourceArn: undefined }), expect: /events.amazonaws.com has no sourceArn/ },
        { name: "S3 without sourceAccount", mutate: set("s3", { sourceAccount: undefined }), expect: /needs sourceAccount/, on: "s3" },
        {
            name: "an outside account",
            mutate: set("consumer-invoke", { principal: ACCOUNTS.stranger }),
            expect: /999999999999 is not an account of this environment/,
            on: "consumer-invoke",
        },
        { name: "lambda:*", mutate: set("events", { action: "lambda:*" }), expect: /must be a specific lambda action/ },
        { name: "an open function URL", mutate: set("url", { authorizationType: "NONE" }), expect: /authorizationType is NONE/, on: "url" },
    ],
    otherType: () => stack(resource("aws:lambda/alias:Alias", "events", { principal: "*", action: "lambda:*", authorizationType: "NONE" })),
    unknowns: [
        { resource: "events", violates: ["principal", "action"], allowed: ["function", "sourceArn"] },
        { resource: "s3", violates: ["principal", "action", "sourceAccount"], allowed: ["function", "sourceArn"] },
    ],
    configCases: [
        {
            name: "principal * restricted to the organisation",
            config: {},
            mutate: set("events", { principal: "*", sourceArn: undefined, principalOrgId: "o-lw0example1" }),
            expect: "pass",
        },
    ],
});

const ebs = { encrypted: "true", kmsKeyId: KEY_ARN, volumeSize: 30, volumeType: "gp3" };
const template = () => ({
    name: "lw-ecs",
    imageId: "ami-0123456789abcdef0",
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2, httpEndpoint: "enabled" },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs }],
    networkInterfaces: [{ associatePublicIpAddress: "false", securityGroups: ["sg-0123"] }],
});
const templateStack = () => stack(typed(aws.ec2.LaunchTemplate, "lt", template()));
const notTemplates = () =>
    stack(
        resource("aws:ec2/spotFleetRequest:SpotFleetRequest", "lt", {
            metadataOptions: { httpTokens: "optional" },
            blockDeviceMappings: [{ ebs: { encrypted: "false" } }],
            networkInterfaces: [{ associatePublicIpAddress: "true" }],
            launchConfiguration: "x",
        }),
    );

describePolicy({
    policy: "ec2-imdsv2-required",
    target: "lt",
    compliant: templateStack,
    violations: [
        { name: "IMDSv1 allowed", mutate: set("lt", { metadataOptions: { httpTokens: "optional" } }), expect: /httpTokens is "?optional"?/ },
        { name: "no metadata options", mutate: set("lt", { metadataOptions: undefined }), expect: /httpTokens is undefined/ },
        {
            name: "hop limit 3 on an instance",
            mutate: r => {
                r.push(typed(aws.ec2.Instance, "vm", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 3 } }));
            },
            expect: /httpPutResponseHopLimit is 3, more than 2/,
            on: "vm",
        },
    ],
    otherType: notTemplates,
    unknowns: [
        {
            resource: "lt",
            violates: ["metadataOptions", "metadataOptions.httpTokens", "metadataOptions.httpPutResponseHopLimit"],
            allowed: ["name", "imageId", "metadataOptions.httpEndpoint", "blockDeviceMappings*", "networkInterfaces*"],
        },
    ],
    configCases: [
        {
            name: "maxHopLimit 3",
            config: { maxHopLimit: 3 },
            mutate: set("lt", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 3 } }),
            expect: "pass",
        },
    ],
});

describePolicy({
    policy: "ec2-ebs-encrypted",
    target: "lt",
    compliant: () =>
        stack(
            typed(aws.ec2.LaunchTemplate, "lt", template()),
            typed(aws.ebs.Volume, "vol", { availabilityZone: "eu-west-1a", size: 10, encrypted: true, kmsKeyId: KEY_ARN }),
        ),
    violations: [
        {
            name: "unencrypted mapping",
            mutate: set("lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { ...ebs, encrypted: "false" } }] }),
            expect: /encrypted is "?false"?, must be/,
        },
        { name: "no mapping", mutate: set("lt", { blockDeviceMappings: [] }), expect: /declares no EBS block device mapping/ },
        {
            name: "default EBS key",
            mutate: set("lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] }),
            expect: /has no customer-managed KMS key/,
        },
        { name: "an unencrypted volume", mutate: set("vol", { encrypted: false }), expect: /encrypted is false/, on: "vol" },
        {
            name: "an instance root volume",
            mutate: r => {
                r.push(typed(aws.ec2.Instance, "vm", { rootBlockDevice: { encrypted: false } }));
            },
            expect: /rootBlockDevice.encrypted is false/,
            on: "vm",
        },
    ],
    otherType: notTemplates,
    unknowns: [
        {
            resource: "lt",
            violates: ["blockDeviceMappings", "blockDeviceMappings.0", "blockDeviceMappings.0.ebs", "blockDeviceMappings.0.ebs.encrypted"],
            allowed: [
                "name",
                "imageId",
                "metadataOptions*",
                "networkInterfaces*",
                "blockDeviceMappings.0.deviceName",
                "blockDeviceMappings.0.ebs.kmsKeyId",
                "blockDeviceMappings.0.ebs.volume*",
            ],
        },
        { resource: "vol", violates: ["encrypted"], allowed: ["availabilityZone", "size", "kmsKeyId"] },
    ],
});

describePolicy({
    policy: "ec2-no-public-ip",
    target: "lt",
    compliant: templateStack,
    violations: [
        {
            name: "public IP on the template",
            mutate: set("lt", { networkInterfaces: [{ associatePublicIpAddress: "true" }] }),
            expect: /associatePublicIpAddress is true/,
        },
        {
            name: "public IP on an instance",
            mutate: r => {
                r.push(typed(aws.ec2.Instance, "vm", { associatePublicIpAddress: true }));
            },
            expect: /associatePublicIpAddress is true/,
            on: "vm",
        },
    ],
    otherType: notTemplates,
    unknowns: [
        {
            resource: "lt",
            violates: ["networkInterfaces", "networkInterfaces.0", "networkInterfaces.0.associatePublicIpAddress"],
            allowed: ["name", "imageId", "metadataOptions*", "blockDeviceMappings*", "networkInterfaces.0.securityGroups*"],
        },
    ],
});

describePolicy({
    policy: "autoscaling-launch-template",
    target: "asg",
    compliant: () =>
        stack(typed(aws.autoscaling.Group, "asg", { name: "lw-ecs", minSize: 1, maxSize: 3, launchTemplate: { id: "lt-0123", version: "$Latest" } })),
    violations: [
        {
            name: "a launch configuration",
            mutate: set("asg", { launchTemplate: undefined, launchConfiguration: "lw-old" }),
            expect: /uses a launch configuration/,
        },
        { name: "no launch template", mutate: set("asg", { launchTemplate: undefined }), expect: /has no launch template/ },
    ],
    otherType: notTemplates,
    unknowns: [{ resource: "asg", violates: [], allowed: ["*"] }],
});

const containers = () =>
    JSON.stringify([
        {
            name: "app",
            image: "lw/app:1",
            user: "1000",
            privileged: false,
            readonlyRootFilesystem: true,
            environment: [{ name: "TABLE_NAME", value: "lw" }],
            secrets: [{ name: "API_TOKEN", valueFrom: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:lw" }],
        },
    ]);
const withContainer = (patch: Record<string, unknown>) => (r: PlannedResource[]) => {
    const [c] = JSON.parse(containers()) as Record<string, unknown>[];
    find(r, "task").props.containerDefinitions = JSON.stringify([{ ...c, ...patch }]);
};
describePolicy({
    policy: "ecs-task-hardening",
    target: "task",
    compliant: () => stack(typed(aws.ecs.TaskDefinition, "task", { family: "lw-app", containerDefinitions: containers() })),
    violations: [
        { name: "privileged", mutate: withContainer({ privileged: true }), expect: /container app is privileged/ },
        { name: "root", mutate: withContainer({ user: "root" }), expect: /runs as root/ },
        {
            name: "a secret in environment",
            mutate: withContainer({ environment: [{ name: "DB_PASSWORD", value: "x" }] }),
            expect: /passes DB_PASSWORD in environment/,
        },
    ],
    otherType: () => stack(resource("aws:ecs/service:Service", "task", { containerDefinitions: JSON.stringify([{ name: "x", privileged: true }]) })),
    unknowns: [{ resource: "task", violates: ["containerDefinitions"], allowed: ["family"] }],
    configCases: [
        {
            name: "requireReadonlyRootFilesystem",
            config: { requireReadonlyRootFilesystem: true },
            mutate: withContainer({ readonlyRootFilesystem: false }),
            expect: /writable root filesystem/,
        },
    ],
});
