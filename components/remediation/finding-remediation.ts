/**
 * Macie finding remediation in the security account: the tracking table, the five Lambdas with
 * least-privilege roles, the webhook secret, the quarantine and release state machines, the
 * EventBridge rules that start them (Macie findings) or notify (tag compliance changes), and
 * the IAM-authorised release API.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Remediation } from "../../config/remediation";
import { buildQuarantineDefinition } from "../../workflows/quarantine";
import { buildReleaseDefinition } from "../../workflows/release";
import { TRACKING_TABLE_KEY_SCHEMA } from "../../workflows/tracking";
import { BundledFunction } from "../compute/bundled-function";
import { StateMachine } from "../compute/state-machine";
import { EventTrigger } from "../events/event-trigger";
import { type KeyRef, keyUseStatement, roleArnOf, type Statement } from "../../iam/documents";
import { dynamoDbTableUse } from "../../iam/key-use";
import { type AccountScope, resourceName } from "../../naming/resources";
import { memberRoleName, type MemberWorkflow, type RemediationFunction, stateMachineArn, trackingTableName } from "../../naming/remediation";
import { webhookNotifier } from "../notify/webhook-notifier";
import { ReleaseApi } from "./release-api";

export interface FindingRemediationArgs {
    scope: AccountScope;
    /** The security key (its policy lets dynamodb, secretsmanager, states, lambda and logs use it). */
    key: KeyRef;
    settings: Remediation;
    /** Accounts whose buckets may be remediated: each holds the quarantine and release roles. */
    memberAccountIds: string[];
    /** The security account's organisation bus, which receives the members' Config compliance changes. */
    securityBusName: pulumi.Input<string>;
    securityBusArn: string;
}

export const MACIE_FINDING_PATTERN = { source: ["aws.macie"], "detail-type": ["Macie Finding"] };
const TAG_COMPLIANCE_PATTERN = { source: ["aws.config"], "detail-type": ["Config Rules Compliance Change"] };

/** What the notifier receives for a Config compliance change (EventBridge input transformer). */
export const TAG_COMPLIANCE_INPUT = {
    paths: {
        account: "$.account",
        region: "$.region",
        time: "$.time",
        rule: "$.detail.configRuleName",
        resourceType: "$.detail.resourceType",
        resourceId: "$.detail.resourceId",
        compliance: "$.detail.newEvaluationResult.complianceType",
    },
    template:
        '{"kind":"TAG_COMPLIANCE","accountId":<account>,"region":<region>,"time":<time>,"configRuleName":<rule>,' +
        '"resourceType":<resourceType>,"resourceId":<resourceId>,"complianceType":<compliance>}',
};

function assumeMemberRoleStatement(sid: string, roleName: string, memberAccountIds: string[]): Statement {
    return { Sid: sid, Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [...memberAccountIds].sort().map(id => roleArnOf(id, roleName)) };
}

export class FindingRemediation extends pulumi.ComponentResource {
    readonly table: aws.dynamodb.Table;
    readonly webhookSecret: aws.secretsmanager.Secret;
    readonly functions: Record<RemediationFunction, BundledFunction>;
    readonly quarantine: StateMachine;
    readonly release: StateMachine;
    readonly api: ReleaseApi;

    constructor(name: string, args: FindingRemediationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:remediation:FindingRemediation", name, {}, opts);
        if (args.memberAccountIds.length === 0) {
            throw new Error(`FindingRemediation ${name}: no member accounts, nothing could be remediated`);
        }
        const parent = { parent: this };
        const { scope, key, settings } = args;
        const { accountId, region, environment } = scope;
        const tableName = trackingTableName(environment);
        const tableArn = `arn:aws:dynamodb:${region}:${accountId}:table/${tableName}`;
        key.allow(dynamoDbTableUse(scope));
        this.table = new aws.dynamodb.Table(
            name,
            {
                name: tableName,
                billingMode: "PAY_PER_REQUEST",
                hashKey: TRACKING_TABLE_KEY_SCHEMA.hashKey,
                rangeKey: TRACKING_TABLE_KEY_SCHEMA.rangeKey,
                attributes: TRACKING_TABLE_KEY_SCHEMA.attributes.map(a => ({ ...a })),
                serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
                pointInTimeRecovery: { enabled: true },
                deletionProtectionEnabled: true,
            },
            { parent: this, protect: true },
        );
        const fn = (functionName: RemediationFunction, description: string, extra: Partial<ConstructorParameters<typeof BundledFunction>[1]>) =>
            new BundledFunction(
                `${name}-${functionName}`,
                {
                    scope,
                    key,
                    functionName,
                    description,
                    entry: `lambdas/${functionName}/handler.ts`,
                    statements: [],
                    ...extra,
                },
                parent,
            );
        const transfer = { timeoutSeconds: 900, memoryMb: 1024 };
        const decision = fn("macie-decision", "Decides on a Macie finding from the configured rules (no AWS calls)", { timeoutSeconds: 10 });
        const quarantineObject = fn("quarantine-object", "Copies, verifies and deletes a flagged object version through the member quarantine role", {
            ...transfer,
            environment: { QUARANTINE_ROLE_NAME: memberRoleName(environment, "quarantine") },
            statements: [assumeMemberRoleStatement("AssumeMemberQuarantineRoles", memberRoleName(environment, "quarantine"), args.memberAccountIds)],
        });
        const releaseObject = fn("release-object", "Restores, verifies and removes a quarantine copy through the member release role", {
            ...transfer,
            environment: { RELEASE_ROLE_NAME: memberRoleName(environment, "release") },
            statements: [assumeMemberRoleStatement("AssumeMemberReleaseRoles", memberRoleName(environment, "release"), args.memberAccountIds)],
        });
        const releaseMachineArn = stateMachineArn(scope, "release");
        const releaseApiFn = fn("release-api", "POST /releases: checks the releaser and starts the release workflow", {
            timeoutSeconds: 10,
            environment: { RELEASE_STATE_MACHINE_ARN: releaseMachineArn, RELEASER_ROLE_ARNS: [...settings.releaserRoleArns].sort().join(",") },
            statements: [
                { Sid: "StartRelease", Effect: "Allow", Action: ["states:StartExecution"], Resource: [releaseMachineArn] },
                {
                    Sid: "ReadReleaseExecutions",
                    Effect: "Allow",
                    Action: ["states:DescribeExecution"],
                    Resource: [`arn:aws:states:${region}:${accountId}:execution:${resourceName(environment, "release")}:*`],
                },
            ],
        });
        this.api = new ReleaseApi(`${name}-api`, { scope, key, handler: releaseApiFn, callerRoleArns: settings.releaserRoleArns }, parent);
        // The URL is set out of band (README), so it never passes through Pulumi state.
        const notifier = webhookNotifier(
            {
                scope,
                key,
                kind: settings.notification.kind,
                webhookSecretName: settings.notification.webhookSecretName,
                functionName: "notify-webhook",
                description: `Posts findings, quarantines, releases and failures to ${settings.notification.kind}`,
                releaseApiUrl: this.api.url,
                resourceNames: { secret: name, function: `${name}-notify-webhook` },
            },
            this,
        );
        this.webhookSecret = notifier.secret;
        const notify = notifier.fn;
        this.functions = {
            "macie-decision": decision,
            "quarantine-object": quarantineObject,
            "release-object": releaseObject,
            "notify-webhook": notify,
            "release-api": releaseApiFn,
        };
        const tableStatements: Statement[] = [
            { Sid: "TrackFindings", Effect: "Allow", Action: ["dynamodb:UpdateItem"], Resource: [tableArn] },
            keyUseStatement("TableKeyViaDynamoDb", scope, key, ["kms:Decrypt", "kms:GenerateDataKey"], "dynamodb"),
        ];
        const invoke = (functions: BundledFunction[]): Statement => ({
            Sid: "InvokeWorkflowFunctions",
            Effect: "Allow",
            Action: ["lambda:InvokeFunction"],
            Resource: functions.map(f => f.arn).sort(),
        });
        const machine = (workflow: MemberWorkflow, definition: object, functions: BundledFunction[]) =>
            new StateMachine(
                `${name}-${workflow}`,
                {
                    scope,
                    key,
                    machineName: workflow,
                    description: `Runs the ${workflow} workflow`,
                    definition,
                    taskStatements: [invoke(functions), ...tableStatements],
                    dependsOn: [this.table, ...functions],
                },
                // Was lakewarden:remediation:WorkflowMachine (same name, same parent).
                { parent: this, aliases: [{ type: "lakewarden:remediation:WorkflowMachine" }] },
            );
        this.quarantine = machine(
            "quarantine",
            buildQuarantineDefinition({
                trackingTableName: tableName,
                decisionFunctionArn: decision.arn,
                quarantineFunctionArn: quarantineObject.arn,
                notifyFunctionArn: notify.arn,
                quarantinePrefix: settings.quarantinePrefix,
                rules: settings.rules,
            }),
            [decision, quarantineObject, notify],
        );
        this.release = machine(
            "release",
            buildReleaseDefinition({ trackingTableName: tableName, releaseFunctionArn: releaseObject.arn, notifyFunctionArn: notify.arn }),
            [releaseObject, notify],
        );
        // The release API starts releases and reads their status (a 500 without the key).
        this.release.allowCallers({
            label: "ReleaseApi",
            roleArns: [roleArnOf(accountId, resourceName(environment, "release-api", "fn"))],
            roles: [releaseApiFn.role],
            startExecution: true,
            describeExecution: true,
        });
        this.startOnMacieFindings(name, scope, key);
        this.notifyOnTagCompliance(name, args, notify);
        this.registerOutputs({ tableName, releaseApiUrl: this.api.url, quarantineStateMachine: this.quarantine.arn, releaseStateMachine: this.release.arn });
    }

    /** Macie's delegated administrator publishes every member's findings to its own default bus. */
    private startOnMacieFindings(name: string, scope: AccountScope, key: KeyRef): void {
        new EventTrigger(
            `${name}-macie-findings`,
            {
                scope,
                key,
                ruleName: "macie-findings",
                description: "Macie findings of every member account (delegated administrator)",
                eventPattern: MACIE_FINDING_PATTERN,
                target: { stateMachine: this.quarantine },
                retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
                previousNames: { rule: `${name}-macie-findings`, target: `${name}-macie-findings`, role: `${name}-starter`, policy: `${name}-starter` },
            },
            { parent: this },
        );
    }

    private notifyOnTagCompliance(name: string, args: FindingRemediationArgs, notify: BundledFunction): void {
        new EventTrigger(
            `${name}-tag-compliance`,
            {
                scope: args.scope,
                key: args.key,
                ruleName: "tag-compliance",
                description: "Member buckets' required-tag compliance changes, forwarded by the baseline",
                bus: { name: args.securityBusName, arn: args.securityBusArn },
                eventPattern: TAG_COMPLIANCE_PATTERN,
                target: { function: notify },
                inputTransformer: TAG_COMPLIANCE_INPUT,
                retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
                previousNames: { rule: `${name}-tag-compliance`, target: `${name}-tag-compliance`, permission: `${name}-tag-compliance` },
            },
            { parent: this },
        );
    }
}
