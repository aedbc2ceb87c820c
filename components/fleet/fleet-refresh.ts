import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fleetDiscoveryStatements, type FleetScope } from "../../lambdas/fleet-discovery/role-policy";
import { instanceRefreshStatements } from "../../lambdas/instance-refresh/role-policy";
import { launchTemplateVersionStatements, type LaunchScope } from "../../lambdas/launch-template-version/role-policy";
import { buildFleetRefreshDefinition, type FleetRefreshConfig, fleetRefreshStateMachineStatements } from "../../workflows/fleet-refresh";
import { BundledFunction } from "../compute/bundled-function";
import { StateMachine } from "../compute/state-machine";
import { EventTrigger } from "../events/event-trigger";
import { accountRoot, denyInsecureTransport, type KeyRef, policyDocument, type Statement } from "../../iam/documents";
import { defaultBusArn, imageStatePattern } from "../../imagebuilder/image-events";
import { snsTopicUse } from "../../iam/key-use";
import { type AccountScope, resourceName } from "../../naming/resources";

/** The tag every group and launch template the workflow may change carries (IAM conditions use it). */
export const FLEET_REFRESH_TAG = { key: "lakewarden:fleet-refresh", value: "enabled" } as const;

export interface FleetRefreshArgs {
    scope: AccountScope;
    organizationId: string;
    /** Encrypts the functions, logs, topic and state machine data (states, lambda, sns, logs must be able to use it). */
    key: KeyRef;
    buildAccountId: string;
    /** SSM parameter the image distribution writes the AMI id to in this account. */
    imageParameterName: string;
    /** The ECS container-instance role the fleet's launch templates use; the only role the functions may pass. */
    instanceRoleArn: string;
    clusterTags: Record<string, string>;
    waves: FleetRefreshConfig["waves"];
    refresh: FleetRefreshConfig["refresh"];
    polling?: FleetRefreshConfig["polling"];
    /** Largest fleet one run refreshes; discovery refuses a larger one (defaults to MAX_GROUPS_PER_RUN). */
    maxGroupsPerRun?: number;
}

export const DEFAULT_POLLING = { initialIntervalSeconds: 60, maxIntervalSeconds: 600, backoffRate: 1.5, timeoutSeconds: 21_600 };

/**
 * The fleet-refresh workflow of one account: the three functions, a customer-key notification topic,
 * the state machine (logged and encrypted with the customer key), and the rule that starts it when
 * the build account forwards an AVAILABLE image, with the default-bus policy that accepts only that.
 */
export class FleetRefresh extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly stateMachine: StateMachine;
    readonly stateMachineArn: string;

    constructor(name: string, args: FleetRefreshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:fleet:FleetRefresh", name, {}, opts);
        const { accountId, region, environment } = args.scope;
        const parent = { parent: this };
        const fleetScope: FleetScope = { partition: "aws", region, accountId, refreshTag: { ...FLEET_REFRESH_TAG } };
        const launchScope: LaunchScope = { ...fleetScope, instanceRoleArn: args.instanceRoleArn, imageOwners: [args.buildAccountId, accountId, "amazon"] };
        const tagEnvironment = {
            REFRESH_TAG_KEY: FLEET_REFRESH_TAG.key,
            REFRESH_TAG_VALUE: FLEET_REFRESH_TAG.value,
            ALLOWED_IMAGE_OWNERS: [...new Set([args.buildAccountId, accountId])].join(","),
        };
        const fn = (label: string, entry: string, description: string, statements: Statement[], environment?: Record<string, string>) =>
            new BundledFunction(
                `${name}-${label}`,
                {
                    scope: args.scope,
                    functionName: `fleet-${label}`,
                    description,
                    entry,
                    key: args.key,
                    statements,
                    environment,
                    timeoutSeconds: 300,
                    reservedConcurrency: 5,
                },
                parent,
            );
        const discovery = fn(
            "discovery",
            "lambdas/fleet-discovery/handler.ts",
            "Finds the tagged ECS clusters' Auto Scaling groups and plans the refresh waves",
            fleetDiscoveryStatements(fleetScope, args.imageParameterName),
            { ...tagEnvironment, IMAGE_PARAMETER_NAME: args.imageParameterName },
        );
        const versions = fn(
            "launch-template-version",
            "lambdas/launch-template-version/handler.ts",
            "Creates one launch template version per template with only the image changed",
            launchTemplateVersionStatements(launchScope),
            tagEnvironment,
        );
        const refresh = fn(
            "instance-refresh",
            "lambdas/instance-refresh/handler.ts",
            "Starts, follows and rolls back instance refreshes",
            instanceRefreshStatements(launchScope),
        );

        const topicName = resourceName(environment, "fleet-refresh");
        const topicArn = `arn:aws:sns:${region}:${accountId}:${topicName}`;
        args.key.allow(snsTopicUse(args.scope));
        this.topic = new aws.sns.Topic(name, { name: topicName, kmsMasterKeyId: args.key.arn }, parent);
        const config: FleetRefreshConfig = {
            functions: { discovery: discovery.arn, launchTemplateVersion: versions.arn, instanceRefresh: refresh.arn },
            notificationTopicArn: topicArn,
            selection: { requiredClusterTags: args.clusterTags, requireManagedDraining: true },
            waves: args.waves,
            refresh: args.refresh,
            polling: args.polling ?? DEFAULT_POLLING,
            ...(args.maxGroupsPerRun !== undefined ? { maxGroupsPerRun: args.maxGroupsPerRun } : {}),
        };
        this.stateMachine = new StateMachine(
            name,
            {
                scope: args.scope,
                key: args.key,
                machineName: "fleet-refresh",
                description: "Fleet refresh state machine",
                definition: buildFleetRefreshDefinition(config),
                taskStatements: fleetRefreshStateMachineStatements(config, { partition: "aws", region, accountId, topicKeyAlias: args.key.aliasName }),
                tracing: true,
                dependsOn: [discovery, versions, refresh],
                previousNames: { logGroup: name, role: `${name}-sfn`, policy: `${name}-sfn`, stateMachine: name },
            },
            parent,
        );
        this.stateMachineArn = this.stateMachine.arn;
        new aws.sns.TopicPolicy(
            name,
            {
                arn: this.topic.arn,
                policy: policyDocument([
                    {
                        Sid: "StateMachinePublishes",
                        Effect: "Allow",
                        Principal: { AWS: this.stateMachine.roleArn },
                        Action: ["sns:Publish"],
                        Resource: [topicArn],
                    },
                    denyInsecureTransport(["sns:Publish"], [topicArn]),
                ]),
            },
            // SNS rejects a policy naming a role that does not exist yet.
            { parent: this, dependsOn: [this.stateMachine.role] },
        );
        this.startOnNewImages(name, args);
        this.registerOutputs({ stateMachineArn: this.stateMachineArn, topicArn });
    }

    private startOnNewImages(name: string, args: FleetRefreshArgs): void {
        const { accountId, region } = args.scope;
        const bus = new aws.cloudwatch.EventBusPolicy(
            `${name}-bus`,
            {
                eventBusName: "default",
                policy: policyDocument([
                    {
                        Sid: "AcceptImageEventsFromBuildAccount",
                        Effect: "Allow",
                        Principal: { AWS: accountRoot(args.buildAccountId) },
                        Action: ["events:PutEvents"],
                        Resource: [defaultBusArn(region, accountId)],
                        Condition: { StringEquals: { "aws:PrincipalOrgID": args.organizationId, "events:source": "aws.imagebuilder" } },
                    },
                ]),
            },
            { parent: this },
        );
        new EventTrigger(
            `${name}-on-image`,
            {
                scope: args.scope,
                key: args.key,
                ruleName: "fleet-refresh-on-image",
                starterRoleName: "fleet-refresh-starter",
                description: "A new hardened image is AVAILABLE in the build account",
                eventPattern: JSON.parse(imageStatePattern(args.buildAccountId, ["AVAILABLE"])) as object,
                target: { stateMachine: this.stateMachine },
                retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 86_400 },
                previousNames: { rule: `${name}-on-image`, target: `${name}-on-image`, role: `${name}-starter`, policy: `${name}-starter` },
            },
            { parent: this, dependsOn: [bus] },
        );
    }
}
