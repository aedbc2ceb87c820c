/** Env: DECISION_TABLE, TOPIC_ARN, APPROVAL_API_URL, REVIEW_BUCKET. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { required } from "./environment";
import { parseApprovalRequest, requestApproval, type RequestApprovalDeps } from "./request-approval";

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
    await requestApproval(deps, request);
};
