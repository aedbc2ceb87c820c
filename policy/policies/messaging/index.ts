export { eventbridgeBusKmsCmk } from "./eventbridge-bus-kms-cmk";
export { eventbridgeBusPolicyScoped } from "./eventbridge-bus-policy-scoped";
export { snsTopicKmsCmk } from "./sns-topic-kms-cmk";
export { snsTopicPolicyScoped } from "./sns-topic-policy-scoped";
export { sqsQueueKmsCmk } from "./sqs-queue-kms-cmk";
export { sqsQueuePolicyScoped } from "./sqs-queue-policy-scoped";
