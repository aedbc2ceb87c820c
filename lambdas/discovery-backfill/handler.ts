/** Scheduled backfill of the state table. Env: STATE_TABLE_NAME, OPT_IN_TAG_KEY, OPT_IN_TAG_VALUE, ACCOUNT_ID. */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { RDSClient } from "@aws-sdk/client-rds";
import { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { S3Client } from "@aws-sdk/client-s3";
import { StateStore } from "../discovery-common/state";
import { type BackfillDeps, type BackfillSummary, runBackfill } from "./backfill";

const logger = new Logger({ serviceName: "discovery-backfill" });
let deps: BackfillDeps | undefined;

function required(name: string): string {
    const value = process.env[name];
    if (value === undefined || (value === "" && name !== "OPT_IN_TAG_VALUE")) throw new Error(`${name} is not set`);
    return value;
}

export const handler = async (): Promise<BackfillSummary> => {
    deps ??= {
        state: new StateStore(new DynamoDBClient({}), required("STATE_TABLE_NAME")),
        tagging: new ResourceGroupsTaggingAPIClient({}),
        s3: new S3Client({}),
        dynamodb: new DynamoDBClient({}),
        rds: new RDSClient({}),
        home: { accountId: required("ACCOUNT_ID"), region: required("AWS_REGION") },
        optIn: { key: required("OPT_IN_TAG_KEY"), value: required("OPT_IN_TAG_VALUE") },
        now: () => new Date(),
    };
    const summary = await runBackfill(deps);
    logger.info("backfill run", { ...summary });
    return summary;
};
