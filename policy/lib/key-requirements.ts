// What a customer-managed key must let each user do, per resource type that encrypts with it: one
// row per encrypting resource, each naming the AWS document the requirement comes from. The
// kms-key-usable policy evaluates every use against the key's policy (lib/iam/evaluate.ts).
import type { Resource } from "./define";
import { type Principal, type StackIndex } from "./key-usage";
import { isUnknown } from "./unknown";
import { asDict, asList, dig, isDict, parseJsonish } from "./values";

export interface KeyUse {
    principal: Principal;
    actions: readonly string[];
    /** The service calling KMS on the principal's behalf (kms:ViaService = <via>.<region>.amazonaws.com). */
    via?: string;
    /** CreateGrant for an AWS resource (kms:GrantIsForAWSResource). */
    grantForAwsResource?: boolean;
    /** Further request context: encryption context, aws:SourceArn/SourceAccount of service principals. */
    context?: Record<string, string>;
    why: string;
}

export interface KeyRequirement {
    type: string;
    /** Top-level property whose dependency names the key. */
    keyProperty: string;
    /** The row applies (e.g. only SecureString parameters, only customer-managed encryption). */
    applies?(r: Resource): boolean;
    uses(r: Resource, ix: StackIndex): KeyUse[];
    source: string;
}

const nameOf = (r: Resource): string | undefined => (typeof r.props.name === "string" && !isUnknown(r.props.name) ? r.props.name : undefined);
const service = (name: string): Principal => ({ label: `service ${name}`, request: { kind: "service", service: name } });
const regional = (prefix: string, r: Resource, ix: StackIndex) => `${prefix}.${ix.region(r)}.amazonaws.com`;

/** Roles of the stack that call `actions` on `arn`, each needing `kmsActions` through `via`. */
function callerUses(
    ix: StackIndex,
    actions: string[],
    arn: string | undefined,
    kmsActions: string[],
    via: string,
    why: string,
    context?: Record<string, string>,
): KeyUse[] {
    return arn
        ? ix
              .callers(actions, arn)
              .map(c => ({ principal: c.principal, actions: kmsActions, via, context, why: `${why} (${c.principal.label} may ${actions[0]})` }))
        : [];
}

/** What a service principal sends on behalf of a source: its account, and the source ARN the resource policy pins. */
function sourceContext(r: Resource, ix: StackIndex, sourceArn?: string): Record<string, string> {
    return { "aws:SourceAccount": ix.account(r), ...(sourceArn ? { "aws:SourceArn": sourceArn } : {}) };
}

function resourcePolicyServices(
    r: Resource,
    ix: StackIndex,
    attachedType: string,
    attachProperty: string,
    actions: string[],
): { service: string; sourceArn?: string }[] {
    const documents = [r.props.policy, ...ix.attached(r, attachedType, attachProperty).map(p => p.props.policy)];
    return ix.servicePrincipals(documents, actions);
}

export const KEY_REQUIREMENTS: readonly KeyRequirement[] = [
    {
        type: "aws:lambda/function:Function",
        keyProperty: "kmsKeyArn",
        uses: (r, ix) => [
            {
                principal: ix.deployer(r),
                actions: ["kms:CreateGrant"],
                via: "lambda",
                grantForAwsResource: true,
                why: "creating a function whose environment is encrypted with the key",
            },
        ],
        source: 'Lambda Developer Guide, "Securing environment variables": the principal creating or updating the function needs kms:CreateGrant',
    },
    {
        type: "aws:dynamodb/table:Table",
        keyProperty: "serverSideEncryption",
        applies: r => dig(r.props, "serverSideEncryption.enabled") === true,
        uses: (r, ix) => [
            {
                principal: ix.deployer(r),
                actions: ["kms:CreateGrant", "kms:DescribeKey"],
                via: "dynamodb",
                grantForAwsResource: true,
                why: "creating a table encrypted with the key",
            },
        ],
        source: 'KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS": the creator needs kms:CreateGrant and kms:DescribeKey through DynamoDB',
    },
    {
        type: "aws:ssm/parameter:Parameter",
        keyProperty: "keyId",
        applies: r => r.props.type === "SecureString",
        uses: (r, ix) => {
            const name = nameOf(r);
            const arn = name ? `arn:aws:ssm:${ix.region(r)}:${ix.account(r)}:parameter${name.startsWith("/") ? "" : "/"}${name}` : undefined;
            const context = arn ? { "kms:EncryptionContext:PARAMETER_ARN": arn } : undefined;
            return [
                { principal: ix.deployer(r), actions: ["kms:Encrypt"], via: "ssm", context, why: "writing the SecureString value" },
                ...callerUses(
                    ix,
                    ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
                    arn,
                    ["kms:Decrypt"],
                    "ssm",
                    "reading the SecureString value",
                    context,
                ),
            ];
        },
        source: 'Systems Manager User Guide, "How AWS Systems Manager Parameter Store uses AWS KMS": Encrypt for the writer, Decrypt for readers, through ssm.<region>.amazonaws.com',
    },
    {
        type: "aws:sfn/stateMachine:StateMachine",
        keyProperty: "encryptionConfiguration",
        applies: r => dig(r.props, "encryptionConfiguration.type") === "CUSTOMER_MANAGED_KMS_KEY",
        uses: (r, ix) => {
            const name = nameOf(r);
            const arn = name ? `arn:aws:states:${ix.region(r)}:${ix.account(r)}:stateMachine:${name}` : undefined;
            const context = arn ? { "kms:EncryptionContext:aws:states:stateMachineArn": arn } : undefined;
            const role = ix.roleByArn(r.props.roleArn);
            return [
                ...(role
                    ? [
                          {
                              principal: ix.rolePrincipal(role),
                              actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                              via: "states",
                              context,
                              why: "running the state machine (its execution role)",
                          },
                      ]
                    : []),
                ...callerUses(
                    ix,
                    ["states:StartExecution", "states:StartSyncExecution"],
                    arn,
                    ["kms:GenerateDataKey"],
                    "states",
                    "starting executions",
                    context,
                ),
                ...callerUses(
                    ix,
                    ["states:DescribeExecution", "states:GetExecutionHistory"],
                    name ? `arn:aws:states:${ix.region(r)}:${ix.account(r)}:execution:${name}:x` : undefined,
                    ["kms:Decrypt"],
                    "states",
                    "reading executions",
                    context,
                ),
            ];
        },
        source:
            'Step Functions API Reference (StartExecution, DescribeExecution) and Developer Guide, "Data at rest encryption": callers of StartExecution need kms:GenerateDataKey, ' +
            "callers of DescribeExecution/GetExecutionHistory kms:Decrypt, the execution role both",
    },
    {
        type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        keyProperty: "rules",
        uses: (r, ix) => macieReaders(r, ix),
        source: 'Macie User Guide, "Analyzing encrypted S3 objects": the key must allow Macie\'s service-linked role kms:Decrypt, else objects are unclassifiable',
    },
    {
        type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        keyProperty: "rules",
        uses: (r, ix) => lakeFormationRoles(r, ix),
        source: 'Lake Formation Developer Guide, "Registering an encrypted Amazon S3 location": the registration role needs kms:Encrypt, kms:Decrypt and kms:GenerateDataKey on the bucket key',
    },
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        keyProperty: "kmsKeyId",
        uses: (r, ix) => {
            const name = nameOf(r);
            const context: Record<string, string> = name
                ? { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${ix.region(r)}:${ix.account(r)}:log-group:${name}` }
                : {};
            return [
                {
                    principal: service(regional("logs", r, ix)),
                    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
                    context,
                    why: "CloudWatch Logs encrypting and reading the group's events",
                },
            ];
        },
        source:
            'CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS": the key policy lets logs.<region>.amazonaws.com use the key ' +
            "for the group's kms:EncryptionContext:aws:logs:arn (GenerateDataKey and Decrypt are the calls, as in the CloudWatchLogsAPIKeyAccess managed policy)",
    },
    {
        type: "aws:sns/topic:Topic",
        keyProperty: "kmsMasterKeyId",
        uses: (r, ix) => {
            const name = nameOf(r);
            const arn = name ? `arn:aws:sns:${ix.region(r)}:${ix.account(r)}:${name}` : undefined;
            const publishers = resourcePolicyServices(r, ix, "aws:sns/topicPolicy:TopicPolicy", "arn", ["sns:Publish"]);
            return [
                ...publishers.map(p => ({
                    principal: service(p.service),
                    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
                    context: sourceContext(r, ix, p.sourceArn),
                    why: `an AWS service publishing to the encrypted topic${p.sourceArn ? ` from ${p.sourceArn}` : ""}`,
                })),
                ...callerUses(ix, ["sns:Publish"], arn, ["kms:GenerateDataKey", "kms:Decrypt"], "sns", "publishing to the encrypted topic"),
            ];
        },
        source: 'SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted topics": publishers need kms:GenerateDataKey* and kms:Decrypt',
    },
    {
        type: "aws:sqs/queue:Queue",
        keyProperty: "kmsMasterKeyId",
        uses: (r, ix) => {
            const name = nameOf(r);
            const arn = name ? `arn:aws:sqs:${ix.region(r)}:${ix.account(r)}:${name}` : undefined;
            const senders = resourcePolicyServices(r, ix, "aws:sqs/queuePolicy:QueuePolicy", "queueUrl", ["sqs:SendMessage"]);
            return [
                ...senders.map(p => ({
                    principal: service(p.service),
                    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
                    context: sourceContext(r, ix, p.sourceArn),
                    why: `an AWS service sending to the encrypted queue${p.sourceArn ? ` from ${p.sourceArn}` : ""}`,
                })),
                ...callerUses(ix, ["sqs:SendMessage"], arn, ["kms:GenerateDataKey", "kms:Decrypt"], "sqs", "sending to the encrypted queue"),
                ...callerUses(ix, ["sqs:ReceiveMessage"], arn, ["kms:Decrypt"], "sqs", "receiving from the encrypted queue"),
            ];
        },
        source: 'SQS Developer Guide, "Encryption at rest" (key management): producers need kms:GenerateDataKey and kms:Decrypt, consumers kms:Decrypt',
    },
    {
        type: "aws:cloudwatch/eventBus:EventBus",
        keyProperty: "kmsKeyIdentifier",
        uses: (r, ix) => {
            const name = nameOf(r);
            const context: Record<string, string> = { "aws:SourceAccount": ix.account(r) };
            if (name) {
                context["kms:EncryptionContext:aws:events:event-bus:arn"] = `arn:aws:events:${ix.region(r)}:${ix.account(r)}:event-bus/${name}`;
                context["aws:SourceArn"] = context["kms:EncryptionContext:aws:events:event-bus:arn"];
            }
            return [
                {
                    principal: service("events.amazonaws.com"),
                    actions: ["kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"],
                    context,
                    why: "EventBridge encrypting the bus's events",
                },
            ];
        },
        source: 'EventBridge User Guide, "Authorizing EventBridge to use a customer managed key": kms:DescribeKey, kms:GenerateDataKey, kms:Decrypt',
    },
    {
        type: "aws:secretsmanager/secret:Secret",
        keyProperty: "kmsKeyId",
        uses: (r, ix) => {
            const name = nameOf(r);
            const arn = name ? `arn:aws:secretsmanager:${ix.region(r)}:${ix.account(r)}:secret:${name}-??????` : undefined;
            return [
                { principal: ix.deployer(r), actions: ["kms:GenerateDataKey", "kms:Decrypt"], via: "secretsmanager", why: "storing the secret value" },
                ...callerUses(ix, ["secretsmanager:GetSecretValue"], arn, ["kms:Decrypt"], "secretsmanager", "reading the secret"),
            ];
        },
        source: 'Secrets Manager User Guide, "Secret encryption and decryption in AWS Secrets Manager": GenerateDataKey to store, Decrypt to read, through secretsmanager',
    },
    {
        type: "aws:emr/securityConfiguration:SecurityConfiguration",
        keyProperty: "configuration",
        uses: (r, ix) => emrRoles(r, ix),
        source:
            'EMR Management Guide, "Encryption options" (local disk and EBS encryption with AWS KMS): the EC2 instance profile role must be a key user ' +
            "(Encrypt, Decrypt, ReEncrypt, GenerateDataKey, DescribeKey) and EBS encryption needs kms:CreateGrant for AWS resources",
    },
];

const KEY_USER_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:DescribeKey"];

/** EMR local-disk/EBS encryption: the instance roles of the security configuration's component (trusted by EC2). */
function emrRoles(r: Resource, ix: StackIndex): KeyUse[] {
    const config = asDict(parseJsonish(r.props.configuration));
    const disk = dig(config, "EncryptionConfiguration.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration");
    if (!isDict(disk) || disk.EncryptionKeyProviderType !== "AwsKms") {
        return [];
    }
    const instanceRoles = ix
        .siblings(r)
        .filter(s => s.type === "aws:iam/role:Role" && JSON.stringify(parseJsonish(s.props.assumeRolePolicy) ?? "").includes("ec2.amazonaws.com"));
    return instanceRoles.flatMap(role => [
        {
            principal: ix.rolePrincipal(role),
            actions: KEY_USER_ACTIONS,
            via: "ec2",
            why: "EMR instances encrypting local disks with the key (instance profile role)",
        },
        ...(disk.EnableEbsEncryption === true
            ? [
                  {
                      principal: ix.rolePrincipal(role),
                      actions: ["kms:CreateGrant"],
                      via: "ec2",
                      grantForAwsResource: true,
                      why: "EMR instances attaching EBS volumes encrypted with the key",
                  },
              ]
            : []),
    ]);
}

/** The bucket a split S3 resource configures. */
function bucketOf(part: Resource): Resource | undefined {
    return (part.propertyDependencies.bucket ?? []).find(d => d.type === "aws:s3/bucket:Bucket");
}

/** Macie classification jobs that pick the bucket: by its tags (tag criteria) or by name. */
function macieScans(bucket: Resource, ix: StackIndex): boolean {
    const tags = asDict(bucket.props.tags) ?? {};
    return ix.ofType("aws:macie2/classificationJob:ClassificationJob").some(job => {
        const definition = dig(job.props, "s3JobDefinition");
        const named = asList(dig(definition, "bucketDefinitions")).some(d => asList(dig(d, "buckets")).includes(bucket.props.bucket));
        const tagged =
            JSON.stringify(dig(definition, "bucketCriteria") ?? {}).includes('"tagValues"') &&
            asList(dig(definition, "bucketCriteria.includes.ands")).some(c =>
                asList(dig(c, "tagCriterion.tagValues")).some(t => isDict(t) && tags[String(t.key)] === t.value),
            );
        return named || tagged;
    });
}

function macieReaders(sse: Resource, ix: StackIndex): KeyUse[] {
    const bucket = bucketOf(sse);
    if (!bucket || !macieScans(bucket, ix)) {
        return [];
    }
    const account = ix.account(sse);
    const arn = `arn:aws:iam::${account}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`;
    return [
        {
            principal: { label: `Macie's service-linked role ${arn}`, request: { kind: "aws", arn, account } },
            actions: ["kms:Decrypt"],
            via: "s3",
            why: `Macie classifying objects of ${String(bucket.props.bucket)}`,
        },
    ];
}

function lakeFormationRoles(sse: Resource, ix: StackIndex): KeyUse[] {
    const bucket = bucketOf(sse);
    const name = bucket?.props.bucket;
    if (!bucket || typeof name !== "string") {
        return [];
    }
    return ix
        .ofType("aws:lakeformation/resource:Resource")
        .filter(l => l.props.arn === `arn:aws:s3:::${name}` && l.props.useServiceLinkedRole !== true)
        .flatMap(l => {
            const role = ix.roleByArn(l.props.roleArn);
            return role
                ? [
                      {
                          principal: ix.rolePrincipal(role),
                          actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                          via: "s3",
                          why: `Lake Formation reading and writing ${name} through its registration role`,
                      },
                  ]
                : [];
        });
}
