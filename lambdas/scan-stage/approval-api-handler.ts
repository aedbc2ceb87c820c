/**
 * POST /runs/{runId}/decision behind API Gateway (REST, AWS_IAM): an approver role decides a run
 * (lambdas/scan-stage/approval-api.ts). An unexpected error answers 500 without detail; the
 * decision record says whether the decision was taken (retrying is safe: a decision is claimed once).
 *
 * Env: DECISION_TABLE, APPROVER_ROLE_ARNS (comma-separated IAM role ARNs allowed to decide).
 * IAM (Service Authorization Reference, DynamoDB and Step Functions actions; Step Functions
 * Developer Guide, "Wait for a Callback with Task Token": SendTaskSuccess is authorised on the
 * state machine that issued the token):
 *   dynamodb:GetItem, dynamodb:UpdateItem on the decision table;
 *   states:SendTaskSuccess on the stage's state machine;
 *   kms:Encrypt, kms:Decrypt, kms:GenerateDataKey* on the table's key with kms:ViaService
 *   dynamodb.<region>.amazonaws.com.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { type ProxyResult, respond } from "../shared/api-response";
import { roleArnsFromEnvironment } from "../shared/iam-caller";
import { countWith, telemetry } from "../shared/telemetry";
import { type ApprovalApiDeps, handleDecision } from "./approval-api";
import { required } from "./environment";

const { logger, metrics } = telemetry("scan-stage-approval-api");
let deps: ApprovalApiDeps | undefined;

export const handler = async (event: unknown): Promise<ProxyResult> => {
    try {
        deps ??= {
            ddb: new DynamoDBClient({}),
            sfn: new SFNClient({}),
            decisionTable: required("DECISION_TABLE"),
            approverRoleArns: roleArnsFromEnvironment("APPROVER_ROLE_ARNS"),
            now: () => new Date(),
        };
        const result = await handleDecision(event, deps);
        countWith(metrics, "DecisionRequests", "status", String(result.statusCode));
        logger.info("decision request", { statusCode: result.statusCode, runId: (event as { pathParameters?: { runId?: string } }).pathParameters?.runId });
        return result;
    } catch (error) {
        logger.error("decision request failed", { error: error as Error });
        return respond(500, { message: "the decision could not be recorded; retry (a decision is taken at most once)" });
    }
};
