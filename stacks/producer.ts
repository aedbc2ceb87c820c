import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { zones } from "../config/datasets";
import { investigationRoleName } from "../config/remediation";
import { QuarantineBucketPolicy } from "../iam/quarantine-bucket-policy";
import { DataStoreDiscovery } from "../components/discovery/data-store-discovery";
import { readersByDatabase } from "../plans/readers";
import { CustomerKey } from "../components/kms/customer-key";
import { DataCatalog } from "../components/lakeformation/data-catalog";
import { LakeFormationSettings } from "../components/lakeformation/data-lake-settings";
import { producerFilters, producerGrants } from "../plans/grant-plan";
import { LakeFormationGrants } from "../components/lakeformation/grants";
import { LocationRegistration } from "../components/lakeformation/location-registration";
import type { KeyUse } from "../iam/key-use";
import { type LinkedRole, linkedRole } from "../iam/service-linked-role";
import type { Statement } from "../iam/documents";
import { AmiPipeline, resolveParentImage } from "../components/imagebuilder/ami-pipeline";
import { SecureBucket } from "../components/storage/secure-bucket";
import { ProductionSanitisation } from "../components/sanitisation/production-sanitisation";
import { SanitisedDestination } from "../components/sanitisation/sanitised-destination";
import { ResultsRepository } from "../components/scan-stage/results-repository";
import { ScanStage } from "../components/scan-stage/scan-stage";
import { Later } from "../pulumi/resource-options";
import { accountNamed, accountsWithRole, type Environment, regionOf } from "../config/environment";
import { type AccountScope, imageParameterName } from "../naming/resources";
import { AccountStack, type AccountStackArgs } from "./account";
import { accountProvider } from "./providers";

/** The producer's lower-environment target zone (sanitised copies of production data). */
const LOWER_ENVIRONMENT_ZONE = "lower-env";

/**
 * A producer account: one customer key for the environment's data, a bucket per zone plus the
 * lower-environment target and access logs, the Glue catalog of its datasets, Lake Formation
 * settings and registrations, and the cross-account grants `lakewarden:shares` asks for.
 */
export class ProducerAccount extends AccountStack {
    readonly dataKey: CustomerKey;
    readonly buckets: Record<string, SecureBucket>;
    readonly catalog: DataCatalog;
    readonly grants: LakeFormationGrants;
    /** The hardened-image pipeline, when this is the build account. */
    readonly amiPipeline?: AmiPipeline;
    /** Macie's service-linked role here, when this program creates it (remediation on). */
    readonly macieRole?: pulumi.Resource;

    constructor(args: AccountStackArgs & { macieEnrolment?: pulumi.Resource }, opts?: pulumi.ComponentResourceOptions) {
        super(args, opts);
        const parent = { parent: this };
        const { accountId } = this.scope;
        const { key, logs } = this.keyWithLogBucket("data", "data lake key", ["s3", "glue", "athena"]);
        this.dataKey = key;
        // Macie classifies SSE-KMS objects through its service-linked role of the bucket's account
        // (Macie User Guide, "Analyzing encrypted S3 objects"): without kms:Decrypt every object is unclassifiable.
        const macie = this.env.remediation ? linkedRole(this.child("macie-slr"), this.account, "macie.amazonaws.com", parent) : undefined;
        let macieUse: KeyUse | undefined;
        if (macie) {
            this.macieRole = macie.resource;
            macieUse = {
                sid: "MacieClassifiesObjects",
                principal: { aws: [macie.arn] },
                actions: ["kms:Decrypt"],
                source: "Amazon Macie User Guide, Analyzing encrypted S3 objects (key policy statement for AWSServiceRoleForAmazonMacie)",
                principalResources: macie.resource ? [macie.resource] : [],
            };
            key.allow(macieUse);
        }
        if (this.env.amiPipeline?.buildAccount === this.account.name) {
            this.amiPipeline = amiPipeline(this, this.env, this.scope, this.child("ami"), logs);
        }
        this.buckets = { logs };
        const remediation = this.env.remediation;
        const quarantine = remediation
            ? QuarantineBucketPolicy({
                  environment: this.env.name,
                  accountId,
                  quarantinePrefix: remediation.quarantinePrefix,
                  investigationRoleName: investigationRoleName(this.env.name, remediation),
              })
            : undefined;
        // Sanitised copies from a production environment land in the lower-env bucket, under its own key (lakewarden:sanitisation.source).
        const lakeFormationReady = new Later<pulumi.Resource>();
        const source = this.env.sanitisation?.source;
        const destination =
            source?.producer === this.account.name
                ? new SanitisedDestination(this.child("sanitised"), { scope: this.scope, source }, { parent: this, dependsOn: [lakeFormationReady.promise] })
                : undefined;
        if (destination && macieUse) {
            destination.key.allow(macieUse); // the lower-env bucket is in Macie's scope too
        }
        for (const zone of [...zones, LOWER_ENVIRONMENT_ZONE]) {
            const received = zone === LOWER_ENVIRONMENT_ZONE ? destination : undefined;
            this.buckets[zone] = new SecureBucket(
                this.child(zone),
                {
                    scope: this.scope,
                    purpose: zone,
                    key: received?.key ?? this.dataKey,
                    accessLogBucket: logs.bucket.id,
                    // Data zones are in Macie's scope; findings quarantine under the prefix the policy guards.
                    tags: { RequireMacieScan: "True", BucketOwner: this.env.sensitiveData.bucketOwners[0] },
                    ...(quarantine || received
                        ? { policyStatements: (arn: string) => [...(quarantine?.(arn) ?? []), ...(received?.bucketStatements(arn) ?? [])] }
                        : {}),
                },
                parent,
            );
        }
        const settings = new LakeFormationSettings(
            this.child("lakeformation"),
            { admins: [this.account.deployRoleArn, ...this.account.lakeFormationAdmins] },
            parent,
        );
        lakeFormationReady.resolve(settings);
        const registrations = zones.map(
            zone =>
                new LocationRegistration(
                    this.child("lf", zone),
                    { scope: this.scope, label: zone, bucketName: this.buckets[zone].name, bucketArn: this.buckets[zone].arn, key: this.dataKey },
                    { parent: this, dependsOn: [settings] },
                ),
        );
        this.catalog = new DataCatalog(
            this.child("catalog"),
            {
                catalogId: accountId,
                datasets: this.env.datasets.filter(d => d.producer === this.account.name),
                zoneBuckets: { raw: this.buckets.raw.name, curated: this.buckets.curated.name },
            },
            { parent: this, dependsOn: [settings] },
        );
        this.grants = new LakeFormationGrants(
            this.child("shares"),
            { grants: producerGrants(this.env, this.account.name), filters: producerFilters(this.env, this.account.name) },
            { parent: this, dependsOn: [this.catalog, ...registrations] },
        );
        const discovery = this.env.discovery;
        if (discovery?.producers.includes(this.account.name)) {
            new DataStoreDiscovery(
                this.child("discovery"),
                { scope: this.scope, settings: discovery, accessLogBucket: logs.bucket.id, readers: readersByDatabase(this.env) },
                { parent: this, dependsOn: [settings] },
            );
        }
        // Production side: one pairing per lower environment this producer copies its datasets to.
        for (const target of this.env.sanitisation?.targets.filter(t => t.producer === this.account.name) ?? []) {
            new ProductionSanitisation(
                this.child("sanitise", target.environment),
                {
                    scope: this.scope,
                    target,
                    datasets: target.datasets.map(database => this.env.datasets.filter(d => d.database === database)[0]),
                    dataKey: this.dataKey,
                    accessLogBucket: logs.bucket.id,
                    discoveryOn: discovery?.producers.includes(this.account.name) ?? false,
                    keyRotationDays: target.keyRotationDays,
                },
                { parent: this, dependsOn: [this.catalog, settings] },
            );
        }
        const macieEnabled = this.env.organization.macieAdministrator && macie ? this.acceptMacieInvitation(macie, args.macieEnrolment) : args.macieEnrolment;
        scanStages(this, this.env, this.scope, { logs, dataKey: this.dataKey, macie, scannedPolicy: quarantine, macieEnrolment: macieEnabled });
        this.registerOutputs({
            accountId,
            dataKeyArn: this.dataKey.arn,
            buckets: Object.fromEntries(Object.entries(this.buckets).map(([zone, b]) => [zone, b.name])),
        });
    }

    /**
     * Another stack owns the organisation's Macie delegation (lakewarden:organization.macieAdministrator), so the security
     * account administers this account by invitation: Macie is enabled here by the account itself (it must be, to accept),
     * after its service-linked role, and the invitation of the security account's aws.macie2.Member is accepted.
     */
    private acceptMacieInvitation(role: LinkedRole, invitation: pulumi.Resource | undefined): pulumi.Resource {
        const [security] = accountsWithRole(this.env, "security");
        const account = new aws.macie2.Account(
            this.child("macie"),
            { findingPublishingFrequency: "FIFTEEN_MINUTES", status: "ENABLED" },
            { parent: this, dependsOn: role.resource ? [role.resource] : [] },
        );
        return new aws.macie2.InvitationAccepter(
            this.child("macie"),
            { administratorAccountId: security.id },
            { parent: this, dependsOn: [account, ...(invitation ? [invitation] : [])] },
        );
    }
}

/** The hardened-image pipeline of the build account (env.amiPipeline.buildAccount), wired from the model. */
function amiPipeline(parent: pulumi.ComponentResource, env: Environment, scope: AccountScope, name: string, logs: SecureBucket): AmiPipeline {
    const p = env.amiPipeline;
    if (!p) {
        throw new Error("the build account's stack needs lakewarden:amiPipeline (program error)");
    }
    const build = accountNamed(env, p.buildAccount);
    return new AmiPipeline(
        name,
        {
            scope,
            accessLogBucket: logs.bucket.id,
            parentImage: resolveParentImage(p.parentImageParameter, { parent }),
            schedule: p.schedule,
            hardeningLevel: p.hardeningLevel,
            instanceType: p.instanceType,
            network: p.subnetId && p.securityGroupIds ? { subnetId: p.subnetId, securityGroupIds: p.securityGroupIds } : undefined,
            receivingAccountIds: p.receivingAccounts.map(a => accountNamed(env, a).id),
            regions: p.regions.map(region => ({ region, provider: region === scope.region ? undefined : accountProvider(env, build, region) })),
            dockerBench: p.dockerBench,
            fleetParameters: env.fleets.map(f => {
                const account = accountNamed(env, f.account);
                return { accountId: account.id, region: regionOf(env, account), parameterName: imageParameterName(env.name) };
            }),
            existingServiceLinkedRoles: build.existingServiceLinkedRoles,
        },
        { parent },
    );
}

/**
 * The account's Macie scan stages (lakewarden:scanStage.pipelines of this account): one results repository for
 * the account, then one ScanStage per pipeline; the first stage's API makes the account's API Gateway logging role.
 */
function scanStages(
    parent: ProducerAccount,
    env: Environment,
    scope: AccountScope,
    shared: {
        logs: SecureBucket;
        dataKey: CustomerKey;
        macie?: LinkedRole;
        scannedPolicy?: (bucketArn: string) => Statement[];
        /** The security account's enrolment of this account, which enables Macie here. */
        macieEnrolment?: pulumi.Resource;
    },
): ScanStage[] {
    const pipelines = env.scanStage?.pipelines.filter(p => p.account === parent.account.name) ?? [];
    if (pipelines.length === 0) {
        return [];
    }
    const macie = shared.macie;
    if (!macie) {
        throw new Error("lakewarden:scanStage needs lakewarden:remediation, which enables Macie here (program error: the config check refuses it)");
    }
    const results = new ResultsRepository(
        `${parent.account.name}-scan-results`,
        { scope, key: shared.dataKey, accessLogBucket: shared.logs.bucket.id, macieEnabled: shared.macieEnrolment ? [shared.macieEnrolment] : [] },
        { parent },
    );
    const stages: ScanStage[] = [];
    for (const pipeline of pipelines) {
        stages.push(
            new ScanStage(
                `${parent.account.name}-scan-${pipeline.name}`,
                {
                    scope,
                    pipeline,
                    accessLogBucket: shared.logs.bucket.id,
                    macieRole: macie,
                    results: { bucketName: results.bucket.name, prefix: results.prefix, key: shared.dataKey },
                    bucketOwner: env.sensitiveData.bucketOwners[0],
                    ...(shared.scannedPolicy ? { scannedPolicyStatements: shared.scannedPolicy } : {}),
                    apiLogging: stages[0]?.api.accountLogging ?? "create",
                },
                { parent },
            ),
        );
    }
    return stages;
}
