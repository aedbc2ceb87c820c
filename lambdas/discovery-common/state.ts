/**
 * The discovery state table: one item per source ARN. Every write is conditional, so a redelivered
 * or late event never duplicates a source nor resurrects one removed after it.
 */
import {
    ConditionalCheckFailedException,
    type DynamoDBClient,
    GetItemCommand,
    paginateQuery,
    PutItemCommand,
    UpdateItemCommand,
    type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { type SourceRef, type SourceStatus } from "./source";

/** Partition key and the status index the scheduled steps page through. */
export const STATE_TABLE_SCHEMA = {
    hashKey: "arn",
    statusIndex: "status-index",
    attributes: [
        { name: "arn", type: "S" },
        { name: "status", type: "S" },
    ],
} as const;

export interface SourceItem extends SourceRef {
    status: SourceStatus;
    /** CloudTrail eventTime (or backfill time) of the last creation/removal applied. */
    lastEventTime: string;
    discoveredBy: string;
    updatedAt: string;
    reason?: string;
    /** Glue resources created for the source (set when catalogued). */
    glueDatabase?: string;
    glueJob?: string;
    /** Comma-separated crawler names (an RDS source has one per schema). */
    glueCrawlers?: string;
    /** Model database the source declares it holds (the dataset tag), if any. */
    dataset?: string;
    /** How many catalog attempts failed in a row. */
    failures?: number;
}

export type RecordOutcome = "added" | "reopened" | "duplicate";
export type RetireOutcome = "retired" | "unchanged";

const s = (value: string): AttributeValue => ({ S: value });

function toItem(record: Record<string, AttributeValue>): SourceItem {
    const str = (key: string) => record[key]?.S;
    return {
        arn: str("arn")!,
        kind: str("kind") as SourceItem["kind"],
        name: str("name")!,
        accountId: str("accountId")!,
        region: str("region")!,
        status: str("status") as SourceStatus,
        lastEventTime: str("lastEventTime")!,
        discoveredBy: str("discoveredBy")!,
        updatedAt: str("updatedAt")!,
        ...(str("reason") ? { reason: str("reason") } : {}),
        ...(str("glueDatabase") ? { glueDatabase: str("glueDatabase") } : {}),
        ...(str("glueJob") ? { glueJob: str("glueJob") } : {}),
        ...(str("glueCrawlers") ? { glueCrawlers: str("glueCrawlers") } : {}),
        ...(str("dataset") ? { dataset: str("dataset") } : {}),
        ...(record.failures?.N ? { failures: Number(record.failures.N) } : {}),
    };
}

export class StateStore {
    constructor(
        private readonly client: DynamoDBClient,
        private readonly tableName: string,
        private readonly now: () => Date = () => new Date(),
    ) {}

    /**
     * A source was created (event or backfill). Added when unknown; reopened when it was retired by an
     * earlier removal; otherwise (redelivery, known source, or a late event older than the last removal) unchanged.
     * `reconsider` (the backfill, which only sees opted-in stores) also reopens ignored and blocked sources,
     * so a store tagged later, or fixed after being blocked, is catalogued on the next run.
     */
    async record(source: SourceRef, eventTime: string, discoveredBy: string, options: { reconsider?: boolean } = {}): Promise<RecordOutcome> {
        const item: Record<string, AttributeValue> = {
            arn: s(source.arn),
            kind: s(source.kind),
            name: s(source.name),
            accountId: s(source.accountId),
            region: s(source.region),
            status: s("discovered"),
            lastEventTime: s(eventTime),
            discoveredBy: s(discoveredBy),
            updatedAt: s(this.now().toISOString()),
        };
        try {
            const out = await this.client.send(
                new PutItemCommand({
                    TableName: this.tableName,
                    Item: item,
                    ConditionExpression: `attribute_not_exists(arn) OR (#status = :retired AND lastEventTime < :time)${options.reconsider ? " OR #status IN (:ignored, :blocked)" : ""}`,
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: {
                        ":retired": s("retired"),
                        ":time": s(eventTime),
                        ...(options.reconsider ? { ":ignored": s("ignored"), ":blocked": s("blocked") } : {}),
                    },
                    ReturnValues: "ALL_OLD",
                }),
            );
            return out.Attributes ? "reopened" : "added";
        } catch (error) {
            if (error instanceof ConditionalCheckFailedException) return "duplicate";
            throw error;
        }
    }

    /** A source was removed: retired unless already retired or re-created after this event. */
    async retire(arn: string, eventTime: string, reason: string): Promise<RetireOutcome> {
        try {
            await this.client.send(
                new UpdateItemCommand({
                    TableName: this.tableName,
                    Key: { arn: s(arn) },
                    UpdateExpression: "SET #status = :retired, lastEventTime = :time, reason = :reason, updatedAt = :now",
                    ConditionExpression: "attribute_exists(arn) AND #status <> :retired AND lastEventTime <= :time",
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: { ":retired": s("retired"), ":time": s(eventTime), ":reason": s(reason), ":now": s(this.now().toISOString()) },
                }),
            );
            return "retired";
        } catch (error) {
            if (error instanceof ConditionalCheckFailedException) return "unchanged";
            throw error;
        }
    }

    /** Moves a source on from the status it was read in; false when something changed it meanwhile. */
    async transition(
        arn: string,
        from: SourceStatus,
        to: SourceStatus,
        fields: Partial<Pick<SourceItem, "reason" | "glueDatabase" | "glueJob" | "glueCrawlers" | "dataset">> = {},
        remove: ("glueJob" | "glueCrawlers" | "reason")[] = [],
    ): Promise<boolean> {
        const names: Record<string, string> = { "#status": "status" };
        const values: Record<string, AttributeValue> = { ":from": s(from), ":to": s(to), ":now": s(this.now().toISOString()) };
        const sets = ["#status = :to", "updatedAt = :now"];
        const removes = [...new Set([...(to === "catalogued" ? ["reason", "failures"] : []), ...remove])];
        for (const [key, value] of Object.entries(fields)) {
            if (value === undefined) continue;
            sets.push(`${key} = :${key}`);
            values[`:${key}`] = s(value);
        }
        try {
            await this.client.send(
                new UpdateItemCommand({
                    TableName: this.tableName,
                    Key: { arn: s(arn) },
                    UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
                    ConditionExpression: "#status = :from",
                    ExpressionAttributeNames: names,
                    ExpressionAttributeValues: values,
                }),
            );
            return true;
        } catch (error) {
            if (error instanceof ConditionalCheckFailedException) return false;
            throw error;
        }
    }

    /** Records a failed catalog attempt without changing the status, so the next run retries it. */
    async recordFailure(arn: string, status: SourceStatus, reason: string): Promise<void> {
        try {
            await this.client.send(
                new UpdateItemCommand({
                    TableName: this.tableName,
                    Key: { arn: s(arn) },
                    UpdateExpression: "SET reason = :reason, updatedAt = :now ADD failures :one",
                    ConditionExpression: "#status = :status",
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: { ":reason": s(reason.slice(0, 1000)), ":now": s(this.now().toISOString()), ":one": { N: "1" }, ":status": s(status) },
                }),
            );
        } catch (error) {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
    }

    async get(arn: string): Promise<SourceItem | undefined> {
        const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { arn: s(arn) }, ConsistentRead: true }));
        return out.Item ? toItem(out.Item) : undefined;
    }

    /** Every source in a status, page by page (a Query returns at most 1 MB). */
    async *withStatus(status: SourceStatus): AsyncGenerator<SourceItem> {
        const pages = paginateQuery(
            { client: this.client },
            {
                TableName: this.tableName,
                IndexName: STATE_TABLE_SCHEMA.statusIndex,
                KeyConditionExpression: "#status = :status",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":status": s(status) },
            },
        );
        for await (const page of pages) {
            for (const record of page.Items ?? []) yield toItem(record);
        }
    }
}
