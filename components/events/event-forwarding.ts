/**
 * Forwards events of this account that match a pattern to event buses of other accounts (or another
 * region): one rule, one target per bus with retries, and a role EventBridge assumes for this rule only
 * that may put events on exactly those buses. With a key, events that exhaust the retries land in a
 * customer-key dead-letter queue.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyRef, policyDocument, roleArnOf } from "../../iam/documents";
import { type AccountScope, resourceName } from "../../naming/resources";
import { movedFrom } from "../../pulumi/resource-options";
import { ruleArn, ruleDeadLetterQueue } from "./event-trigger";

export interface EventForwardingArgs {
    scope: AccountScope;
    /** Short names: lakewarden-<env>-<ruleName>, lakewarden-<env>-<roleName>. */
    ruleName: string;
    roleName: string;
    description: string;
    eventPattern: object;
    /** Receiving buses: target id suffix and bus ARN. */
    buses: { id: string; arn: string }[];
    retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number };
    /** The region the events are published in, when it is not the account's (Organizations: us-east-1). */
    eventRegion?: { region: string; provider: pulumi.ProviderResource };
    /** Encrypts the dead-letter queue; without it (an account with no customer key) failed events are dropped after the retries. */
    key?: KeyRef;
    previousNames?: { rule?: string; role?: string; policy?: string; target?: (id: string) => string };
}

export class EventForwarding extends pulumi.ComponentResource {
    readonly ruleArn: string;

    constructor(name: string, args: EventForwardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:events:EventForwarding", name, {}, opts);
        if (args.buses.length === 0) {
            throw new Error(`EventForwarding ${name}: no receiving bus, nothing would be forwarded`);
        }
        const { accountId, environment } = args.scope;
        const eventScope = { ...args.scope, region: args.eventRegion?.region ?? args.scope.region };
        const inRegion = args.eventRegion ? { provider: args.eventRegion.provider } : {};
        const alias = (previous: string | undefined) => movedFrom(opts?.parent, previous);
        const ruleName = resourceName(environment, args.ruleName);
        const roleName = resourceName(environment, args.roleName);
        this.ruleArn = ruleArn(eventScope, ruleName);
        const role = new aws.iam.Role(
            name,
            {
                name: roleName,
                description: `Lets EventBridge forward ${args.description}`,
                assumeRolePolicy: policyDocument([
                    {
                        Sid: "TrustEventBridgeRuleOfThisAccount",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: ["sts:AssumeRole"],
                        Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnEquals: { "aws:SourceArn": this.ruleArn } },
                    },
                ]),
            },
            { parent: this, aliases: alias(args.previousNames?.role) },
        );
        const policy = new aws.iam.RolePolicy(
            name,
            {
                role: role.name,
                policy: policyDocument([
                    { Sid: "PutToReceivingBuses", Effect: "Allow", Action: ["events:PutEvents"], Resource: args.buses.map(b => b.arn).sort() },
                ]),
            },
            { parent: this, aliases: alias(args.previousNames?.policy) },
        );
        const rule = new aws.cloudwatch.EventRule(
            name,
            { name: ruleName, description: args.description, eventPattern: JSON.stringify(args.eventPattern) },
            { parent: this, ...inRegion, aliases: alias(args.previousNames?.rule) },
        );
        let deadLetterConfig: { arn: pulumi.Input<string> } | undefined;
        const ready: pulumi.Resource[] = [role, policy];
        if (args.key) {
            const deadLetters = ruleDeadLetterQueue(name, { scope: eventScope, key: args.key, ruleName, ruleArn: this.ruleArn }, { parent: this, ...inRegion });
            ready.push(deadLetters.policy);
            deadLetterConfig = { arn: deadLetters.queue.arn };
        }
        for (const bus of args.buses) {
            new aws.cloudwatch.EventTarget(
                `${name}-${bus.id}`,
                {
                    rule: rule.name,
                    targetId: `receiver-${bus.id}`,
                    arn: bus.arn,
                    roleArn: roleArnOf(accountId, roleName),
                    retryPolicy: args.retryPolicy,
                    ...(deadLetterConfig ? { deadLetterConfig } : {}),
                },
                { parent: this, ...inRegion, dependsOn: ready, aliases: alias(args.previousNames?.target?.(bus.id)) },
            );
        }
        this.registerOutputs({ ruleArn: this.ruleArn, buses: args.buses.map(b => b.arn) });
    }
}
