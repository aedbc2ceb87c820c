import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CustomerKey } from "../components/kms/customer-key";
import { policyDocument } from "../components/iam/documents";
import { resourceName } from "../components/naming";
import { SecureBucket } from "../components/storage/secure-bucket";
import { AccountStack, type AccountStackArgs } from "./account";

/**
 * The security account: its customer key, log bucket, and the central event bus that accepts
 * events only from accounts of the organisation.
 */
export class SecurityAccount extends AccountStack {
    readonly key: CustomerKey;
    readonly bus: aws.cloudwatch.EventBus;
    readonly logs: SecureBucket;

    constructor(args: AccountStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super(args, opts);
        const parent = { parent: this };
        const { accountId, region } = this.scope;
        const busName = resourceName(this.env.name, "security");
        const busArn = `arn:aws:events:${region}:${accountId}:event-bus/${busName}`;
        this.key = new CustomerKey(
            this.child("security"),
            {
                scope: this.scope,
                purpose: "security",
                description: `lakewarden ${this.env.name} security tooling key`,
                viaServices: ["s3", "dynamodb", "sns", "sqs", "secretsmanager", "states", "lambda", "logs"],
                servicePrincipals: [
                    { service: "logging.s3.amazonaws.com", actions: ["kms:GenerateDataKey"], condition: { StringEquals: { "aws:SourceAccount": accountId } } },
                    {
                        service: "events.amazonaws.com",
                        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                        condition: { StringEquals: { "aws:SourceAccount": accountId, "kms:EncryptionContext:aws:events:event-bus:arn": busArn } },
                    },
                    {
                        service: `logs.${region}.amazonaws.com`,
                        actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"],
                        condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:log-group:/lakewarden/*` } },
                    },
                ],
            },
            parent,
        );
        this.logs = new SecureBucket(
            this.child("logs"),
            { scope: this.scope, purpose: "access-logs", kmsKeyArn: this.key.arn, receivesAccessLogs: true, expirationDays: 400 },
            parent,
        );
        this.bus = new aws.cloudwatch.EventBus(
            this.child("bus"),
            { name: busName, description: "lakewarden security events from every account of the organisation", kmsKeyIdentifier: this.key.arn },
            parent,
        );
        new aws.cloudwatch.EventBusPolicy(
            this.child("bus"),
            {
                eventBusName: this.bus.name,
                policy: policyDocument([
                    {
                        Sid: "AcceptEventsFromOrganization",
                        Effect: "Allow",
                        Principal: "*",
                        Action: ["events:PutEvents"],
                        Resource: [busArn],
                        Condition: { StringEquals: { "aws:PrincipalOrgID": this.env.organization.id } },
                    },
                ]),
            },
            parent,
        );
        this.registerOutputs({ accountId, busArn, keyArn: this.key.arn });
    }
}
