import { scopedResourcePolicy } from "../../lib/scoped-resource-policy";

export const snsTopicPolicyScoped = scopedResourcePolicy({
    name: "sns-topic-policy-scoped",
    concern: "messaging",
    service: "SNS topic",
    resourceTypes: ["aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy"],
    anchors: { checkov: ["CKV_AWS_169", "CKV_AWS_385"] },
    remediationSteps: "Name publisher roles or service principals; pin services (events.amazonaws.com, ...) with aws:SourceArn of the rule or bus.",
});
