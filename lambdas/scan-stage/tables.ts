/** Key schemas of the stage's two tables, shared by the component that creates them and the code that writes them. */
export const LOCK_TABLE_KEY = "pipeline";
export const DECISION_TABLE_KEY = "runId";

export function tableDefinition(name: string, key: string) {
    return {
        TableName: name,
        BillingMode: "PAY_PER_REQUEST" as const,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: "S" as const }],
        KeySchema: [{ AttributeName: key, KeyType: "HASH" as const }],
    };
}
