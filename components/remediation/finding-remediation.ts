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
import { type KeyRef, keyUseStatement, policyDocument, roleArnOf, serviceTrust, type Statement } from "../iam/documents";
import { type AccountScope, resourceName } from "../naming";
import { memberRoleName, type RemediationFunction, stateMachineArn, trackingTableName } from "./names";
import { ReleaseApi } from "./release-api";
import { WorkflowMachine } from "./workflow-machine";

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
export const TAG_COMPLIANCE_PATTERN = { source: ["aws.config"], "detail-type": ["Config Rules Compliance Change"] };

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

export function assumeMemberRoleStatement(sid: string, roleName: string, memberAccountIds: string[]): Statement {
    return { Sid: sid, Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [...memberAccountIds].sort().map((id) => roleArnOf(id, roleName)) };
}

export class FindingRemediation extends pulumi.ComponentResource {
    readonly table: aws.dynamodb.Table;
    readonly webhookSecret: aws.secretsmanager.Secret;
    readonly functions: Record<RemediationFunction, BundledFunction>;
    readonly quarantine: WorkflowMachine;
    readonly release: WorkflowMachine;
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
        this.table = new aws.dynamodb.Table(
            name,
            {
                name: tableName,
                billingMode: "PAY_PER_REQUEST",
                hashKey: TRACKING_TABLE_KEY_SCHEMA.hashKey,
                rangeKey: TRACKING_TABLE_KEY_SCHEMA.rangeKey,
                attributes: TRACKING_TABLE_KEY_SCHEMA.attributes.map((a) => ({ ...a })),
                serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
                pointInTimeRecovery: { enabled: true },
                deletionProtectionEnabled: true,
            },
            { parent: this, protect: true },
        );
        const secretName = settings.notification.webhookSecretName;
        // No version: the URL is set out of band (README), so it never passes through Pulumi state.
        this.webhookSecret = new aws.secretsmanager.Secret(
            name,
            { name: secretName, description: `lakewarden ${environment}: ${settings.notification.kind} webhook {"kind","url"}`, kmsKeyId: key.arn, recoveryWindowInDays: 30 },
            parent,
        );
        const secretArn = `arn:aws:secretsmanager:${region}:${accountId}:secret:${secretName}-??????`;
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
        this.api = new ReleaseApi(`${name}-api`, { scope, key, handler: releaseApiFn, releaserRoleArns: settings.releaserRoleArns }, parent);
        const notify = fn("notify-webhook", `Posts findings, quarantines, releases and failures to ${settings.notification.kind}`, {
            timeoutSeconds: 30,
            // EventBridge invokes it asynchronously for tag-compliance changes: keep what fails.
            deadLetterQueue: true,
            environment: { WEBHOOK_SECRET_ARN: this.webhookSecret.arn, RELEASE_API_URL: this.api.url },
            statements: [
                { Sid: "ReadWebhookSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] },
                keyUseStatement("DecryptWebhookSecret", scope, key, ["kms:Decrypt"], "secretsmanager"),
            ],
        });
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
            Resource: functions.map((f) => f.arn).sort(),
        });
        this.quarantine = new WorkflowMachine(
            `${name}-quarantine`,
            {
                scope,
                key,
                workflow: "quarantine",
                definition: buildQuarantineDefinition({
                    trackingTableName: tableName,
                    decisionFunctionArn: decision.arn,
                    quarantineFunctionArn: quarantineObject.arn,
                    notifyFunctionArn: notify.arn,
                    quarantinePrefix: settings.quarantinePrefix,
                    rules: settings.rules,
                }),
                taskStatements: [invoke([decision, quarantineObject, notify]), ...tableStatements],
                dependsOn: [this.table, decision, quarantineObject, notify],
            },
            parent,
        );
        this.release = new WorkflowMachine(
            `${name}-release`,
            {
                scope,
                key,
                workflow: "release",
                definition: buildReleaseDefinition({ trackingTableName: tableName, releaseFunctionArn: releaseObject.arn, notifyFunctionArn: notify.arn }),
                taskStatements: [invoke([releaseObject, notify]), ...tableStatements],
                dependsOn: [this.table, releaseObject, notify],
            },
            parent,
        );
        this.startOnMacieFindings(name, scope);
        this.notifyOnTagCompliance(name, args, notify);
        this.registerOutputs({ tableName, releaseApiUrl: this.api.url, quarantineStateMachine: this.quarantine.arn, releaseStateMachine: this.release.arn });
    }

    /** Macie's delegated administrator publishes every member's findings to its own default bus. */
    private startOnMacieFindings(name: string, scope: AccountScope): void {
        const { accountId, region, environment } = scope;
        const ruleName = resourceName(environment, "macie-findings");
        const roleName = resourceName(environment, "macie-findings-starter");
        const role = new aws.iam.Role(
            `${name}-starter`,
            {
                name: roleName,
                description: "Lets EventBridge start the quarantine workflow for a Macie finding",
                assumeRolePolicy: serviceTrust("events.amazonaws.com", accountId, `arn:aws:events:${region}:${accountId}:rule/${ruleName}`),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-starter`,
            { role: role.name, policy: policyDocument([{ Sid: "StartQuarantine", Effect: "Allow", Action: ["states:StartExecution"], Resource: [this.quarantine.arn] }]) },
            { parent: this },
        );
        const rule = new aws.cloudwatch.EventRule(
            `${name}-macie-findings`,
            { name: ruleName, description: "Macie findings of every member account (delegated administrator)", eventPattern: JSON.stringify(MACIE_FINDING_PATTERN) },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-macie-findings`,
            {
                rule: rule.name,
                arn: this.quarantine.arn,
                roleArn: roleArnOf(accountId, roleName),
                retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
            },
            { parent: this, dependsOn: [policy, this.quarantine] },
        );
    }

    private notifyOnTagCompliance(name: string, args: FindingRemediationArgs, notify: BundledFunction): void {
        const { accountId, environment } = args.scope;
        const ruleName = resourceName(environment, "tag-compliance");
        const rule = new aws.cloudwatch.EventRule(
            `${name}-tag-compliance`,
            {
                name: ruleName,
                eventBusName: args.securityBusName,
                description: "Member buckets' required-tag compliance changes, forwarded by the baseline",
                eventPattern: JSON.stringify(TAG_COMPLIANCE_PATTERN),
            },
            { parent: this },
        );
        new aws.lambda.Permission(
            `${name}-tag-compliance`,
            {
                function: notify.name,
                action: "lambda:InvokeFunction",
                principal: "events.amazonaws.com",
                sourceArn: `${args.securityBusArn.replace(":event-bus/", ":rule/")}/${ruleName}`,
                sourceAccount: accountId,
            },
            { parent: this, dependsOn: [notify] },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-tag-compliance`,
            {
                rule: rule.name,
                eventBusName: rule.eventBusName,
                arn: notify.arn,
                inputTransformer: { inputPaths: TAG_COMPLIANCE_INPUT.paths, inputTemplate: TAG_COMPLIANCE_INPUT.template },
                retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
            },
            { parent: this, dependsOn: [notify] },
        );
    }
}
