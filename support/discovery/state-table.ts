/** The discovery state table on dynalite (support/dynalite.ts), with the key schema and index the Lambdas use. */
import { STATE_TABLE_SCHEMA } from "../../lambdas/discovery-common/state";
import { type LocalDynamo, startDynalite } from "../dynalite";

export interface LocalStateTable extends LocalDynamo {
    tableName: string;
}

export async function startStateTable(tableName = "discovery-state"): Promise<LocalStateTable> {
    const local = await startDynalite([
        {
            TableName: tableName,
            BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: STATE_TABLE_SCHEMA.attributes.map(a => ({ AttributeName: a.name, AttributeType: a.type })),
            KeySchema: [{ AttributeName: STATE_TABLE_SCHEMA.hashKey, KeyType: "HASH" }],
            GlobalSecondaryIndexes: [
                { IndexName: STATE_TABLE_SCHEMA.statusIndex, KeySchema: [{ AttributeName: "status", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
            ],
        },
    ]);
    return { ...local, tableName };
}
