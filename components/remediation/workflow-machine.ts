/**
 * One remediation state machine: STANDARD, every execution logged (level ALL) to a customer-key
 * log group, its data encrypted with the customer key, and a role that may do exactly what the
 * workflow's tasks do plus what Step Functions itself needs for logging and encryption.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StateMachineDefinition } from "../../workflows/asl";
import { stateMachinePlatformStatements } from "../compute/state-machine-platform";
import { type KeyRef, policyDocument, roleArnOf, serviceTrust, type Statement } from "../iam/documents";
import { type AccountScope, resourceName } from "../naming";
import { type MemberWorkflow, stateMachineArn, stateMachineName } from "./names";

export interface WorkflowMachineArgs {
    scope: AccountScope;
    key: KeyRef;
    workflow: MemberWorkflow;
    definition: StateMachineDefinition;
    /** What the tasks call (Lambda, DynamoDB). */
    taskStatements: Statement[];
    dependsOn: pulumi.Resource[];
}

export class WorkflowMachine extends pulumi.ComponentResource {
    readonly stateMachine: aws.sfn.StateMachine;
    readonly arn: string;
    readonly name: string;
    readonly roleArn: string;

    constructor(name: string, args: WorkflowMachineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:remediation:WorkflowMachine", name, {}, opts);
        const parent = { parent: this };
        const { accountId, environment } = args.scope;
        this.name = stateMachineName(environment, args.workflow);
        this.arn = stateMachineArn(args.scope, args.workflow);
        const roleName = resourceName(environment, args.workflow, "sfn");
        this.roleArn = roleArnOf(accountId, roleName);
        const logGroup = new aws.cloudwatch.LogGroup(name, { name: `/lakewarden/states/${this.name}`, retentionInDays: 365, kmsKeyId: args.key.arn }, parent);
        const role = new aws.iam.Role(
            name,
            { name: roleName, description: `Runs the ${args.workflow} workflow`, assumeRolePolicy: serviceTrust("states.amazonaws.com", accountId, this.arn) },
            parent,
        );
        const policy = new aws.iam.RolePolicy(
            name,
            { role: role.name, policy: policyDocument([...args.taskStatements, ...stateMachinePlatformStatements(args.scope, args.key, this.arn)]) },
            parent,
        );
        this.stateMachine = new aws.sfn.StateMachine(
            name,
            {
                name: this.name,
                type: "STANDARD",
                roleArn: this.roleArn,
                definition: JSON.stringify(args.definition),
                loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: pulumi.interpolate`${logGroup.arn}:*` },
                encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: args.key.arn, kmsDataKeyReusePeriodSeconds: 300 },
                tracingConfiguration: { enabled: false },
            },
            { parent: this, dependsOn: [policy, logGroup, ...args.dependsOn] },
        );
        this.registerOutputs({ arn: this.arn });
    }
}
