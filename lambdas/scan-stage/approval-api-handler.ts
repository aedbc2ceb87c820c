/** Env: DECISION_TABLE, APPROVER_ROLE_ARNS (comma-separated roles allowed to decide). */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { releaserRolesFromEnvironment } from "../release-api/caller";
import { type ApprovalApiDeps, handleDecision, type ProxyResult } from "./approval-api";
import { required } from "./environment";

const logger = new Logger({ serviceName: "scan-stage-approval-api" });
let deps: ApprovalApiDeps | undefined;

export const handler = async (event: unknown): Promise<ProxyResult> => {
    try {
        deps ??= {
            ddb: new DynamoDBClient({}),
            sfn: new SFNClient({}),
            decisionTable: required("DECISION_TABLE"),
            approverRoleArns: releaserRolesFromEnvironment(process.env.APPROVER_ROLE_ARNS),
            now: () => new Date(),
        };
        const result = await handleDecision(event, deps);
        logger.info("decision request", { statusCode: result.statusCode });
        return result;
    } catch (error) {
        logger.error("decision request failed", { error: error as Error });
        return { statusCode: 500, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: JSON.stringify({ message: "the decision could not be recorded; retry" }) };
    }
};
