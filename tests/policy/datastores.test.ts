import * as aws from "@pulumi/aws";
import { ACCOUNTS, find, type PlannedResource, resource, stack, typed } from "./helpers";
import { CONSUMER_ROLE_ARN, doc, KEY_ARN, ORG_CONFIG } from "./fixtures";
import { describeCustomerKeyPolicy } from "./customer-key-case";
import { describePolicy } from "./harness";

const set = (name: string, props: Record<string, unknown>) => (r: PlannedResource[]) => {
    Object.assign(find(r, name).props, props);
};
const tableProps = () => ({
    name: "lw-state",
    billingMode: "PAY_PER_REQUEST",
    hashKey: "pk",
    attributes: [{ name: "pk", type: "S" }],
    serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
    pointInTimeRecovery: { enabled: true },
});

describeCustomerKeyPolicy({
    policy: "dynamodb-table-kms-cmk",
    type: "aws:dynamodb/table:Table",
    props: tableProps,
    keyPath: ["serverSideEncryption", "kmsKeyArn"],
    awsManagedAlias: "alias/aws/dynamodb",
    extraViolations: [
        { name: "SSE disabled", mutate: set("subject", { serverSideEncryption: { enabled: false } }), expect: /serverSideEncryption.enabled is false/ },
    ],
    violates: ["serverSideEncryption", "serverSideEncryption.enabled"],
    allowed: ["name", "billingMode", "hashKey", "attributes*", "pointInTimeRecovery*"],
});

describePolicy({
    policy: "dynamodb-table-pitr",
    target: "state",
    compliant: () => stack(typed(aws.dynamodb.Table, "state", tableProps())),
    violations: [
        { name: "PITR off", mutate: set("state", { pointInTimeRecovery: { enabled: false } }), expect: /pointInTimeRecovery.enabled is false/ },
        { name: "PITR not declared", mutate: set("state", { pointInTimeRecovery: undefined }), expect: /pointInTimeRecovery.enabled is undefined/ },
    ],
    otherType: () => stack(resource("aws:dynamodb/globalTable:GlobalTable", "state", { pointInTimeRecovery: { enabled: false } })),
    unknowns: [{ resource: "state", violates: ["pointInTimeRecovery*"], allowed: ["name", "billingMode", "hashKey", "attributes*", "serverSideEncryption*"] }],
});

describeCustomerKeyPolicy({
    policy: "log-group-kms-cmk",
    type: "aws:cloudwatch/logGroup:LogGroup",
    props: () => ({ name: "/aws/lambda/lw-classifier", retentionInDays: 365, kmsKeyId: KEY_ARN }),
    keyPath: ["kmsKeyId"],
    awsManagedAlias: "alias/aws/logs",
});

describePolicy({
    policy: "log-group-retention",
    target: "logs",
    compliant: () => stack(typed(aws.cloudwatch.LogGroup, "logs", { name: "/aws/lambda/lw-classifier", retentionInDays: 365, kmsKeyId: KEY_ARN })),
    violations: [
        { name: "kept forever", mutate: set("logs", { retentionInDays: undefined }), expect: /kept forever/ },
        { name: "too short", mutate: set("logs", { retentionInDays: 7 }), expect: /retentionInDays is 7, outside 90..3653/ },
    ],
    otherType: () => stack(resource("aws:cloudwatch/logStream:LogStream", "logs", { name: "x", retentionInDays: 1 })),
    unknowns: [{ resource: "logs", violates: ["retentionInDays"], allowed: ["name", "kmsKeyId"] }],
    configCases: [{ name: "minRetentionDays 7", config: { minRetentionDays: 7 }, mutate: set("logs", { retentionInDays: 7 }), expect: "pass" }],
});

describeCustomerKeyPolicy({
    policy: "secret-kms-cmk",
    type: "aws:secretsmanager/secret:Secret",
    props: () => ({ name: "lw/external-id", kmsKeyId: KEY_ARN, recoveryWindowInDays: 30 }),
    keyPath: ["kmsKeyId"],
    awsManagedAlias: "alias/aws/secretsmanager",
});

const READ_SECRET = { Sid: "Consumer", Effect: "Allow", Principal: { AWS: CONSUMER_ROLE_ARN }, Action: "secretsmanager:GetSecretValue", Resource: "*" };
describePolicy({
    policy: "secret-policy-scoped",
    target: "secret-policy",
    config: ORG_CONFIG,
    compliant: () =>
        stack(
            typed(aws.secretsmanager.SecretPolicy, "secret-policy", {
                secretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNTS.producer}:secret:lw`,
                blockPublicPolicy: true,
                policy: doc(READ_SECRET),
            }),
        ),
    violations: [
        { name: "blockPublicPolicy off", mutate: set("secret-policy", { blockPublicPolicy: false }), expect: /blockPublicPolicy is false/ },
        { name: "Principal *", mutate: set("secret-policy", { policy: doc({ ...READ_SECRET, Principal: "*" }) }), expect: /allows Principal "\*"/ },
    ],
    otherType: () =>
        stack(
            resource("aws:secretsmanager/secretVersion:SecretVersion", "secret-policy", {
                blockPublicPolicy: false,
                policy: doc({ ...READ_SECRET, Principal: "*" }),
            }),
        ),
    unknowns: [
        {
            resource: "secret-policy",
            violates: [
                "blockPublicPolicy",
                "policy",
                "policy.Statement",
                "policy.Statement.0",
                "policy.Statement.0.Effect",
                "policy.Statement.0.Principal*",
                "policy.Statement.0.Action",
            ],
            allowed: ["secretArn", "policy.Version", "policy.Statement.0.Sid", "policy.Statement.0.Resource"],
        },
    ],
});

const workgroup = () => ({
    name: "lw-analysts",
    configuration: {
        enforceWorkgroupConfiguration: true,
        resultConfiguration: { outputLocation: "s3://lw-athena-results/", encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN } },
    },
});
describeCustomerKeyPolicy({
    policy: "athena-workgroup-encrypted",
    type: "aws:athena/workgroup:Workgroup",
    props: workgroup,
    keyPath: ["configuration", "resultConfiguration", "encryptionConfiguration", "kmsKeyArn"],
    awsManagedAlias: "alias/aws/s3",
    extraViolations: [
        {
            name: "not enforced",
            mutate: r => {
                const w = workgroup();
                w.configuration.enforceWorkgroupConfiguration = false;
                find(r, "subject").props.configuration = w.configuration;
            },
            expect: /enforceWorkgroupConfiguration is false/,
        },
        {
            name: "SSE_S3 results",
            mutate: r => {
                const w = workgroup();
                w.configuration.resultConfiguration.encryptionConfiguration.encryptionOption = "SSE_S3";
                find(r, "subject").props.configuration = w.configuration;
            },
            expect: /encryptionOption is "?SSE_S3"?/,
        },
    ],
    violates: [
        "configuration",
        "configuration.enforceWorkgroupConfiguration",
        "configuration.resultConfiguration",
        "configuration.resultConfiguration.encryptionConfiguration",
        "*.encryptionOption",
    ],
    allowed: ["name", "configuration.resultConfiguration.outputLocation"],
});
