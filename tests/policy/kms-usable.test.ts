import * as aws from "@pulumi/aws";
// kms-key-usable: the key policy lets every user of an encrypting resource do what AWS requires.
import * as assert from "assert";
import { evaluatePolicy } from "../../policy/lib/iam/evaluate";
import { ACCOUNTS, find, type PlannedResource, resource, stack, urn, typed } from "./helpers";
import { doc, KEY_ARN, LAMBDA_TRUST, role, rolePolicy, type StatementInput } from "./fixtures";
import { describePolicy } from "./harness";

const P = ACCOUNTS.producer;
const DEPLOYER = `arn:aws:iam::${P}:role/lakewarden-deploy`;
const KEY_URN = urn("aws:kms/key:Key", "data-key");
const PARAM_ARN = `arn:aws:ssm:eu-west-1:${P}:parameter/lakewarden/dev/mapping`;
const via = (...services: string[]) => services.map(s => `${s}.eu-west-1.amazonaws.com`);

const keyStatements = (): StatementInput[] => [
    { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${P}:root` }, Action: ["kms:DescribeKey", "kms:PutKeyPolicy"], Resource: "*" },
    {
        Sid: "DeployerGrants",
        Effect: "Allow",
        Principal: { AWS: DEPLOYER },
        Action: ["kms:CreateGrant"],
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" }, StringEquals: { "kms:ViaService": via("lambda", "dynamodb") } },
    },
    {
        Sid: "UseThroughServices",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${P}:root` },
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:CallerAccount": P, "kms:ViaService": via("ssm", "states") } },
    },
    {
        Sid: "Logs",
        Effect: "Allow",
        Principal: { Service: "logs.eu-west-1.amazonaws.com" },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${P}:log-group:/lakewarden/*` } },
    },
];
const setKey = (statements: StatementInput[]) => (r: PlannedResource[]) => {
    find(r, "data-key").props.policy = JSON.stringify(doc(...statements));
};
const encrypted = (type: string, name: string, property: string, props: Record<string, unknown>) =>
    resource(type, name, props, { propertyDependencies: { [property]: [KEY_URN] } });

const compliant = () =>
    stack(
        typed(aws.kms.Key, "data-key", { policy: JSON.stringify(doc(...keyStatements())) }),
        encrypted("aws:lambda/function:Function", "fn", "kmsKeyArn", {
            name: "lakewarden-dev-fn",
            kmsKeyArn: KEY_ARN,
            role: `arn:aws:iam::${P}:role/lakewarden-reader`,
        }),
        encrypted("aws:cloudwatch/logGroup:LogGroup", "fn-logs", "kmsKeyId", { name: "/lakewarden/lambda/fn", kmsKeyId: KEY_ARN, retentionInDays: 30 }),
        encrypted("aws:ssm/parameter:Parameter", "mapping", "keyId", { name: "/lakewarden/dev/mapping", type: "SecureString", keyId: KEY_ARN, value: "{}" }),
        role("reader-role", LAMBDA_TRUST, { name: "lakewarden-reader" }),
        rolePolicy(
            "reader",
            JSON.stringify(
                doc(
                    { Sid: "ReadMapping", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [PARAM_ARN] },
                    {
                        Sid: "DecryptMapping",
                        Effect: "Allow",
                        Action: ["kms:Decrypt"],
                        Resource: [KEY_ARN],
                        Condition: { StringEquals: { "kms:ViaService": "ssm.eu-west-1.amazonaws.com" } },
                    },
                ),
            ),
            "lakewarden-reader",
        ),
    );

const RULE_ARN = `arn:aws:events:eu-west-1:${P}:rule/lakewarden-dev-findings`;
const withDeadLetterQueue = (keyRule: string) => (r: PlannedResource[]) => {
    setKey([
        ...keyStatements(),
        {
            Sid: "EventBridgeDeadLetters",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: "*",
            Condition: { ArnLike: { "aws:SourceArn": [keyRule] }, StringEquals: { "aws:SourceAccount": P } },
        },
    ])(r);
    r.push(
        encrypted("aws:sqs/queue:Queue", "dlq", "kmsMasterKeyId", { name: "lakewarden-dev-findings-dlq", kmsMasterKeyId: KEY_ARN }),
        resource(
            "aws:sqs/queuePolicy:QueuePolicy",
            "dlq-policy",
            {
                queueUrl: "https://sqs.eu-west-1.amazonaws.com/111111111111/lakewarden-dev-findings-dlq",
                policy: JSON.stringify(
                    doc({
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: ["sqs:SendMessage"],
                        Resource: [`arn:aws:sqs:eu-west-1:${P}:lakewarden-dev-findings-dlq`],
                        Condition: { ArnEquals: { "aws:SourceArn": RULE_ARN } },
                    }),
                ),
            },
            { propertyDependencies: { queueUrl: [urn("aws:sqs/queue:Queue", "dlq")] } },
        ),
    );
};

const withStateMachine = (r: PlannedResource[], starterKms: boolean) => {
    r.push(
        encrypted("aws:sfn/stateMachine:StateMachine", "workflow", "encryptionConfiguration", {
            name: "lakewarden-dev-quarantine",
            roleArn: `arn:aws:iam::${P}:role/lakewarden-reader`,
            definition: "{}",
            encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: KEY_ARN },
        }),
        role("starter-role", doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "events.amazonaws.com" } }), {
            name: "lakewarden-starter",
        }),
        rolePolicy(
            "starter",
            JSON.stringify(
                doc(
                    { Effect: "Allow", Action: ["states:StartExecution"], Resource: [`arn:aws:states:eu-west-1:${P}:stateMachine:lakewarden-dev-quarantine`] },
                    ...(starterKms ? [{ Effect: "Allow", Action: ["kms:GenerateDataKey"], Resource: [KEY_ARN] }] : []),
                ),
            ),
            "lakewarden-starter",
        ),
    );
    find(r, "reader").props.policy = JSON.stringify(
        doc(
            { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [PARAM_ARN] },
            { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [KEY_ARN] },
        ),
    );
};

describePolicy({
    policy: "kms-key-usable",
    target: "data-key",
    compliant,
    violations: [
        {
            name: "no statement lets the deployer create Lambda's grant",
            mutate: setKey(keyStatements().filter(s => s.Sid !== "DeployerGrants")),
            expect: /does not let the deploying role arn:aws:iam::111111111111:role\/lakewarden-deploy kms:CreateGrant through lambda, needed for creating a function .*Lambda Developer Guide/,
        },
        {
            name: "the grant statement without kms:GrantIsForAWSResource matching",
            mutate: setKey(
                keyStatements().map(s => (s.Sid === "DeployerGrants" ? { ...s, Condition: { Bool: { "kms:GrantIsForAWSResource": "false" } } } : s)),
            ),
            expect: /kms:CreateGrant through lambda/,
        },
        {
            name: "kms:ViaService without ssm (SecureString write and read)",
            mutate: setKey(
                keyStatements().map(s =>
                    s.Sid === "UseThroughServices" ? { ...s, Condition: { StringEquals: { "kms:CallerAccount": P, "kms:ViaService": via("states") } } } : s,
                ),
            ),
            expect: /does not let role lakewarden-reader kms:Decrypt through ssm, needed for reading the SecureString value/,
        },
        {
            name: "EventBridge's dead letters from a rule the key does not name",
            mutate: withDeadLetterQueue(`arn:aws:events:eu-west-1:${P}:rule/other`),
            expect: /does not let service events.amazonaws.com kms:GenerateDataKey, kms:Decrypt, needed for an AWS service sending to the encrypted queue from arn:aws:events:eu-west-1:111111111111:rule\/lakewarden-dev-findings by Queue dlq/,
        },
        {
            name: "a reader whose own policy has no kms:Decrypt",
            mutate: r => {
                find(r, "reader").props.policy = JSON.stringify(doc({ Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [PARAM_ARN] }));
            },
            expect: /kms:Decrypt \(the key policy delegates to the account, and no identity policy of the role allows it on the key\) through ssm/,
        },
        {
            name: "Macie's service-linked role allowed only through the account",
            mutate: r => {
                setKey(
                    keyStatements().map(s =>
                        s.Sid === "UseThroughServices"
                            ? { ...s, Condition: { StringEquals: { "kms:CallerAccount": P, "kms:ViaService": via("ssm", "states", "s3") } } }
                            : s,
                    ),
                )(r);
                r.push(
                    typed(aws.s3.Bucket, "raw", { bucket: "lw-raw", tags: { RequireMacieScan: "True" } }),
                    resource(
                        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                        "raw-sse",
                        { bucket: "lw-raw", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }] },
                        { propertyDependencies: { bucket: [urn("aws:s3/bucket:Bucket", "raw")], rules: [KEY_URN] } },
                    ),
                    resource(
                        "aws:macie2/classificationJob:ClassificationJob",
                        "scan",
                        { jobType: "ONE_TIME", s3JobDefinition: { bucketDefinitions: [{ accountId: P, buckets: ["lw-raw"] }] } },
                        { provider: null },
                    ),
                );
            },
            expect: /AWSServiceRoleForAmazonMacie kms:Decrypt \(a service-linked role's own policy grants no KMS actions, so the key policy must name it\)/,
        },
        {
            name: "an explicit Deny for the reader",
            mutate: setKey([
                ...keyStatements(),
                { Sid: "NoReader", Effect: "Deny", Principal: { AWS: `arn:aws:iam::${P}:role/lakewarden-reader` }, Action: "kms:Decrypt", Resource: "*" },
            ]),
            expect: /does not let role lakewarden-reader kms:Decrypt/,
        },
        {
            name: "log group outside the logs statement's encryption context",
            mutate: r => {
                find(r, "fn-logs").props.name = "/aws/lambda/fn";
            },
            expect: /does not let service logs.eu-west-1.amazonaws.com kms:GenerateDataKey, kms:Decrypt.*CloudWatch Logs User Guide/,
        },
        {
            name: "a starter role without kms:GenerateDataKey for a CMK state machine",
            mutate: r => withStateMachine(r, false),
            expect: /does not let role lakewarden-starter kms:GenerateDataKey \(the key policy delegates.*\) through states, needed for starting executions/,
        },
        {
            name: "Macie's service-linked role cannot read a scanned bucket",
            mutate: r => {
                r.push(
                    typed(aws.s3.Bucket, "raw", { bucket: "lw-raw", tags: { RequireMacieScan: "True" } }),
                    resource(
                        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                        "raw-sse",
                        { bucket: "lw-raw", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }] },
                        { propertyDependencies: { bucket: [urn("aws:s3/bucket:Bucket", "raw")], rules: [KEY_URN] } },
                    ),
                    resource(
                        "aws:macie2/classificationJob:ClassificationJob",
                        "scan",
                        {
                            jobType: "SCHEDULED",
                            s3JobDefinition: {
                                bucketCriteria: {
                                    includes: { ands: [{ tagCriterion: { comparator: "EQ", tagValues: [{ key: "RequireMacieScan", value: "True" }] } }] },
                                },
                            },
                        },
                        { provider: null },
                    ),
                );
            },
            expect: /does not let Macie's service-linked role arn:aws:iam::111111111111:role\/aws-service-role\/macie.amazonaws.com\/AWSServiceRoleForAmazonMacie kms:Decrypt through s3, .*Macie User Guide/,
        },
    ],
    otherType: () =>
        stack(
            typed(aws.kms.Key, "lonely", {
                policy: JSON.stringify(doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${P}:root` }, Action: "kms:DescribeKey", Resource: "*" })),
            }),
            typed(aws.s3.Bucket, "b", { bucket: "b" }),
        ),
    unknowns: [
        { resource: "data-key", violates: ["policy"] },
        // An unknown identity policy names no callers yet (the IAM policies of the pack refuse unknown documents).
        { resource: "reader", violates: [], allowed: ["*"] },
        // A key ARN, name or value unknown at preview: the key comes from the dependency; a parameter of unknown name has no callers to check yet.
        { resource: "mapping", violates: [], allowed: ["*"] },
        { resource: "fn", violates: [], allowed: ["*"] },
    ],
    configCases: [
        { name: "a starter whose own policy allows kms:GenerateDataKey passes", config: {}, mutate: r => withStateMachine(r, true), expect: "pass" },
        { name: "EventBridge's dead letters from the rule the key names pass", config: {}, mutate: withDeadLetterQueue(RULE_ARN), expect: "pass" },
        {
            name: "a key outside the stack is not evaluated",
            config: {},
            mutate: r => {
                r.splice(r.indexOf(find(r, "data-key")), 1);
            },
            expect: "pass",
        },
    ],
});

describe("key policy evaluation", () => {
    const request = (context: Record<string, string | string[]>, principal = { kind: "aws" as const, arn: `arn:aws:iam::${P}:role/r`, account: P }) => ({
        principal,
        action: "kms:Decrypt",
        context,
    });
    const policy = (condition: Record<string, Record<string, unknown>>) =>
        doc({ Effect: "Allow", Principal: { AWS: P }, Action: "kms:*", Resource: "*", Condition: condition });
    it("matches IfExists on absent keys, refuses plain operators on them", () => {
        assert.strictEqual(evaluatePolicy(policy({ StringEqualsIfExists: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } }), request({})), "allowed");
        assert.strictEqual(evaluatePolicy(policy({ StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } }), request({})), "implicit-deny");
    });
    it("handles negated, wildcard and set operators", () => {
        assert.strictEqual(
            evaluatePolicy(policy({ StringNotEquals: { "kms:CallerAccount": "999999999999" } }), request({ "kms:CallerAccount": P })),
            "allowed",
        );
        assert.strictEqual(
            evaluatePolicy(
                policy({ StringLike: { "kms:ViaService": "*.eu-west-1.amazonaws.com" } }),
                request({ "kms:ViaService": "sqs.eu-west-1.amazonaws.com" }),
            ),
            "allowed",
        );
        assert.strictEqual(
            evaluatePolicy(
                policy({ "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/a" } }),
                request({ "kms:ResourceAliases": ["alias/b", "alias/a"] }),
            ),
            "allowed",
        );
        assert.strictEqual(evaluatePolicy(policy({ "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/a" } }), request({})), "implicit-deny");
        assert.strictEqual(evaluatePolicy(policy({ Null: { "kms:ViaService": "true" } }), request({})), "allowed");
    });
    it("does not let account delegation match when only explicit principals count", () => {
        assert.strictEqual(evaluatePolicy(policy({}), { ...request({}), accountDelegation: false }), "implicit-deny");
    });
    it("answers unknown for an unknown condition value", () => {
        assert.strictEqual(
            evaluatePolicy(policy({ StringEquals: { "kms:CallerAccount": "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }), request({ "kms:CallerAccount": P })),
            "unknown",
        );
    });
});
