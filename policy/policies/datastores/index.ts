export { athenaWorkgroupEncrypted } from "./athena-workgroup-encrypted";
export { dynamodbTableKmsCmk } from "./dynamodb-table-kms-cmk";
export { dynamodbTablePitr } from "./dynamodb-table-pitr";
export { logGroupKmsCmk } from "./log-group-kms-cmk";
export { logGroupRetention } from "./log-group-retention";
export { secretKmsCmk } from "./secret-kms-cmk";
export { secretPolicyScoped } from "./secret-policy-scoped";
