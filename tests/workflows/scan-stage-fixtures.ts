import type { ScanStageWorkflowArgs } from "../../workflows/scan-stage";

export const scanArgs = (overrides: Partial<ScanStageWorkflowArgs> = {}): ScanStageWorkflowArgs => ({
    pipeline: "orders",
    runFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:scan-run",
    moveFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:scan-move",
    requestApprovalFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:scan-request-approval",
    lockTableName: "scan-lock",
    decisionTableName: "scan-decisions",
    topicArn: "arn:aws:sns:eu-west-1:111122223333:scan",
    approvalTimeoutSeconds: 72 * 3600,
    onDeny: "delete",
    timeoutSeconds: 7 * 24 * 3600,
    ...overrides,
});
