import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fleetDiscoveryStatements, type FleetScope } from "../../lambdas/fleet-discovery/role-policy";
import { instanceRefreshStatements } from "../../lambdas/instance-refresh/role-policy";
import { launchTemplateVersionStatements, type LaunchScope } from "../../lambdas/launch-template-version/role-policy";
import { buildFleetRefreshDefinition, type FleetRefreshConfig, fleetRefreshStateMachineStatements } from "../../workflows/fleet-refresh";
import { BundledFunction } from "../compute/bundled-function";
import { stateMachinePlatformStatements } from "../compute/state-machine-platform";
import { accountRoot, type KeyRef, policyDocument, roleArnOf, serviceTrust, type Statement } from "../iam/documents";
import { defaultBusArn, imageStatePattern } from "../imagebuilder/image-events";
import { type AccountScope, resourceName } from "../naming";

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
}

const DEFAULT_POLLING = { initialIntervalSeconds: 60, maxIntervalSeconds: 600, backoffRate: 1.5, timeoutSeconds: 21_600 };

/**
 * The fleet-refresh workflow of one account: the three functions, a customer-key notification topic,
 * the state machine (logged and encrypted with the customer key), and the rule that starts it when
 * the build account forwards an AVAILABLE image, with the default-bus policy that accepts only that.
 */
export class FleetRefresh extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly stateMachine: aws.sfn.StateMachine;
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
                { scope: args.scope, functionName: `fleet-${label}`, description, entry, key: args.key, statements, environment, timeoutSeconds: 300, reservedConcurrency: 5 },
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
        const refresh = fn("instance-refresh", "lambdas/instance-refresh/handler.ts", "Starts, follows and rolls back instance refreshes", instanceRefreshStatements(launchScope));

        const topicName = resourceName(environment, "fleet-refresh");
        const topicArn = `arn:aws:sns:${region}:${accountId}:${topicName}`;
        this.topic = new aws.sns.Topic(name, { name: topicName, kmsMasterKeyId: args.key.arn }, parent);
        const machineName = resourceName(environment, "fleet-refresh");
        this.stateMachineArn = `arn:aws:states:${region}:${accountId}:stateMachine:${machineName}`;
        const machineRoleName = resourceName(environment, "fleet-refresh-sfn");
        new aws.sns.TopicPolicy(
            name,
            {
                arn: this.topic.arn,
                policy: policyDocument([
                    {
                        Sid: "StateMachinePublishes",
                        Effect: "Allow",
                        Principal: { AWS: roleArnOf(accountId, machineRoleName) },
                        Action: ["sns:Publish"],
                        Resource: [topicArn],
                    },
                    { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: ["sns:Publish"], Resource: [topicArn], Condition: { Bool: { "aws:SecureTransport": false } } },
                ]),
            },
            parent,
        );

        const config: FleetRefreshConfig = {
            functions: { discovery: discovery.arn, launchTemplateVersion: versions.arn, instanceRefresh: refresh.arn },
            notificationTopicArn: topicArn,
            selection: { requiredClusterTags: args.clusterTags, requireManagedDraining: true },
            waves: args.waves,
            refresh: args.refresh,
            polling: args.polling ?? DEFAULT_POLLING,
        };
        const logGroupName = `/lakewarden/states/${machineName}`;
        const logGroup = new aws.cloudwatch.LogGroup(name, { name: logGroupName, retentionInDays: 365, kmsKeyId: args.key.arn }, parent);
        const machineRole = new aws.iam.Role(
            `${name}-sfn`,
            { name: machineRoleName, description: "Fleet refresh state machine", assumeRolePolicy: serviceTrust("states.amazonaws.com", accountId, this.stateMachineArn) },
            parent,
        );
        const machinePolicy = new aws.iam.RolePolicy(
            `${name}-sfn`,
            {
                role: machineRole.name,
                policy: policyDocument([
                    ...(fleetRefreshStateMachineStatements(config, { partition: "aws", region, accountId, topicKeyAlias: args.key.aliasName }) as Statement[]),
                    ...stateMachinePlatformStatements(args.scope, args.key, this.stateMachineArn),
                    { Sid: "Trace", Effect: "Allow", Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], Resource: ["*"] },
                ]),
            },
            parent,
        );
        this.stateMachine = new aws.sfn.StateMachine(
            name,
            {
                name: machineName,
                type: "STANDARD",
                roleArn: roleArnOf(accountId, machineRoleName),
                definition: JSON.stringify(buildFleetRefreshDefinition(config)),
                loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: pulumi.interpolate`${logGroup.arn}:*` },
                encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: args.key.arn, kmsDataKeyReusePeriodSeconds: 300 },
                tracingConfiguration: { enabled: true },
            },
            { parent: this, dependsOn: [machinePolicy, discovery, versions, refresh] },
        );
        this.startOnNewImages(name, args);
        this.registerOutputs({ stateMachineArn: this.stateMachineArn, topicArn });
    }

    private startOnNewImages(name: string, args: FleetRefreshArgs): void {
        const { accountId, region, environment } = args.scope;
        const parent = { parent: this };
        const ruleName = resourceName(environment, "fleet-refresh-on-image");
        const roleName = resourceName(environment, "fleet-refresh-starter");
        new aws.cloudwatch.EventBusPolicy(
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
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-starter`,
            {
                name: roleName,
                description: "Lets EventBridge start the fleet refresh for a new image",
                assumeRolePolicy: serviceTrust("events.amazonaws.com", accountId, `arn:aws:events:${region}:${accountId}:rule/${ruleName}`),
            },
            parent,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-starter`,
            { role: role.name, policy: policyDocument([{ Sid: "StartFleetRefresh", Effect: "Allow", Action: ["states:StartExecution"], Resource: [this.stateMachineArn] }]) },
            parent,
        );
        const rule = new aws.cloudwatch.EventRule(
            `${name}-on-image`,
            { name: ruleName, description: "A new hardened image is AVAILABLE in the build account", eventPattern: imageStatePattern(args.buildAccountId, ["AVAILABLE"]) },
            parent,
        );
        new aws.cloudwatch.EventTarget(
            `${name}-on-image`,
            { rule: rule.name, arn: this.stateMachine.arn, roleArn: roleArnOf(accountId, roleName), retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 86_400 } },
            { parent: this, dependsOn: [policy] },
        );
    }
}
