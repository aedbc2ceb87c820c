import { scopedResourcePolicy } from "../../lib/scoped-resource-policy";

export const sqsQueuePolicyScoped = scopedResourcePolicy({
    name: "sqs-queue-policy-scoped",
    concern: "messaging",
    service: "SQS queue",
    resourceTypes: ["aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"],
    anchors: { checkov: ["CKV_AWS_168", "CKV_AWS_72", "CKV_AWS_387"] },
    remediationSteps: "Name producer roles, or pin service principals (sns.amazonaws.com, events.amazonaws.com) with aws:SourceArn.",
});
