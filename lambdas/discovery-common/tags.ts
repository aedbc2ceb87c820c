/** Tags of sources through the Resource Groups Tagging API (one call per 100 ARNs, paginated). */
import { paginateGetResources, type ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";

/** GetResources accepts at most 100 ARNs in ResourceARNList (Tagging API reference). */
const ARNS_PER_CALL = 100;

/** Resource type filters of the stores discovery handles ("service[:resourceType]"). */
export const SOURCE_RESOURCE_TYPES = ["s3", "dynamodb:table", "rds:cluster"];

export type Tags = Record<string, string>;

export async function tagsOf(client: ResourceGroupsTaggingAPIClient, arns: string[]): Promise<Map<string, Tags>> {
    const result = new Map<string, Tags>(arns.map((arn) => [arn, {}]));
    for (let i = 0; i < arns.length; i += ARNS_PER_CALL) {
        const pages = paginateGetResources({ client }, { ResourceARNList: arns.slice(i, i + ARNS_PER_CALL) });
        for await (const page of pages) {
            for (const mapping of page.ResourceTagMappingList ?? []) {
                if (mapping.ResourceARN) result.set(mapping.ResourceARN, Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key!, t.Value ?? ""])));
            }
        }
    }
    return result;
}

/** Every store of the handled kinds that carries `key=value`, page by page. */
export async function* taggedWith(client: ResourceGroupsTaggingAPIClient, key: string, value: string): AsyncGenerator<{ arn: string; tags: Tags }> {
    const pages = paginateGetResources({ client }, { TagFilters: [{ Key: key, Values: [value] }], ResourceTypeFilters: SOURCE_RESOURCE_TYPES });
    for await (const page of pages) {
        for (const mapping of page.ResourceTagMappingList ?? []) {
            if (mapping.ResourceARN) yield { arn: mapping.ResourceARN, tags: Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key!, t.Value ?? ""])) };
        }
    }
}
