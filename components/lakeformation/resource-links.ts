import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../../pulumi/resource-options";
import { resourceLinkName } from "../../plans/grant-plan";

export interface ResourceLinksArgs {
    catalogId: string;
    /** Shared databases: name and the producer account that owns them. */
    targets: { database: string; producerAccountId: string }[];
    /** RAM shares to accept when the accounts are not in one organisation with RAM sharing on. */
    ramShareArns?: string[];
}

/** Resource links (`<database>_shared`) in the consumer catalog to each database a producer shared. */
export class ResourceLinks extends pulumi.ComponentResource {
    readonly links: aws.glue.CatalogDatabase[];

    constructor(name: string, args: ResourceLinksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:lakeformation:ResourceLinks", name, {}, opts);
        const accepters = (args.ramShareArns ?? []).map(
            (shareArn, index) => new aws.ram.ResourceShareAccepter(`${name}-share-${index}`, { shareArn }, { parent: this }),
        );
        this.links = args.targets.map(
            target =>
                new aws.glue.CatalogDatabase(
                    `${name}-${target.database}`,
                    {
                        catalogId: args.catalogId,
                        name: resourceLinkName(target.database),
                        description: `Resource link to ${target.database} in account ${target.producerAccountId}`,
                        targetDatabase: { catalogId: target.producerAccountId, databaseName: target.database },
                    },
                    { parent: this, dependsOn: childDependsOn(opts, ...accepters) },
                ),
        );
        this.registerOutputs({ links: this.links.map(l => l.name) });
    }
}
