/**
 * The tracking table in dynalite (a maintained DynamoDB implementation: expression parsing,
 * conditional writes, reserved words, validation), reached through the real DynamoDB client the
 * way the Step Functions integration calls DynamoDB. Every record dynalite returns is kept for
 * synchronous reads by tests and the bench; the table itself decides every write.
 */
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient, UpdateItemCommand, type AttributeValue, type UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";

export type Item = Record<string, AttributeValue>;

interface Server {
    listen(port: number, host: string, done: () => void): void;
    address(): AddressInfo;
    close(): void;
}

export class LocalTable {
    private readonly records = new Map<string, Item>();
    /** Every update the table accepted, in order. */
    readonly writes: UpdateItemCommandInput[] = [];

    private constructor(
        private readonly server: Server,
        private readonly client: DynamoDBClient,
        private readonly keyNames: [string, string],
    ) {}

    static async start(tableName: string, keyNames: [partition: string, sort: string]): Promise<LocalTable> {
        const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
        await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
        const client = new DynamoDBClient({
            region: "eu-west-1",
            endpoint: `http://127.0.0.1:${server.address().port}`,
            credentials: { accessKeyId: "local", secretAccessKey: "local" },
        });
        await client.send(
            new CreateTableCommand({
                TableName: tableName,
                BillingMode: "PAY_PER_REQUEST",
                AttributeDefinitions: keyNames.map(name => ({ AttributeName: name, AttributeType: "S" })),
                KeySchema: [
                    { AttributeName: keyNames[0], KeyType: "HASH" },
                    { AttributeName: keyNames[1], KeyType: "RANGE" },
                ],
            }),
        );
        return new LocalTable(server, client, keyNames);
    }

    private id(key: Record<string, AttributeValue | undefined>): string {
        return JSON.stringify(this.keyNames.map(name => key[name]));
    }

    /** UpdateItem as the integration sends it; errors keep the SDK's names (ConditionalCheckFailedException, ...). */
    async updateItem(input: UpdateItemCommandInput): Promise<{ Attributes?: Item }> {
        const out = await this.client.send(new UpdateItemCommand({ ...input, ReturnValues: "ALL_NEW" }));
        this.writes.push(input);
        if (out.Attributes && input.Key) this.records.set(this.id(input.Key), out.Attributes);
        return input.ReturnValues === "ALL_NEW" ? { Attributes: out.Attributes } : {};
    }

    get(key: Item): Item | undefined {
        return this.records.get(this.id(key));
    }

    close(): void {
        this.client.destroy();
        this.server.close();
    }
}
