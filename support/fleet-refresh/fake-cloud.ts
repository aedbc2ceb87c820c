import {
    ActiveInstanceRefreshNotFoundFault,
    type AutoScalingGroup,
    AutoScalingClient,
    AutoScalingServiceException,
    InstanceRefreshInProgressFault,
    DescribeAutoScalingGroupsCommand,
    type DescribeAutoScalingGroupsCommandInput,
    DescribeInstanceRefreshesCommand,
    type DescribeInstanceRefreshesCommandInput,
    type InstanceRefresh,
    type InstanceRefreshStatus,
    type MixedInstancesPolicy,
    RollbackInstanceRefreshCommand,
    type RollbackInstanceRefreshCommandInput,
    StartInstanceRefreshCommand,
    type StartInstanceRefreshCommandInput,
    UpdateAutoScalingGroupCommand,
    type UpdateAutoScalingGroupCommandInput,
} from "@aws-sdk/client-auto-scaling";
import {
    CreateLaunchTemplateVersionCommand,
    type CreateLaunchTemplateVersionCommandInput,
    DescribeImagesCommand,
    type DescribeImagesCommandInput,
    DescribeLaunchTemplatesCommand,
    type DescribeLaunchTemplatesCommandInput,
    DescribeLaunchTemplateVersionsCommand,
    type DescribeLaunchTemplateVersionsCommandInput,
    EC2Client,
    EC2ServiceException,
} from "@aws-sdk/client-ec2";
import {
    type CapacityProvider,
    DescribeCapacityProvidersCommand,
    type DescribeCapacityProvidersCommandInput,
    DescribeClustersCommand,
    type DescribeClustersCommandInput,
    ECSClient,
    InvalidParameterException,
    ListClustersCommand,
    type ListClustersCommandInput,
} from "@aws-sdk/client-ecs";
import { GetParameterCommand, type GetParameterCommandInput, ParameterNotFound, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";

/**
 * A stateful stand-in for the ECS, Auto Scaling, EC2 and SSM APIs the fleet Lambdas call, installed
 * with aws-sdk-client-mock. It keeps API limits (100 clusters per DescribeClusters, 10 capacity providers
 * a page), pages results, only returns cluster tags when asked for them, refuses writes to untagged
 * resources the way the IAM conditions would, and advances each instance refresh one step per poll.
 */

export const REGION = "eu-west-1";
export const FLEET_ACCOUNT = "222222222222";
export const BUILD_ACCOUNT = "111111111111";
export const REFRESH_TAG = { key: "lakewarden:ami-refresh", value: "enabled" } as const;
export const OLD_IMAGE = "ami-0aaaaaaaaaaaaaaa0";
export const NEW_IMAGE = "ami-0bbbbbbbbbbbbbbb1";
export const IMAGE_PARAMETER = "/lakewarden/ami/ecs-hardened";

type FinalStatus = Extract<InstanceRefreshStatus, "Successful" | "Failed" | "Cancelled" | "RollbackSuccessful" | "RollbackFailed">;

/** How a group's refresh behaves: `polls` in-progress answers before `final`; "Never" stays in progress. */
export interface RefreshScenario {
    polls: number;
    final: FinalStatus | "Never";
}

export interface CloudEvent {
    seq: number;
    atMs: number;
    kind: "refresh-started" | "refresh-ended" | "rollback-requested" | "version-created" | "group-pinned";
    subject: string;
    detail: string;
}

interface Template {
    id: string;
    name: string;
    tags: { Key: string; Value: string }[];
    defaultVersion: number;
    versions: Map<number, { imageId: string; description?: string; instanceType: string }>;
    tokens: Map<string, number>;
}

interface Refresh {
    record: InstanceRefresh;
    scenario: RefreshScenario;
    step: number;
    rollingBack: boolean;
    ended: boolean;
}

/**
 * Errors as the SDK's deserialiser raises them: the modelled exception class where the service
 * models the code, else the client's ServiceException carrying the wire code as its name (EC2 models
 * none of its error codes; Auto Scaling's ValidationError and AccessDenied are unmodelled).
 */
const META = { $metadata: {} };
function unmodelled(Base: typeof AutoScalingServiceException | typeof EC2ServiceException, name: string, message: string): Error {
    return new Base({ name, $fault: "client", message, ...META });
}

function page<T>(items: readonly T[], token: string | undefined, size: number): { items: T[]; next: string | undefined } {
    const start = token === undefined ? 0 : Number(token);
    const end = start + size;
    return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

const ACTIVE: ReadonlySet<string> = new Set(["Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"]);

export class FakeFleetCloud {
    readonly ecs = mockClient(ECSClient);
    readonly autoScaling = mockClient(AutoScalingClient);
    readonly ec2 = mockClient(EC2Client);
    readonly ssm = mockClient(SSMClient);
    readonly events: CloudEvent[] = [];
    /** Largest number of refreshes that were running at the same time. */
    maxActive = 0;

    private readonly clusters = new Map<string, { arn: string; status: string; tags: Record<string, string>; providers: string[] }>();
    private readonly providers = new Map<string, CapacityProvider>();
    private readonly groups = new Map<string, AutoScalingGroup>();
    private readonly templates = new Map<string, Template>();
    private readonly images = new Map<string, { owner: string; state: string }>();
    private readonly refreshes = new Map<string, Refresh[]>();
    private readonly scenarios = new Map<string, RefreshScenario>();
    private readonly active = new Set<string>();
    private imageParameter: string | undefined;
    private seq = 0;
    private refreshIds = 0;
    private readonly startedAt = Date.now();

    constructor(readonly pageSizes: { clusters: number; groups: number } = { clusters: 100, groups: 100 }) {
        this.ecs.on(ListClustersCommand).callsFake((input: ListClustersCommandInput) => this.listClusters(input));
        this.ecs.on(DescribeClustersCommand).callsFake((input: DescribeClustersCommandInput) => this.describeClusters(input));
        this.ecs.on(DescribeCapacityProvidersCommand).callsFake((input: DescribeCapacityProvidersCommandInput) => this.describeProviders(input));
        this.autoScaling.on(DescribeAutoScalingGroupsCommand).callsFake((input: DescribeAutoScalingGroupsCommandInput) => this.describeGroups(input));
        this.autoScaling.on(UpdateAutoScalingGroupCommand).callsFake((input: UpdateAutoScalingGroupCommandInput) => this.updateGroup(input));
        this.autoScaling.on(StartInstanceRefreshCommand).callsFake((input: StartInstanceRefreshCommandInput) => this.startRefresh(input));
        this.autoScaling.on(DescribeInstanceRefreshesCommand).callsFake((input: DescribeInstanceRefreshesCommandInput) => this.describeRefreshes(input));
        this.autoScaling.on(RollbackInstanceRefreshCommand).callsFake((input: RollbackInstanceRefreshCommandInput) => this.rollback(input));
        this.ec2.on(DescribeImagesCommand).callsFake((input: DescribeImagesCommandInput) => this.describeImages(input));
        this.ec2.on(DescribeLaunchTemplatesCommand).callsFake((input: DescribeLaunchTemplatesCommandInput) => this.describeTemplates(input));
        this.ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input: DescribeLaunchTemplateVersionsCommandInput) => this.describeVersions(input));
        this.ec2.on(CreateLaunchTemplateVersionCommand).callsFake((input: CreateLaunchTemplateVersionCommandInput) => this.createVersion(input));
        this.ssm.on(GetParameterCommand).callsFake((input: GetParameterCommandInput) => this.getParameter(input));
    }

    restore(): void {
        for (const stub of [this.ecs, this.autoScaling, this.ec2, this.ssm]) stub.restore();
    }

    // --- building the fleet ---

    addImage(imageId: string, owner: string, state = "available"): this {
        this.images.set(imageId, { owner, state });
        return this;
    }

    setImageParameter(imageId: string): this {
        this.imageParameter = imageId;
        return this;
    }

    addLaunchTemplate(id: string, options: { versions?: number; defaultVersion?: number; tagged?: boolean; imageId?: string } = {}): this {
        const count = options.versions ?? 1;
        const versions = new Map<number, { imageId: string; instanceType: string }>();
        for (let v = 1; v <= count; v++) versions.set(v, { imageId: options.imageId ?? OLD_IMAGE, instanceType: `m7i.${v}xlarge` });
        this.templates.set(id, {
            id,
            name: `tmpl-${id}`,
            tags: options.tagged === false ? [] : [{ Key: REFRESH_TAG.key, Value: REFRESH_TAG.value }],
            defaultVersion: options.defaultVersion ?? 1,
            versions,
            tokens: new Map(),
        });
        return this;
    }

    addGroup(name: string, options: { launchTemplateId: string; version?: string; tagged?: boolean; mixed?: boolean; launchConfiguration?: boolean }): this {
        const spec = { LaunchTemplateId: options.launchTemplateId, LaunchTemplateName: `tmpl-${options.launchTemplateId}`, Version: options.version ?? "1" };
        const mixed: MixedInstancesPolicy = {
            LaunchTemplate: { LaunchTemplateSpecification: spec, Overrides: [{ InstanceType: "m7i.large" }, { InstanceType: "m6i.large" }] },
            InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 50 },
        };
        this.groups.set(name, {
            AutoScalingGroupName: name,
            AutoScalingGroupARN: `arn:aws:autoscaling:${REGION}:${FLEET_ACCOUNT}:autoScalingGroup:0000-${name}:autoScalingGroupName/${name}`,
            MinSize: 1,
            MaxSize: 6,
            DesiredCapacity: 3,
            DefaultCooldown: 300,
            AvailabilityZones: [`${REGION}a`],
            HealthCheckType: "EC2",
            CreatedTime: new Date(0),
            ...(options.launchConfiguration
                ? { LaunchConfigurationName: `lc-${name}` }
                : options.mixed
                  ? { MixedInstancesPolicy: mixed }
                  : { LaunchTemplate: spec }),
            Tags: options.tagged === false ? [] : [{ Key: REFRESH_TAG.key, Value: REFRESH_TAG.value, ResourceId: name, ResourceType: "auto-scaling-group" }],
        });
        return this;
    }

    addProvider(name: string, options: { group?: string; managedScaling?: boolean; managedDraining?: boolean; arnStyle?: "arn" | "name" } = {}): this {
        const group = options.group === undefined ? undefined : this.groups.get(options.group);
        const reference = group === undefined ? undefined : options.arnStyle === "name" ? group.AutoScalingGroupName : group.AutoScalingGroupARN;
        this.providers.set(name, {
            name,
            capacityProviderArn: `arn:aws:ecs:${REGION}:${FLEET_ACCOUNT}:capacity-provider/${name}`,
            status: "ACTIVE",
            ...(reference === undefined
                ? {}
                : {
                      autoScalingGroupProvider: {
                          autoScalingGroupArn: reference,
                          managedScaling: { status: options.managedScaling === false ? "DISABLED" : "ENABLED", targetCapacity: 100 },
                          managedTerminationProtection: options.managedScaling === false ? "DISABLED" : "ENABLED",
                          managedDraining: options.managedDraining === false ? "DISABLED" : "ENABLED",
                      },
                  }),
        });
        return this;
    }

    addCluster(name: string, options: { tags: Record<string, string>; providers: string[]; status?: string }): this {
        this.clusters.set(name, {
            arn: `arn:aws:ecs:${REGION}:${FLEET_ACCOUNT}:cluster/${name}`,
            status: options.status ?? "ACTIVE",
            tags: options.tags,
            providers: options.providers,
        });
        return this;
    }

    /** One cluster with `groups` tagged groups, each behind its own capacity provider and launch template. */
    addStandardCluster(name: string, tags: Record<string, string>, groups: number): this {
        const providers: string[] = [];
        for (let i = 1; i <= groups; i++) {
            const suffix = `${name}-${String(i).padStart(2, "0")}`;
            const templateId = `lt-${(this.templates.size + 1).toString(16).padStart(17, "0")}`;
            this.addLaunchTemplate(templateId)
                .addGroup(`asg-${suffix}`, { launchTemplateId: templateId })
                .addProvider(`cp-${suffix}`, { group: `asg-${suffix}` });
            providers.push(`cp-${suffix}`);
        }
        return this.addCluster(name, { tags, providers: [...providers, "FARGATE"] });
    }

    scenario(groupName: string, scenario: RefreshScenario): this {
        this.scenarios.set(groupName, scenario);
        return this;
    }

    // --- reading the outcome ---

    group(name: string): AutoScalingGroup {
        const group = this.groups.get(name);
        if (group === undefined) throw new Error(`no group ${name}`);
        return group;
    }

    templateVersions(id: string): { version: number; imageId: string; description?: string }[] {
        const template = this.templates.get(id);
        return template === undefined ? [] : [...template.versions.entries()].map(([version, data]) => ({ version, ...data }));
    }

    /** IAM action names of every API call the fake answered, e.g. "ecs:DescribeClusters". */
    actionsCalled(): Set<string> {
        const prefixes: [string, { calls(): { args: unknown[] }[] }][] = [
            ["ecs", this.ecs],
            ["autoscaling", this.autoScaling],
            ["ec2", this.ec2],
            ["ssm", this.ssm],
        ];
        return new Set(
            prefixes.flatMap(([prefix, stub]) => stub.calls().map(call => `${prefix}:${(call.args[0] as object).constructor.name.replace(/Command$/, "")}`)),
        );
    }

    refreshesOf(groupName: string): InstanceRefresh[] {
        return (this.refreshes.get(groupName) ?? []).map(r => r.record);
    }

    private note(kind: CloudEvent["kind"], subject: string, detail = ""): void {
        this.events.push({ seq: ++this.seq, atMs: Date.now() - this.startedAt, kind, subject, detail });
    }

    // --- ECS ---

    private listClusters(input: ListClustersCommandInput) {
        const arns = [...this.clusters.values()].map(c => c.arn);
        const { items, next } = page(arns, input.nextToken, Math.min(input.maxResults ?? 100, this.pageSizes.clusters));
        return { clusterArns: items, nextToken: next };
    }

    private describeClusters(input: DescribeClustersCommandInput) {
        const wanted = input.clusters ?? [];
        if (wanted.length > 100) throw new InvalidParameterException({ message: "clusters can have at most 100 items", ...META });
        const withTags = input.include?.includes("TAGS") ?? false;
        const clusters = [];
        const failures = [];
        for (const arn of wanted) {
            const cluster = [...this.clusters.entries()].find(([name, c]) => c.arn === arn || name === arn);
            if (cluster === undefined) {
                failures.push({ arn, reason: "MISSING" });
                continue;
            }
            const [name, c] = cluster;
            clusters.push({
                clusterArn: c.arn,
                clusterName: name,
                status: c.status,
                capacityProviders: c.providers,
                ...(withTags ? { tags: Object.entries(c.tags).map(([key, value]) => ({ key, value })) } : {}),
            });
        }
        return { clusters, failures };
    }

    private describeProviders(input: DescribeCapacityProvidersCommandInput) {
        const names = input.capacityProviders ?? [];
        if (names.length > 100) throw new InvalidParameterException({ message: "capacityProviders can have at most 100 items", ...META });
        const found = names.map(n => this.providers.get(n)).filter((p): p is CapacityProvider => p !== undefined);
        const { items, next } = page(found, input.nextToken, Math.min(input.maxResults ?? 10, 10));
        return { capacityProviders: items, nextToken: next, failures: names.filter(n => !this.providers.has(n)).map(arn => ({ arn, reason: "MISSING" })) };
    }

    // --- Auto Scaling ---

    private describeGroups(input: DescribeAutoScalingGroupsCommandInput) {
        const names = input.AutoScalingGroupNames ?? [...this.groups.keys()];
        const found = names.map(n => this.groups.get(n)).filter((g): g is AutoScalingGroup => g !== undefined);
        const { items, next } = page(found, input.NextToken, Math.min(input.MaxRecords ?? 50, this.pageSizes.groups));
        return { AutoScalingGroups: items.map(g => structuredClone(g)), NextToken: next };
    }

    private requireTaggedGroup(name: string | undefined): AutoScalingGroup {
        const group = name === undefined ? undefined : this.groups.get(name);
        if (group === undefined) throw unmodelled(AutoScalingServiceException, "ValidationError", `AutoScalingGroup name not found - ${name}`);
        if (!(group.Tags ?? []).some(t => t.Key === REFRESH_TAG.key && t.Value === REFRESH_TAG.value)) {
            throw unmodelled(AutoScalingServiceException, "AccessDenied", `not authorized to change untagged group ${name}`);
        }
        return group;
    }

    private applyLaunchSettings(
        group: AutoScalingGroup,
        settings: { LaunchTemplate?: AutoScalingGroup["LaunchTemplate"]; MixedInstancesPolicy?: MixedInstancesPolicy },
    ): void {
        if (settings.LaunchTemplate !== undefined) group.LaunchTemplate = structuredClone(settings.LaunchTemplate);
        if (settings.MixedInstancesPolicy !== undefined) group.MixedInstancesPolicy = structuredClone(settings.MixedInstancesPolicy);
    }

    private updateGroup(input: UpdateAutoScalingGroupCommandInput) {
        const group = this.requireTaggedGroup(input.AutoScalingGroupName);
        this.applyLaunchSettings(group, input);
        const spec = input.LaunchTemplate ?? input.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
        this.note("group-pinned", input.AutoScalingGroupName ?? "", `${spec?.LaunchTemplateId}:${spec?.Version}`);
        return {};
    }

    private startRefresh(input: StartInstanceRefreshCommandInput) {
        const group = this.requireTaggedGroup(input.AutoScalingGroupName);
        const name = group.AutoScalingGroupName ?? "";
        const spec = group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
        if (input.Preferences?.AutoRollback && (spec?.Version === "$Latest" || spec?.Version === "$Default")) {
            throw unmodelled(AutoScalingServiceException, "ValidationError", "AutoRollback is not supported for a group on $Latest or $Default");
        }
        if ((this.refreshes.get(name) ?? []).some(r => ACTIVE.has(r.record.Status ?? ""))) {
            throw new InstanceRefreshInProgressFault({ message: `an instance refresh is already in progress for ${name}`, ...META });
        }
        const id = `ir-${String(++this.refreshIds).padStart(4, "0")}-${name}`;
        const refresh: Refresh = {
            record: {
                InstanceRefreshId: id,
                AutoScalingGroupName: name,
                Status: "Pending",
                PercentageComplete: 0,
                DesiredConfiguration: structuredClone(input.DesiredConfiguration),
                Preferences: structuredClone(input.Preferences),
            },
            scenario: this.scenarios.get(name) ?? { polls: 2, final: "Successful" },
            step: 0,
            rollingBack: false,
            ended: false,
        };
        this.refreshes.set(name, [...(this.refreshes.get(name) ?? []), refresh]);
        this.active.add(name);
        this.maxActive = Math.max(this.maxActive, this.active.size);
        this.note("refresh-started", name, id);
        return { InstanceRefreshId: id };
    }

    private advance(refresh: Refresh): void {
        if (refresh.ended) return;
        refresh.step += 1;
        const { polls, final } = refresh.scenario;
        let status: InstanceRefreshStatus;
        if (refresh.rollingBack) status = "RollbackSuccessful";
        else if (final === "Never" || refresh.step <= polls) status = "InProgress";
        else if (final === "RollbackSuccessful" || final === "RollbackFailed") status = refresh.step === polls + 1 ? "RollbackInProgress" : final;
        else status = final;
        refresh.record.Status = status;
        refresh.record.PercentageComplete = status === "Successful" ? 100 : Math.min(99, Math.round((100 * refresh.step) / (polls + 1)));
        refresh.record.StatusReason =
            status === "Failed" ? "Instance failed to launch" : status.startsWith("Rollback") ? "Alarm lakewarden-fleet-5xx in ALARM" : "";
        if (!ACTIVE.has(status)) {
            refresh.ended = true;
            this.active.delete(refresh.record.AutoScalingGroupName ?? "");
            if (status === "Successful")
                this.applyLaunchSettings(this.group(refresh.record.AutoScalingGroupName ?? ""), refresh.record.DesiredConfiguration ?? {});
            this.note("refresh-ended", refresh.record.AutoScalingGroupName ?? "", status);
        }
    }

    private describeRefreshes(input: DescribeInstanceRefreshesCommandInput) {
        const all = this.refreshes.get(input.AutoScalingGroupName ?? "") ?? [];
        const ids = input.InstanceRefreshIds;
        if (ids === undefined) return { InstanceRefreshes: [...all].reverse().map(r => structuredClone(r.record)) };
        const wanted = all.filter(r => ids.includes(r.record.InstanceRefreshId ?? ""));
        // Polling a refresh by id is what moves simulated time forward for it.
        for (const refresh of wanted) this.advance(refresh);
        return { InstanceRefreshes: wanted.map(r => structuredClone(r.record)) };
    }

    private rollback(input: RollbackInstanceRefreshCommandInput) {
        const running = (this.refreshes.get(input.AutoScalingGroupName ?? "") ?? []).find(r => ACTIVE.has(r.record.Status ?? ""));
        if (running === undefined) throw new ActiveInstanceRefreshNotFoundFault({ message: "no active instance refresh", ...META });
        this.requireTaggedGroup(input.AutoScalingGroupName);
        running.rollingBack = true;
        running.record.Status = "RollbackInProgress";
        this.note("rollback-requested", input.AutoScalingGroupName ?? "", running.record.InstanceRefreshId ?? "");
        return { InstanceRefreshId: running.record.InstanceRefreshId };
    }

    // --- EC2 and SSM ---

    private describeImages(input: DescribeImagesCommandInput) {
        const images = (input.ImageIds ?? []).map(id => {
            const image = this.images.get(id);
            if (image === undefined) throw unmodelled(EC2ServiceException, "InvalidAMIID.NotFound", `The image id '[${id}]' does not exist`);
            return { ImageId: id, OwnerId: image.owner, State: image.state };
        });
        return { Images: images };
    }

    private describeTemplates(input: DescribeLaunchTemplatesCommandInput) {
        const templates = (input.LaunchTemplateIds ?? []).map(id => {
            const template = this.templates.get(id);
            if (template === undefined)
                throw unmodelled(
                    EC2ServiceException,
                    "InvalidLaunchTemplateId.NotFound",
                    `The specified launch template, with template ID ${id}, does not exist.`,
                );
            return {
                LaunchTemplateId: id,
                LaunchTemplateName: template.name,
                DefaultVersionNumber: template.defaultVersion,
                LatestVersionNumber: Math.max(...template.versions.keys()),
                Tags: template.tags,
            };
        });
        return { LaunchTemplates: templates };
    }

    private describeVersions(input: DescribeLaunchTemplateVersionsCommandInput) {
        const template = this.templates.get(input.LaunchTemplateId ?? "");
        if (template === undefined) throw unmodelled(EC2ServiceException, "InvalidLaunchTemplateId.NotFound", `no template ${input.LaunchTemplateId}`);
        const imageFilter = input.Filters?.find(f => f.Name === "image-id")?.Values ?? [];
        const wanted = input.Versions ?? [];
        const versions = [...template.versions.entries()]
            .filter(([version]) => wanted.length === 0 || wanted.includes(String(version)))
            .filter(([, data]) => imageFilter.length === 0 || imageFilter.includes(data.imageId))
            .map(([version, data]) => ({
                LaunchTemplateId: template.id,
                VersionNumber: version,
                VersionDescription: data.description,
                DefaultVersion: version === template.defaultVersion,
                LaunchTemplateData: { ImageId: data.imageId, InstanceType: data.instanceType },
            }));
        return { LaunchTemplateVersions: versions };
    }

    private createVersion(input: CreateLaunchTemplateVersionCommandInput) {
        const template = this.templates.get(input.LaunchTemplateId ?? "");
        if (template === undefined) throw unmodelled(EC2ServiceException, "InvalidLaunchTemplateId.NotFound", `no template ${input.LaunchTemplateId}`);
        if (!template.tags.some(t => t.Key === REFRESH_TAG.key && t.Value === REFRESH_TAG.value)) {
            throw unmodelled(EC2ServiceException, "UnauthorizedOperation", `not authorized to change untagged template ${template.id}`);
        }
        const earlier = input.ClientToken === undefined ? undefined : template.tokens.get(input.ClientToken);
        if (earlier !== undefined) return { LaunchTemplateVersion: { LaunchTemplateId: template.id, VersionNumber: earlier } };
        const source = template.versions.get(Number(input.SourceVersion));
        if (source === undefined) throw unmodelled(EC2ServiceException, "InvalidLaunchTemplateVersion.NotFound", `no version ${input.SourceVersion}`);
        const version = Math.max(...template.versions.keys()) + 1;
        template.versions.set(version, {
            ...source,
            imageId: input.LaunchTemplateData?.ImageId ?? source.imageId,
            ...(input.VersionDescription !== undefined ? { description: input.VersionDescription } : {}),
        });
        if (input.ClientToken !== undefined) template.tokens.set(input.ClientToken, version);
        this.note("version-created", template.id, `v${version} from v${input.SourceVersion}`);
        return { LaunchTemplateVersion: { LaunchTemplateId: template.id, VersionNumber: version } };
    }

    private getParameter(input: GetParameterCommandInput) {
        if (input.Name !== IMAGE_PARAMETER || this.imageParameter === undefined)
            throw new ParameterNotFound({ message: `no parameter ${input.Name}`, ...META });
        return { Parameter: { Name: input.Name, Type: "String", DataType: "aws:ec2:image", Value: this.imageParameter } };
    }
}
