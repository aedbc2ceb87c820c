import type { KeyRef, Statement } from "../iam/documents";
import type { AccountScope } from "../naming";

/** Step Functions' own needs: log delivery (APIs that exist only on "*") and its state encryption. */
export function stateMachinePlatformStatements(scope: AccountScope, key: KeyRef, machineArn: string): Statement[] {
    return [
        {
            Sid: "DeliverExecutionLogs",
            Effect: "Allow",
            Action: [
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies",
                "logs:GetLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:UpdateLogDelivery",
            ],
            Resource: ["*"],
        },
        {
            Sid: "EncryptOwnState",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [`arn:aws:kms:${scope.region}:${scope.accountId}:key/*`],
            Condition: {
                "ForAnyValue:StringEquals": { "kms:ResourceAliases": key.aliasName },
                StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": machineArn },
            },
        },
    ];
}
