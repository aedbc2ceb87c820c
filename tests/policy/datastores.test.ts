import * as aws from "@pulumi/aws";
import { ACCOUNTS, type FixtureProps, foreign, set, stack, typed } from "./helpers";
import { CONSUMER_ROLE_ARN, doc, KEY_ARN, ORG_CONFIG } from "./fixtures";
import { describeCustomerKeyPolicy } from "./customer-key-case";
import { describePolicy } from "./harness";

const tableProps = (): FixtureProps<aws.dynamodb.TableArgs> => ({
    name: "lw-state",
    billingMode: "PAY_PER_REQUEST",
    hashKey: "pk",
    attributes: [{ name: "pk", type: "S" }],
    serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
    pointInTimeRecovery: { enabled: true },
});

describeCustomerKeyPolicy({
    policy: "dynamodb-table-kms-cmk",
    cls: aws.dynamodb.Table,
    props: tableProps(),
    keyPath: ["serverSideEncryption", "kmsKeyArn"],
    awsManagedAlias: "alias/aws/dynamodb",
    extraViolations: [
        {
            name: "SSE disabled",
            mutate: set("subject", aws.dynamodb.Table, { serverSideEncryption: { enabled: false } }),
            expect: /serverSideEncryption.enabled is false/,
        },
    ],
    violates: ["serverSideEncryption", "serverSideEncryption.enabled"],
    allowed: ["name", "billingMode", "hashKey", "attributes*", "pointInTimeRecovery*"],
});

describePolicy({
    policy: "dynamodb-table-pitr",
    target: "state",
    compliant: () => stack(typed(aws.dynamodb.Table, "state", tableProps())),
    violations: [
        {
            name: "PITR off",
            mutate: set("state", aws.dynamodb.Table, { pointInTimeRecovery: { enabled: false } }),
            expect: /pointInTimeRecovery.enabled is false/,
        },
        {
            name: "PITR not declared",
            mutate: set("state", aws.dynamodb.Table, { pointInTimeRecovery: undefined }),
            expect: /pointInTimeRecovery.enabled is undefined/,
        },
    ],
    otherType: () => stack(foreign("aws:dynamodb/globalTable:GlobalTable", "state", { pointInTimeRecovery: { enabled: false } })),
    unknowns: [{ resource: "state", violates: ["pointInTimeRecovery*"], allowed: ["name", "billingMode", "hashKey", "attributes*", "serverSideEncryption*"] }],
});

describeCustomerKeyPolicy({
    policy: "log-group-kms-cmk",
    cls: aws.cloudwatch.LogGroup,
    props: { name: "/aws/lambda/lw-classifier", retentionInDays: 365, kmsKeyId: KEY_ARN },
    keyPath: ["kmsKeyId"],
    awsManagedAlias: "alias/aws/logs",
});

describePolicy({
    policy: "log-group-retention",
    target: "logs",
    compliant: () => stack(typed(aws.cloudwatch.LogGroup, "logs", { name: "/aws/lambda/lw-classifier", retentionInDays: 365, kmsKeyId: KEY_ARN })),
    violations: [
        { name: "kept forever", mutate: set("logs", aws.cloudwatch.LogGroup, { retentionInDays: undefined }), expect: /kept forever/ },
        { name: "too short", mutate: set("logs", aws.cloudwatch.LogGroup, { retentionInDays: 7 }), expect: /retentionInDays is 7, outside 90..3653/ },
    ],
    otherType: () => stack(foreign("aws:cloudwatch/logStream:LogStream", "logs", { name: "x", retentionInDays: 1 })),
    unknowns: [{ resource: "logs", violates: ["retentionInDays"], allowed: ["name", "kmsKeyId"] }],
    configCases: [
        { name: "minRetentionDays 7", config: { minRetentionDays: 7 }, mutate: set("logs", aws.cloudwatch.LogGroup, { retentionInDays: 7 }), expect: "pass" },
    ],
});

describeCustomerKeyPolicy({
    policy: "secret-kms-cmk",
    cls: aws.secretsmanager.Secret,
    props: { name: "lw/external-id", kmsKeyId: KEY_ARN, recoveryWindowInDays: 30 },
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
        {
            name: "blockPublicPolicy off",
            mutate: set("secret-policy", aws.secretsmanager.SecretPolicy, { blockPublicPolicy: false }),
            expect: /blockPublicPolicy is false/,
        },
        {
            name: "Principal *",
            mutate: set("secret-policy", aws.secretsmanager.SecretPolicy, { policy: doc({ ...READ_SECRET, Principal: "*" }) }),
            expect: /allows Principal "\*"/,
        },
    ],
    otherType: () =>
        stack(
            foreign("aws:secretsmanager/secretVersion:SecretVersion", "secret-policy", {
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

const workgroupConfiguration = (enforce = true, encryptionOption = "SSE_KMS"): FixtureProps<aws.types.input.athena.WorkgroupConfiguration> => ({
    enforceWorkgroupConfiguration: enforce,
    resultConfiguration: { outputLocation: "s3://lw-athena-results/", encryptionConfiguration: { encryptionOption, kmsKeyArn: KEY_ARN } },
});
describeCustomerKeyPolicy({
    policy: "athena-workgroup-encrypted",
    cls: aws.athena.Workgroup,
    props: { name: "lw-analysts", configuration: workgroupConfiguration() },
    keyPath: ["configuration", "resultConfiguration", "encryptionConfiguration", "kmsKeyArn"],
    awsManagedAlias: "alias/aws/s3",
    extraViolations: [
        {
            name: "not enforced",
            mutate: set("subject", aws.athena.Workgroup, { configuration: workgroupConfiguration(false) }),
            expect: /enforceWorkgroupConfiguration is false/,
        },
        {
            name: "SSE_S3 results",
            mutate: set("subject", aws.athena.Workgroup, { configuration: workgroupConfiguration(true, "SSE_S3") }),
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
