/** A real DynamoDB implementation (dynalite, in memory) holding the discovery state table. */
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { STATE_TABLE_SCHEMA } from "../../../lambdas/discovery-common/state";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => import("node:http").Server;

export interface LocalDynamo {
    client: DynamoDBClient;
    tableName: string;
    close(): Promise<void>;
}

export async function startStateTable(tableName = "discovery-state"): Promise<LocalDynamo> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: "eu-west-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    await client.send(
        new CreateTableCommand({
            TableName: tableName,
            BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: STATE_TABLE_SCHEMA.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
            KeySchema: [{ AttributeName: STATE_TABLE_SCHEMA.hashKey, KeyType: "HASH" }],
            GlobalSecondaryIndexes: [{ IndexName: STATE_TABLE_SCHEMA.statusIndex, KeySchema: [{ AttributeName: "status", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
        }),
    );
    return { client, tableName, close: () => new Promise((resolve) => { client.destroy(); server.close(() => resolve()); }) };
}
