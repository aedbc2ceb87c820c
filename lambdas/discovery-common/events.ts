/**
 * CloudTrail records delivered by EventBridge ("AWS API Call via CloudTrail") that create or remove a
 * data store, reduced to the source ARN and the event time. Failed calls are recorded by CloudTrail too
 * (with `errorCode`) and change nothing.
 */
import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";
import { dynamoDbTableArn, s3BucketArn, type SourceRef, sourceOfArn } from "./source";

export const CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";

/** The calls discovery listens to, per EventBridge source (the rule patterns are built from this). */
export const SOURCE_EVENTS = {
    "aws.s3": { create: ["CreateBucket"], remove: ["DeleteBucket"] },
    "aws.dynamodb": { create: ["CreateTable"], remove: ["DeleteTable"] },
    "aws.rds": { create: ["CreateDBCluster"], remove: ["DeleteDBCluster"] },
} as const;

const detailSchema = z.object({
    eventSource: z.string(),
    eventName: z.string(),
    eventTime: z.iso.datetime(),
    eventID: z.string().min(1),
    awsRegion: z.string().min(1),
    recipientAccountId: z.string().regex(/^\d{12}$/).optional(),
    errorCode: z.string().optional(),
    // Real records carry JSON null here for calls without parameters or responses.
    requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
    responseElements: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** Powertools' EventBridge envelope with the CloudTrail record as detail. */
export const cloudTrailEventSchema = EventBridgeSchema.extend({
    "detail-type": z.literal(CLOUDTRAIL_DETAIL_TYPE),
    account: z.string().regex(/^\d{12}$/),
    detail: detailSchema,
});

export type SourceChange =
    | { action: "create" | "remove"; source: SourceRef; eventTime: string; eventId: string; eventName: string }
    | { action: "none"; reason: string; eventId: string; eventName: string };

const str = (record: Record<string, unknown> | null | undefined, key: string): string | undefined => {
    const value = record?.[key];
    return typeof value === "string" && value.length > 0 ? value : undefined;
};

export class InvalidSourceEvent extends Error {
    override name = "InvalidSourceEvent";
}

export function parseSourceChange(raw: unknown): SourceChange {
    const parsed = cloudTrailEventSchema.safeParse(raw);
    if (!parsed.success) throw new InvalidSourceEvent(z.prettifyError(parsed.error));
    const event = parsed.data;
    const { detail } = event;
    const accountId = detail.recipientAccountId ?? event.account;
    const home = { accountId, region: detail.awsRegion };
    const base = { eventId: event.id, eventName: detail.eventName };
    if (detail.errorCode) return { action: "none", reason: `failed call (${detail.errorCode})`, ...base };
    const request = detail.requestParameters;
    const response = detail.responseElements;
    let arn: string | undefined;
    switch (detail.eventName) {
        case "CreateBucket":
        case "DeleteBucket": {
            const bucket = str(request, "bucketName");
            arn = bucket && s3BucketArn(bucket);
            break;
        }
        case "CreateTable":
        case "DeleteTable": {
            const description = (response?.tableDescription ?? null) as Record<string, unknown> | null;
            const table = str(request, "tableName");
            arn = str(description, "tableArn") ?? (table && dynamoDbTableArn(home.region, accountId, table));
            break;
        }
        case "CreateDBCluster":
        case "DeleteDBCluster": {
            const identifier = str(request, "dBClusterIdentifier");
            arn = str(response, "dBClusterArn") ?? (identifier && `arn:aws:rds:${home.region}:${accountId}:cluster:${identifier.toLowerCase()}`);
            break;
        }
        default:
            return { action: "none", reason: `not a creation or removal discovery handles`, ...base };
    }
    if (!arn) throw new InvalidSourceEvent(`${detail.eventName} ${event.id}: no resource name in requestParameters/responseElements`);
    const action = detail.eventName.startsWith("Create") ? "create" : "remove";
    return { action, source: sourceOfArn(arn, home), eventTime: detail.eventTime, ...base };
}
