/**
 * The scheduled backfill: adds every opted-in store that exists (also those created before discovery was
 * deployed, or whose events were lost) and retires known sources whose store no longer exists.
 */
import { type DynamoDBClient, paginateListTables } from "@aws-sdk/client-dynamodb";
import { paginateDescribeDBClusters, type RDSClient } from "@aws-sdk/client-rds";
import type { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { paginateListBuckets, type S3Client } from "@aws-sdk/client-s3";
import { dynamoDbTableArn, s3BucketArn, type SourceKind, sourceOfArn } from "../discovery-common/source";
import type { StateStore } from "../discovery-common/state";
import { taggedWith } from "../discovery-common/tags";

export interface BackfillDeps {
    state: StateStore;
    tagging: ResourceGroupsTaggingAPIClient;
    s3: S3Client;
    dynamodb: DynamoDBClient;
    rds: RDSClient;
    home: { accountId: string; region: string };
    optIn: { key: string; value: string };
    now: () => Date;
}

export interface BackfillSummary {
    added: number;
    reopened: number;
    known: number;
    retired: number;
}

/** ARNs of every store that exists now, per kind (each listing paginated). */
export async function existingStores(deps: Pick<BackfillDeps, "s3" | "dynamodb" | "rds" | "home">): Promise<Record<SourceKind, Set<string>>> {
    const { accountId, region } = deps.home;
    const s3 = new Set<string>();
    for await (const page of paginateListBuckets({ client: deps.s3 }, { BucketRegion: region })) {
        for (const bucket of page.Buckets ?? []) if (bucket.Name) s3.add(s3BucketArn(bucket.Name));
    }
    const dynamodb = new Set<string>();
    for await (const page of paginateListTables({ client: deps.dynamodb }, {})) {
        for (const table of page.TableNames ?? []) dynamodb.add(dynamoDbTableArn(region, accountId, table));
    }
    const rds = new Set<string>();
    for await (const page of paginateDescribeDBClusters({ client: deps.rds }, {})) {
        for (const cluster of page.DBClusters ?? []) if (cluster.DBClusterArn) rds.add(cluster.DBClusterArn);
    }
    return { s3, dynamodb, rds };
}

export async function runBackfill(deps: BackfillDeps): Promise<BackfillSummary> {
    const summary: BackfillSummary = { added: 0, reopened: 0, known: 0, retired: 0 };
    const time = deps.now().toISOString();
    const existing = await existingStores(deps);
    for await (const { arn } of taggedWith(deps.tagging, deps.optIn.key, deps.optIn.value)) {
        const source = sourceOfArn(arn, deps.home);
        // The Tagging API can still list a store deleted moments ago: only stores that exist are added.
        if (!existing[source.kind].has(arn)) continue;
        const outcome = await deps.state.record(source, time, `backfill:${time}`, { reconsider: true });
        if (outcome === "added") summary.added++;
        else if (outcome === "reopened") summary.reopened++;
        else summary.known++;
    }
    for (const status of ["discovered", "catalogued", "ignored", "blocked"] as const) {
        for await (const source of deps.state.withStatus(status)) {
            if (source.region !== deps.home.region || existing[source.kind].has(source.arn)) continue;
            if ((await deps.state.retire(source.arn, time, "no longer exists (backfill)")) === "retired") summary.retired++;
        }
    }
    return summary;
}
