/** A real DynamoDB implementation (dynalite, in memory) for specs and benches: conditions and expressions as DynamoDB evaluates them. */
import type { AddressInfo } from "node:net";
import { type CreateTableCommandInput, CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

// dynalite ships no type declarations.

const dynalite = require("dynalite") as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => import("node:http").Server;

export interface LocalDynamo {
    client: DynamoDBClient;
    close(): Promise<void>;
}

export async function startDynalite(tables: readonly CreateTableCommandInput[]): Promise<LocalDynamo> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const client = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: "eu-west-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    for (const table of tables) {
        await client.send(new CreateTableCommand(table));
    }
    return {
        client,
        close: () =>
            new Promise(resolve => {
                client.destroy();
                server.close(() => resolve());
            }),
    };
}
