/**
 * Invoked by the workflow's RequestApproval state (lambda:invoke.waitForTaskToken) with the task
 * token: records the pending approval with its token, then notifies the approvers
 * (lambdas/scan-stage/request-approval.ts). It returns nothing the workflow waits on: the
 * workflow resumes when the approval API sends the task result.
 *
 * Env: DECISION_TABLE, TOPIC_ARN, APPROVAL_API_URL (the approval API's invoke URL, stage included),
 * REVIEW_BUCKET (named in the message: where the objects wait).
 * IAM (Service Authorization Reference, DynamoDB and SNS actions; SNS Developer Guide, "Encryption at
 * rest": publishing to a topic with a customer managed key needs kms:GenerateDataKey* and kms:Decrypt):
 *   dynamodb:PutItem on the decision table (conditional: a retried request records once); sns:Publish on the topic;
 *   kms:GenerateDataKey*, kms:Decrypt on the topic's key; kms:Encrypt, kms:Decrypt, kms:GenerateDataKey*
 *   on the table's key with kms:ViaService dynamodb.<region>.amazonaws.com.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { instrumented, telemetry } from "../shared/telemetry";
import { required } from "./environment";
import { parseApprovalRequest, requestApproval, type RequestApprovalDeps } from "./request-approval";

const { logger, metrics } = telemetry("scan-stage-request-approval");
let deps: RequestApprovalDeps | undefined;

export const handler = async (payload: unknown): Promise<void> => {
    const request = parseApprovalRequest(payload);
    deps ??= {
        ddb: new DynamoDBClient({}),
        sns: new SNSClient({}),
        decisionTable: required("DECISION_TABLE"),
        topicArn: required("TOPIC_ARN"),
        approvalApiUrl: required("APPROVAL_API_URL"),
        reviewBucket: required("REVIEW_BUCKET"),
    };
    const ready = deps;
    await instrumented(metrics, "ApprovalRequestsFailed", async () => {
        await requestApproval(ready, request);
        logger.info("approval requested", { pipeline: request.pipeline, runId: request.runId, reviewCount: request.reviewCount });
    });
};
