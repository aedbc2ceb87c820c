import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, roleArnOf } from "../iam/documents";
import { type AccountScope, resourceName } from "../naming";

export const IMAGE_STATE_CHANGE = "EC2 Image Builder Image State Change";

/** The pattern both sides use: the build account's rule, and the fleet accounts' rules after forwarding. */
export function imageStatePattern(buildAccountId: string, statuses: string[]): string {
    return JSON.stringify({ source: ["aws.imagebuilder"], account: [buildAccountId], "detail-type": [IMAGE_STATE_CHANGE], detail: { state: { status: statuses } } });
}

export function defaultBusArn(region: string, accountId: string): string {
    return `arn:aws:events:${region}:${accountId}:event-bus/default`;
}

export interface ImageEventForwardingArgs {
    scope: AccountScope;
    /** Default buses (same region) of the accounts that receive the image. */
    receivingAccountIds: string[];
}

/**
 * Forwards the build account's image AVAILABLE and FAILED events to each receiving account's default
 * bus, through a role that may put events on exactly those buses.
 */
export class ImageEventForwarding extends pulumi.ComponentResource {
    constructor(name: string, args: ImageEventForwardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:imagebuilder:ImageEventForwarding", name, {}, opts);
        const { accountId, region, environment } = args.scope;
        const roleName = resourceName(environment, "image-events-forwarder");
        const ruleName = resourceName(environment, "image-state-changes");
        const buses = args.receivingAccountIds.map((id) => defaultBusArn(region, id));
        const role = new aws.iam.Role(
            name,
            {
                name: roleName,
                description: "Lets EventBridge forward image state changes to the receiving accounts",
                assumeRolePolicy: policyDocument([
                    {
                        Sid: "TrustEventBridgeRuleOfThisAccount",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: ["sts:AssumeRole"],
                        Condition: {
                            StringEquals: { "aws:SourceAccount": accountId },
                            ArnEquals: { "aws:SourceArn": `arn:aws:events:${region}:${accountId}:rule/${ruleName}` },
                        },
                    },
                ]),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            name,
            { role: role.name, policy: policyDocument([{ Sid: "PutToReceivingBuses", Effect: "Allow", Action: ["events:PutEvents"], Resource: buses }]) },
            { parent: this },
        );
        const rule = new aws.cloudwatch.EventRule(
            name,
            { name: ruleName, description: "Image Builder AVAILABLE and FAILED images, for the receiving accounts", eventPattern: imageStatePattern(accountId, ["AVAILABLE", "FAILED"]) },
            { parent: this },
        );
        args.receivingAccountIds.forEach(
            (id, i) =>
                new aws.cloudwatch.EventTarget(
                    `${name}-${id}`,
                    {
                        rule: rule.name,
                        targetId: `receiver-${id}`,
                        arn: buses[i],
                        roleArn: roleArnOf(accountId, roleName),
                        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 86_400 },
                    },
                    { parent: this, dependsOn: [role, policy] },
                ),
        );
        this.registerOutputs({ ruleName, buses });
    }
}
