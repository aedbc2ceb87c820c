import { resourcePolicy } from "../../lib/define";
import { requireOneOf } from "../../lib/settings";
import { dig } from "../../lib/values";

export const dynamodbTablePitr = resourcePolicy({
    name: "dynamodb-table-pitr",
    concern: "datastores",
    description: "DynamoDB tables have point-in-time recovery enabled.",
    severity: "medium",
    remediationSteps: "Set pointInTimeRecovery: { enabled: true }.",
    anchors: { cdkNag: ["AwsSolutions-DDB3"], checkov: ["CKV_AWS_28"], cis: ["dynamodb-pitr-enabled"] },
    resourceTypes: ["aws:dynamodb/table:Table"],
    validate(resource, _config, report) {
        requireOneOf(dig(resource.props, "pointInTimeRecovery.enabled"), [true, "true"], "pointInTimeRecovery.enabled", report);
    },
});
