/**
 * Starts a workflow or invokes a function when an event arrives (or on a schedule): the rule, the target
 * with its retry policy and a customer-key dead-letter queue for events that exhaust it, and what the
 * target needs: a starter role for a state machine (whose key then names it as a StartExecution
 * caller), or a resource-based permission for a function.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BundledFunction } from "../compute/bundled-function";
import type { StateMachine } from "../compute/state-machine";
import { denyInsecureTransport, type KeyRef, policyDocument, roleArnOf, serviceTrust } from "../../iam/documents";
import { eventBridgeDeadLetterUse, sqsQueueUse } from "../../iam/key-use";
import { type AccountScope, pascal, resourceName } from "../../naming/resources";
import { movedFrom } from "../../pulumi/resource-options";

type TriggerTarget = { stateMachine: StateMachine } | { function: BundledFunction };

export interface EventTriggerArgs {
    scope: AccountScope;
    /** Encrypts the dead-letter queue. */
    key: KeyRef;
    /** Short rule name: lakewarden-<env>-<ruleName>. */
    ruleName: string;
    description: string;
    /** Exactly one of an event pattern and a schedule. */
    eventPattern?: object;
    scheduleExpression?: string;
    /** A custom bus (name and ARN); the account's default bus when omitted. */
    bus?: { name: pulumi.Input<string>; arn: string };
    target: TriggerTarget;
    /** Short name of a state machine's starter role; lakewarden-<env>-<ruleName>-starter by default. */
    starterRoleName?: string;
    inputTransformer?: { paths: Record<string, string>; template: string };
    retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number };
    /** Names the children had under the component's parent before they moved here. */
    previousNames?: { rule?: string; target?: string; role?: string; policy?: string; permission?: string };
}

/** EventBridge rule ARNs: rules on a custom bus carry the bus name. */
export function ruleArn(scope: AccountScope, ruleName: string, busArn?: string): string {
    const bus = busArn?.split(":event-bus/")[1];
    return `arn:aws:events:${scope.region}:${scope.accountId}:rule/${bus && bus !== "default" ? `${bus}/` : ""}${ruleName}`;
}

/**
 * The customer-key queue a rule's undeliverable events land in (`<ruleName>-dlq`, kept 14 days), with the policy
 * that lets EventBridge send them as the service for this rule only, over TLS, and the key uses both need.
 * Children of `opts.parent` named `<name>-dlq`.
 */
export function ruleDeadLetterQueue(
    name: string,
    args: { scope: AccountScope; key: KeyRef; ruleName: string; ruleArn: string },
    opts: pulumi.CustomResourceOptions,
): { queue: aws.sqs.Queue; policy: aws.sqs.QueuePolicy; arn: string } {
    const { scope, key } = args;
    const queueName = `${args.ruleName}-dlq`;
    const arn = `arn:aws:sqs:${scope.region}:${scope.accountId}:${queueName}`;
    key.allow(eventBridgeDeadLetterUse(scope, [args.ruleArn])).allow(sqsQueueUse(scope));
    const queue = new aws.sqs.Queue(
        `${name}-dlq`,
        { name: queueName, kmsMasterKeyId: key.arn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 1_209_600 },
        opts,
    );
    const policy = new aws.sqs.QueuePolicy(
        `${name}-dlq`,
        {
            queueUrl: queue.url,
            policy: policyDocument([
                {
                    Sid: "EventBridgeDeadLetters",
                    Effect: "Allow",
                    Principal: { Service: "events.amazonaws.com" },
                    Action: ["sqs:SendMessage"],
                    Resource: [arn],
                    Condition: { ArnEquals: { "aws:SourceArn": args.ruleArn } },
                },
                denyInsecureTransport(["sqs:SendMessage"], [arn]),
            ]),
        },
        opts,
    );
    return { queue, policy, arn };
}

export class EventTrigger extends pulumi.ComponentResource {
    readonly rule: aws.cloudwatch.EventRule;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly ruleArn: string;

    constructor(name: string, args: EventTriggerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:events:EventTrigger", name, {}, opts);
        if ((args.eventPattern === undefined) === (args.scheduleExpression === undefined)) {
            throw new Error(`EventTrigger ${name}: set exactly one of eventPattern and scheduleExpression`);
        }
        if (args.scheduleExpression !== undefined && args.bus !== undefined) {
            throw new Error(`EventTrigger ${name}: schedules run on the default bus only, not on ${args.bus.arn}`);
        }
        const { accountId, environment } = args.scope;
        const previously = (child: keyof NonNullable<EventTriggerArgs["previousNames"]>) => ({
            parent: this,
            aliases: movedFrom(opts?.parent, args.previousNames?.[child]),
        });
        const fullRuleName = resourceName(environment, args.ruleName);
        this.ruleArn = ruleArn(args.scope, fullRuleName, args.bus?.arn);
        this.rule = new aws.cloudwatch.EventRule(
            name,
            {
                name: fullRuleName,
                description: args.description,
                ...(args.bus ? { eventBusName: args.bus.name } : {}),
                ...(args.eventPattern ? { eventPattern: JSON.stringify(args.eventPattern) } : { scheduleExpression: args.scheduleExpression }),
            },
            previously("rule"),
        );

        const deadLetters = ruleDeadLetterQueue(name, { scope: args.scope, key: args.key, ruleName: fullRuleName, ruleArn: this.ruleArn }, { parent: this });
        this.deadLetterQueue = deadLetters.queue;
        const queueArn = deadLetters.arn;

        const ready: pulumi.Resource[] = [deadLetters.policy];
        let targetArn: pulumi.Input<string>;
        let roleArn: string | undefined;
        if ("stateMachine" in args.target) {
            const machine = args.target.stateMachine;
            const roleName = args.starterRoleName ? resourceName(environment, args.starterRoleName) : `${fullRuleName}-starter`;
            roleArn = roleArnOf(accountId, roleName);
            const role = new aws.iam.Role(
                `${name}-starter`,
                {
                    name: roleName,
                    description: `Lets EventBridge start ${machine.name} (${args.description})`,
                    assumeRolePolicy: serviceTrust("events.amazonaws.com", accountId, this.ruleArn),
                },
                previously("role"),
            );
            ready.push(
                new aws.iam.RolePolicy(
                    `${name}-starter`,
                    {
                        role: role.name,
                        policy: policyDocument([{ Sid: "StartWorkflow", Effect: "Allow", Action: ["states:StartExecution"], Resource: [machine.arn] }]),
                    },
                    previously("policy"),
                ),
                machine,
            );
            machine.allowCallers({ label: pascal(args.ruleName), roleArns: [roleArn], roles: [role], startExecution: true });
            targetArn = machine.arn;
        } else {
            const fn = args.target.function;
            ready.push(
                new aws.lambda.Permission(
                    name,
                    {
                        function: fn.name,
                        action: "lambda:InvokeFunction",
                        principal: "events.amazonaws.com",
                        sourceArn: this.ruleArn,
                        sourceAccount: accountId,
                    },
                    { ...previously("permission"), dependsOn: [fn] },
                ),
                fn,
            );
            targetArn = fn.arn;
        }
        new aws.cloudwatch.EventTarget(
            name,
            {
                rule: this.rule.name,
                ...(args.bus ? { eventBusName: this.rule.eventBusName } : {}),
                arn: targetArn,
                ...(roleArn ? { roleArn } : {}),
                ...(args.inputTransformer
                    ? { inputTransformer: { inputPaths: args.inputTransformer.paths, inputTemplate: args.inputTransformer.template } }
                    : {}),
                retryPolicy: args.retryPolicy,
                deadLetterConfig: { arn: this.deadLetterQueue.arn },
            },
            { ...previously("target"), dependsOn: ready },
        );
        this.registerOutputs({ ruleArn: this.ruleArn, deadLetterQueue: queueArn });
    }
}
