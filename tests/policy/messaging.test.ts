import { ACCOUNTS, find, type PlannedResource, resource, stack } from "./helpers";
import { ALIAS_ARN, doc, KEY_ARN, ORG_CONFIG } from "./fixtures";
import { describeCustomerKeyPolicy } from "./customer-key-case";
import { describePolicy } from "./harness";

describeCustomerKeyPolicy({
    policy: "sns-topic-kms-cmk",
    type: "aws:sns/topic:Topic",
    props: () => ({ name: "lw-findings", kmsMasterKeyId: KEY_ARN }),
    keyPath: ["kmsMasterKeyId"],
    awsManagedAlias: "alias/aws/sns",
});

describeCustomerKeyPolicy({
    policy: "sqs-queue-kms-cmk",
    type: "aws:sqs/queue:Queue",
    props: () => ({ name: "lw-dlq", kmsMasterKeyId: ALIAS_ARN, sqsManagedSseEnabled: false, messageRetentionSeconds: 1209600 }),
    keyPath: ["kmsMasterKeyId"],
    awsManagedAlias: "arn:aws:kms:eu-west-1:111111111111:alias/aws/sqs",
    extraViolations: [
        {
            name: "SQS-managed SSE",
            mutate: r => {
                find(r, "subject").props.sqsManagedSseEnabled = true;
            },
            expect: /SQS-managed encryption/,
        },
    ],
    violates: ["sqsManagedSseEnabled"],
    allowed: ["name", "messageRetentionSeconds"],
});

describeCustomerKeyPolicy({
    policy: "eventbridge-bus-kms-cmk",
    type: "aws:cloudwatch/eventBus:EventBus",
    props: () => ({ name: "lw-security", kmsKeyIdentifier: KEY_ARN }),
    keyPath: ["kmsKeyIdentifier"],
    awsManagedAlias: "alias/aws/events",
});

const setPolicy =
    (name: string, ...statements: object[]) =>
    (r: PlannedResource[]) => {
        find(r, name).props.policy = doc(...(statements as never[]));
    };
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
const scopedCases = [
    {
        policy: "sns-topic-policy-scoped",
        type: "aws:sns/topicPolicy:TopicPolicy",
        props: { arn: "arn:aws:sns:eu-west-1:111111111111:lw-findings", policy: doc(PUBLISH) },
        good: PUBLISH,
        inline: "aws:sns/topic:Topic",
    },
    {
        policy: "sqs-queue-policy-scoped",
        type: "aws:sqs/queuePolicy:QueuePolicy",
        props: { queueUrl: "https://sqs.eu-west-1.amazonaws.com/111111111111/lw-requests", policy: doc(CONSUMER) },
        good: CONSUMER,
        inline: "aws:sqs/queue:Queue",
    },
    {
        policy: "eventbridge-bus-policy-scoped",
        type: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
        props: { eventBusName: "lw-security", policy: doc(ORG_PUT) },
        good: ORG_PUT,
        inline: undefined,
    },
];
for (const s of scopedCases) {
    describePolicy({
        policy: s.policy,
        target: "subject",
        config: ORG_CONFIG,
        compliant: () => stack(resource(s.type, "subject", s.props)),
        violations: [
            {
                name: "Principal * without conditions",
                mutate: setPolicy("subject", { ...s.good, Principal: "*", Condition: undefined }),
                expect: /allows Principal "\*" with no condition/,
            },
            {
                name: "an outside account",
                mutate: setPolicy("subject", { ...s.good, Principal: { AWS: ACCOUNTS.stranger }, Condition: undefined }),
                expect: /999999999999, which is not an account of this environment/,
            },
            {
                name: "an unpinned service",
                mutate: setPolicy("subject", { ...s.good, Principal: { Service: "events.amazonaws.com" }, Condition: undefined }),
                expect: /service principal events.amazonaws.com with no aws:SourceArn/,
            },
            ...(s.inline
                ? [
                      {
                          name: "the resource's inline policy",
                          mutate: (r: PlannedResource[]) => {
                              r.push(
                                  resource(s.inline, "inline", {
                                      name: "x",
                                      policy: JSON.stringify(doc({ ...s.good, Principal: { AWS: "*" }, Condition: undefined })),
                                  }),
                              );
                          },
                          expect: /allows Principal "\*"/,
                          on: "inline",
                      },
                  ]
                : []),
        ],
        otherType: () => stack(resource("aws:s3/bucketPolicy2:Other", "subject", { policy: doc({ ...s.good, Principal: "*", Condition: undefined }) })),
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
