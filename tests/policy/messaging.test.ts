import * as aws from "@pulumi/aws";
import { ACCOUNTS, find, foreign, type PlannedResource, set, stack, typed } from "./helpers";
import { ALIAS_ARN, doc, KEY_ARN, ORG_CONFIG, type StatementInput } from "./fixtures";
import { describeCustomerKeyPolicy } from "./customer-key-case";
import { describePolicy } from "./harness";

describeCustomerKeyPolicy({
    policy: "sns-topic-kms-cmk",
    cls: aws.sns.Topic,
    props: { name: "lw-findings", kmsMasterKeyId: KEY_ARN },
    keyPath: ["kmsMasterKeyId"],
    awsManagedAlias: "alias/aws/sns",
});

describeCustomerKeyPolicy({
    policy: "sqs-queue-kms-cmk",
    cls: aws.sqs.Queue,
    props: { name: "lw-dlq", kmsMasterKeyId: ALIAS_ARN, sqsManagedSseEnabled: false, messageRetentionSeconds: 1209600 },
    keyPath: ["kmsMasterKeyId"],
    awsManagedAlias: "arn:aws:kms:eu-west-1:111111111111:alias/aws/sqs",
    extraViolations: [
        {
            name: "SQS-managed SSE",
            mutate: set("subject", aws.sqs.Queue, { sqsManagedSseEnabled: true }),
            expect: /SQS-managed encryption/,
        },
    ],
    violates: ["sqsManagedSseEnabled"],
    allowed: ["name", "messageRetentionSeconds"],
});

describeCustomerKeyPolicy({
    policy: "eventbridge-bus-kms-cmk",
    cls: aws.cloudwatch.EventBus,
    props: { name: "lw-security", kmsKeyIdentifier: KEY_ARN },
    keyPath: ["kmsKeyIdentifier"],
    awsManagedAlias: "alias/aws/events",
});

const PUBLISH = {
    Sid: "Events",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "sns:Publish",
    Resource: "arn:aws:sns:eu-west-1:111111111111:lw-findings",
    Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-west-1:111111111111:rule/lw-findings" } },
};
const CONSUMER = {
    Sid: "Consumer",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCOUNTS.consumer}:root` },
    Action: "sqs:SendMessage",
    Resource: "arn:aws:sqs:eu-west-1:111111111111:lw-requests",
};
const ORG_PUT = {
    Sid: "Org",
    Effect: "Allow",
    Principal: "*",
    Action: "events:PutEvents",
    Resource: "arn:aws:events:eu-west-1:111111111111:event-bus/lw-security",
    Condition: { StringEquals: { "aws:PrincipalOrgID": "o-lw0example1" } },
};
type PolicyDocument = ReturnType<typeof doc>;
interface ScopedCase {
    policy: string;
    /** The resource under test, "subject", with this policy document. */
    subject(policy: PolicyDocument): PlannedResource;
    good: StatementInput;
    /** The resource type whose own inline `policy` the policy also reads. */
    inline?(policy: string): PlannedResource;
}
const scopedCases: ScopedCase[] = [
    {
        policy: "sns-topic-policy-scoped",
        subject: policy => typed(aws.sns.TopicPolicy, "subject", { arn: "arn:aws:sns:eu-west-1:111111111111:lw-findings", policy }),
        good: PUBLISH,
        inline: policy => typed(aws.sns.Topic, "inline", { name: "x", policy }),
    },
    {
        policy: "sqs-queue-policy-scoped",
        subject: policy => typed(aws.sqs.QueuePolicy, "subject", { queueUrl: "https://sqs.eu-west-1.amazonaws.com/111111111111/lw-requests", policy }),
        good: CONSUMER,
        inline: policy => typed(aws.sqs.Queue, "inline", { name: "x", policy }),
    },
    {
        policy: "eventbridge-bus-policy-scoped",
        subject: policy => typed(aws.cloudwatch.EventBusPolicy, "subject", { eventBusName: "lw-security", policy }),
        good: ORG_PUT,
    },
];
for (const s of scopedCases) {
    /** Replaces the subject with one whose policy holds these statements. */
    const setPolicy =
        (...statements: StatementInput[]) =>
        (r: PlannedResource[]) => {
            r[r.indexOf(find(r, "subject"))] = s.subject(doc(...statements));
        };
    const inline = s.inline;
    describePolicy({
        policy: s.policy,
        target: "subject",
        config: ORG_CONFIG,
        compliant: () => stack(s.subject(doc(s.good))),
        violations: [
            {
                name: "Principal * without conditions",
                mutate: setPolicy({ ...s.good, Principal: "*", Condition: undefined }),
                expect: /allows Principal "\*" with no condition/,
            },
            {
                name: "an outside account",
                mutate: setPolicy({ ...s.good, Principal: { AWS: ACCOUNTS.stranger }, Condition: undefined }),
                expect: /999999999999, which is not an account of this environment/,
            },
            {
                name: "an unpinned service",
                mutate: setPolicy({ ...s.good, Principal: { Service: "events.amazonaws.com" }, Condition: undefined }),
                expect: /service principal events.amazonaws.com with no aws:SourceArn/,
            },
            ...(inline
                ? [
                      {
                          name: "the resource's inline policy",
                          mutate: (r: PlannedResource[]) => {
                              r.push(inline(JSON.stringify(doc({ ...s.good, Principal: { AWS: "*" }, Condition: undefined }))));
                          },
                          expect: /allows Principal "\*"/,
                          on: "inline",
                      },
                  ]
                : []),
        ],
        otherType: () => stack(foreign("aws:s3/bucketPolicy2:Other", "subject", { policy: doc({ ...s.good, Principal: "*", Condition: undefined }) })),
        unknowns: [
            {
                resource: "subject",
                violates: [
                    "policy",
                    "policy.Statement",
                    "policy.Statement.0",
                    "policy.Statement.0.Effect",
                    "policy.Statement.0.Principal*",
                    "policy.Statement.0.Action",
                    "policy.Statement.0.Condition",
                    "policy.Statement.0.Condition.StringEquals*",
                    "policy.Statement.0.Condition.ArnEquals",
                ],
                allowed: [
                    "arn",
                    "queueUrl",
                    "eventBusName",
                    "policy.Version",
                    "policy.Statement.0.Sid",
                    "policy.Statement.0.Resource",
                    "policy.Statement.0.Condition.ArnEquals.*",
                ],
            },
        ],
    });
}
