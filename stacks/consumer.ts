import * as pulumi from "@pulumi/pulumi";
import { ECS_OPTIMISED_AL2023 } from "../config/ami-pipeline";
import { accountNamed } from "../config/environment";
import { CustomerKey } from "../components/kms/customer-key";
import { AthenaWorkgroup } from "../components/analytics/athena-workgroup";
import { EmrRuntimeRoles } from "../components/analytics/emr-runtime-roles";
import { LakeFormationSettings } from "../components/lakeformation/data-lake-settings";
import { consumerGrants, producerOf, resourceLinkName, runtimeRoleName } from "../plans/grant-plan";
import { LakeFormationGrants } from "../components/lakeformation/grants";
import { ResourceLinks } from "../components/lakeformation/resource-links";
import type { AmiPipeline } from "../components/imagebuilder/ami-pipeline";
import { ImageFleet } from "../components/fleet/image-fleet";
import { SecureBucket } from "../components/storage/secure-bucket";
import { imageParameterName, kmsAlias } from "../naming/resources";
import { AccountStack, type AccountStackArgs } from "./account";

export interface ConsumerAccountArgs extends AccountStackArgs {
    /** Producer grants this consumer's links and re-grants depend on (they must exist first). */
    producerGrants: pulumi.Resource[];
    /** The build account's pipeline (fleet accounts name its keys and roles). */
    amiPipeline?: AmiPipeline;
}

/**
 * A consumer account: resource links to the databases shared with it, Lake Formation grants to its
 * own runtime roles as `lakewarden:consumerAccess` says, EMR runtime roles and an Athena workgroup.
 */
export class ConsumerAccount extends AccountStack {
    readonly key: CustomerKey;
    readonly grants: LakeFormationGrants;

    constructor(args: ConsumerAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super(args, opts);
        const parent = { parent: this };
        const { accountId } = this.scope;
        const { key, logs } = this.keyWithLogBucket("analytics", "analytics key", ["s3", "athena", "glue", "elasticmapreduce", "ec2"]);
        this.key = key;
        const results = new SecureBucket(
            this.child("results"),
            {
                scope: this.scope,
                purpose: "query-results",
                key: this.key,
                accessLogBucket: logs.bucket.id,
                noncurrentVersionExpirationDays: 30,
                // EMR pushes cluster logs under emr/ without an SSE header.
                receivesLogs: true,
            },
            parent,
        );
        const settings = new LakeFormationSettings(
            this.child("lakeformation"),
            { admins: [this.account.deployRoleArn, ...this.account.lakeFormationAdmins], emrAccountId: accountId },
            parent,
        );
        const received = [...new Set(this.env.shares.filter(s => s.consumer === this.account.name).map(s => s.database))].sort();
        const links = new ResourceLinks(
            this.child("links"),
            {
                catalogId: accountId,
                targets: received.map(database => ({ database, producerAccountId: producerOf(this.env, database).id })),
                ramShareArns: this.env.organization.ramShareInvitations.filter(i => i.consumer === this.account.name).map(i => i.shareArn),
            },
            { parent: this, dependsOn: [settings, ...args.producerGrants] },
        );
        const access = this.env.consumerAccess.find(c => c.consumer === this.account.name);
        const emr = new EmrRuntimeRoles(
            this.child("emr"),
            {
                scope: this.scope,
                key: this.key,
                logBucketArn: results.arn,
                roles: (access?.roles ?? []).map(role => ({
                    roleName: runtimeRoleName(this.env.name, this.account.name, role.name),
                    description: role.description,
                    databases: [...new Set(role.reads.map(r => r.database))].sort().map(database => ({
                        database,
                        linkName: resourceLinkName(database),
                        producerAccountId: producerOf(this.env, database).id,
                    })),
                })),
            },
            parent,
        );
        this.grants = new LakeFormationGrants(
            this.child("grants"),
            { grants: consumerGrants(this.env, this.account.name) },
            { parent: this, dependsOn: [links, emr, ...args.producerGrants] },
        );
        const fleet = this.env.fleets.find(f => f.account === this.account.name);
        if (fleet) {
            if (!args.amiPipeline) {
                throw new Error(`fleet account ${this.account.name}: the build account's pipeline was not constructed first (program error)`);
            }
            const pipeline = this.env.amiPipeline;
            if (!pipeline) {
                throw new Error("lakewarden:fleets needs lakewarden:amiPipeline (validated at start; this is a program error)");
            }
            new ImageFleet(
                this.child("fleet"),
                {
                    scope: this.scope,
                    organizationId: this.env.organization.id,
                    account: this.account,
                    fleet,
                    pipeline: args.amiPipeline,
                    buildAccountId: accountNamed(this.env, pipeline.buildAccount).id,
                    amiKeyAlias: kmsAlias(this.env.name, "ami"),
                    imageParameterName: imageParameterName(this.env.name),
                    sampleImageParameter: ECS_OPTIMISED_AL2023[pipeline.architecture],
                },
                parent,
            );
        }
        new AthenaWorkgroup(this.child("athena"), { environment: this.env.name, accountId, resultsBucketName: results.name, kmsKeyArn: this.key.arn }, parent);
        this.registerOutputs({ accountId, keyArn: this.key.arn, resultsBucket: results.name, runtimeRoleArns: emr.runtimeRoles.map(r => r.arn) });
    }
}
