/**
 * One Step Functions state machine as lakewarden runs them: STANDARD, every execution logged (level ALL)
 * to a customer-key log group, its definition and history encrypted with the customer key, optional X-Ray
 * tracing, and a role that may do what the tasks do plus what Step Functions itself needs. The key's
 * policy gets the role's and every declared caller's needs (`allowCallers`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyRef, policyDocument, roleArnOf, serviceTrust, type Statement } from "../../iam/documents";
import { logGroupUse } from "../../iam/key-use";
import { type AccountScope, pascal, resourceName } from "../../naming/resources";
import { movedFrom } from "../../pulumi/resource-options";

export interface StateMachineArgs {
    scope: AccountScope;
    key: KeyRef;
    /** Short name: the machine is lakewarden-<env>-<name>, its role lakewarden-<env>-<name>-sfn. */
    machineName: string;
    description: string;
    /** The Amazon States Language document (serialised as JSON). */
    definition: object;
    /** What the tasks call (Lambda, DynamoDB, SNS, ...). */
    taskStatements: Statement[];
    tracing?: boolean;
    /** Resources the tasks call: the machine is created after them. */
    dependsOn?: pulumi.Resource[];
    /** Names the children had under the component's parent before they moved here (aliases keep them). */
    previousNames?: { logGroup?: string; role?: string; policy?: string; stateMachine?: string };
}

export interface StateMachineCallers {
    /** Sid stem, letters and digits (e.g. ReleaseApi). */
    label: string;
    roleArns: string[];
    /** The resources creating those roles: the key policy names them, so it waits for them. */
    roles: pulumi.Resource[];
    startExecution?: boolean;
    describeExecution?: boolean;
}

const SFN_KMS_SOURCE = "AWS Step Functions Developer Guide, Data at rest encryption (key policy with kms:EncryptionContext:aws:states:stateMachineArn)";

/** Step Functions' own needs: log delivery (APIs that exist only on "*") and its state encryption. */
function stateMachinePlatformStatements(scope: AccountScope, key: KeyRef, machineArn: string): Statement[] {
    return [
        {
            Sid: "DeliverExecutionLogs",
            Effect: "Allow",
            Action: [
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies",
                "logs:GetLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:UpdateLogDelivery",
            ],
            Resource: ["*"],
        },
        {
            Sid: "EncryptOwnState",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [`arn:aws:kms:${scope.region}:${scope.accountId}:key/*`],
            Condition: {
                "ForAnyValue:StringEquals": { "kms:ResourceAliases": key.aliasName },
                StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": machineArn },
            },
        },
    ];
}

export class StateMachine extends pulumi.ComponentResource {
    readonly stateMachine: aws.sfn.StateMachine;
    readonly role: aws.iam.Role;
    /** Known from the model, so documents naming the machine stay readable at preview. */
    readonly arn: string;
    readonly name: string;
    readonly roleArn: string;
    private readonly args: StateMachineArgs;

    constructor(name: string, args: StateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:compute:StateMachine", name, {}, opts);
        this.args = args;
        const { accountId, region, environment } = args.scope;
        this.name = resourceName(environment, args.machineName);
        this.arn = `arn:aws:states:${region}:${accountId}:stateMachine:${this.name}`;
        const roleName = `${this.name}-sfn`;
        this.roleArn = roleArnOf(accountId, roleName);
        const previously = (child: keyof NonNullable<StateMachineArgs["previousNames"]>) => ({
            parent: this,
            aliases: movedFrom(opts?.parent, args.previousNames?.[child]),
        });
        const logGroupName = `/lakewarden/states/${this.name}`;
        args.key.allow(logGroupUse(args.scope, [`arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`]));
        const logGroup = new aws.cloudwatch.LogGroup(name, { name: logGroupName, retentionInDays: 365, kmsKeyId: args.key.arn }, previously("logGroup"));
        this.role = new aws.iam.Role(
            name,
            { name: roleName, description: args.description, assumeRolePolicy: serviceTrust("states.amazonaws.com", accountId, this.arn) },
            previously("role"),
        );
        const tracing: Statement[] = args.tracing
            ? [{ Sid: "Trace", Effect: "Allow", Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], Resource: ["*"] }]
            : [];
        const policy = new aws.iam.RolePolicy(
            name,
            {
                role: this.role.name,
                policy: policyDocument([...args.taskStatements, ...stateMachinePlatformStatements(args.scope, args.key, this.arn), ...tracing]),
            },
            previously("policy"),
        );
        args.key.allow(this.keyUse("StateMachineRole", [this.roleArn], [this.role], ["kms:Decrypt", "kms:GenerateDataKey"]));
        this.stateMachine = new aws.sfn.StateMachine(
            name,
            {
                name: this.name,
                type: "STANDARD",
                roleArn: this.roleArn,
                definition: JSON.stringify(args.definition),
                loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: pulumi.interpolate`${logGroup.arn}:*` },
                encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: args.key.arn, kmsDataKeyReusePeriodSeconds: 300 },
                tracingConfiguration: { enabled: args.tracing ?? false },
            },
            { ...previously("stateMachine"), dependsOn: [policy, logGroup, ...(args.dependsOn ?? [])] },
        );
        this.registerOutputs({ arn: this.arn, roleArn: this.roleArn });
    }

    /**
     * Callers of a customer-key machine need the key too: StartExecution kms:GenerateDataKey,
     * DescribeExecution / GetExecutionHistory kms:Decrypt (Step Functions API Reference, StartExecution
     * and DescribeExecution). Their IAM policies grant the API; the key policy names them.
     */
    allowCallers(callers: StateMachineCallers): void {
        const actions = [...(callers.startExecution ? ["kms:GenerateDataKey"] : []), ...(callers.describeExecution ? ["kms:Decrypt"] : [])];
        if (actions.length === 0) {
            throw new Error(`StateMachine ${this.name}: callers ${callers.label} neither start nor describe executions`);
        }
        this.args.key.allow(this.keyUse(`${callers.label}Calls`, callers.roleArns, callers.roles, actions));
    }

    private keyUse(label: string, roleArns: string[], roles: pulumi.Resource[], actions: string[]) {
        return {
            sid: `${label}${pascal(this.args.machineName)}`,
            principal: { aws: [...roleArns].sort() },
            actions,
            conditions: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": this.arn } },
            source: SFN_KMS_SOURCE,
            principalResources: roles,
        };
    }
}
