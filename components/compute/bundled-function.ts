import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyRef, keyUseStatement, policyDocument, roleArnOf, serviceTrust, type Statement } from "../../iam/documents";
import { lambdaEnvironmentUse, logGroupUse, sqsQueueUse } from "../../iam/key-use";
import { type AccountScope, resourceName } from "../../naming/resources";
import { bundleHandler } from "../../bundling/bundle";

export interface BundledFunctionArgs {
    scope: AccountScope;
    /** Short function name; the deployed name is lakewarden-<env>-<name>. */
    functionName: string;
    description: string;
    /** Handler entry relative to the repository root, e.g. lambdas/ou-reconciler/handler.ts (exports `handler`). */
    entry: string;
    /** Encrypts the environment, the log group and the dead-letter queue. */
    key: KeyRef;
    /** What the function may do, beyond writing its own logs. */
    statements: Statement[];
    environment?: Record<string, pulumi.Input<string>>;
    timeoutSeconds?: number;
    memoryMb?: number;
    /** Async invocations that fail all retries land here (encrypted queue) instead of vanishing. */
    deadLetterQueue?: boolean;
    reservedConcurrency?: number;
    logRetentionDays?: number;
}

const LOG_GROUP_PREFIX = "/lakewarden/lambda/";

/**
 * A Lambda function bundled with esbuild (no closure serialisation), on Node 22 and arm64, with
 * its own least-privilege role, a customer-key encrypted environment and log group with
 * retention, JSON logs for Powertools, and an optional encrypted dead-letter queue.
 */
export class BundledFunction extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly deadLetterQueue?: aws.sqs.Queue;
    /** Known from the model, so documents that name the function stay readable at preview. */
    readonly arn: string;
    readonly name: string;

    constructor(name: string, args: BundledFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:compute:BundledFunction", name, {}, opts);
        const { accountId, region } = args.scope;
        this.name = resourceName(args.scope.environment, args.functionName);
        this.arn = `arn:aws:lambda:${region}:${accountId}:function:${this.name}`;
        const logGroupName = `${LOG_GROUP_PREFIX}${this.name}`;
        const logGroupArn = `arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`;
        args.key.allow(lambdaEnvironmentUse(args.scope)).allow(logGroupUse(args.scope, [logGroupArn]));
        this.logGroup = new aws.cloudwatch.LogGroup(
            name,
            { name: logGroupName, retentionInDays: args.logRetentionDays ?? 365, kmsKeyId: args.key.arn },
            { parent: this },
        );
        const statements: Statement[] = [
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] },
            ...args.statements,
        ];
        if (args.deadLetterQueue) {
            const queueName = `${this.name}-dlq`;
            args.key.allow(sqsQueueUse(args.scope));
            this.deadLetterQueue = new aws.sqs.Queue(
                `${name}-dlq`,
                { name: queueName, kmsMasterKeyId: args.key.arn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 1_209_600 },
                { parent: this },
            );
            statements.push(
                { Sid: "SendToDeadLetterQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [`arn:aws:sqs:${region}:${accountId}:${queueName}`] },
                keyUseStatement("EncryptDeadLetters", args.scope, args.key, ["kms:Decrypt", "kms:GenerateDataKey"], "sqs"),
            );
        }
        const roleName = resourceName(args.scope.environment, args.functionName, "fn");
        this.role = new aws.iam.Role(
            name,
            { name: roleName, description: `Execution role of ${this.name}`, assumeRolePolicy: serviceTrust("lambda.amazonaws.com", accountId, this.arn) },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(name, { role: this.role.name, policy: policyDocument(statements) }, { parent: this });
        this.function = new aws.lambda.Function(
            name,
            {
                name: this.name,
                description: args.description,
                role: roleArnOf(accountId, roleName),
                runtime: aws.lambda.Runtime.NodeJS22dX,
                architectures: ["arm64"],
                handler: "index.handler",
                code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(args.entry)) }),
                timeout: args.timeoutSeconds ?? 60,
                memorySize: args.memoryMb ?? 256,
                kmsKeyArn: args.key.arn,
                reservedConcurrentExecutions: args.reservedConcurrency ?? -1,
                loggingConfig: { logFormat: "JSON", logGroup: logGroupName, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
                environment: {
                    variables: {
                        POWERTOOLS_SERVICE_NAME: args.functionName,
                        POWERTOOLS_METRICS_NAMESPACE: "lakewarden",
                        LAKEWARDEN_ENVIRONMENT: args.scope.environment,
                        ...args.environment,
                    },
                },
                ...(this.deadLetterQueue ? { deadLetterConfig: { targetArn: this.deadLetterQueue.arn } } : {}),
            },
            { parent: this, dependsOn: [this.logGroup, policy] },
        );
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}
