/**
 * The Teams/Slack notifier (lambdas/notify-webhook) as a program deploys it: the webhook secret under the
 * given key, without a version (the URL, {"kind","url"}, is set out of band, so it never passes through
 * Pulumi state), and the function that reads it, with a dead-letter queue for its asynchronous callers
 * (EventBridge, SNS: Lambda retries an asynchronous invocation, then sends it there). Remediation deploys one
 * in the security account; a scan stage with `notification` deploys its own in the stage's account. The
 * key must let the account's principals use it through Secrets Manager (viaServices "secretsmanager").
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { type KeyRef, keyUseStatement } from "../../iam/documents";
import type { AccountScope } from "../../naming/resources";
import { BundledFunction } from "../compute/bundled-function";

export interface WebhookNotifierArgs {
    scope: AccountScope;
    key: KeyRef;
    kind: "teams" | "slack";
    webhookSecretName: string;
    /** Short function name: lakewarden-<env>-<functionName>. */
    functionName: string;
    description: string;
    /** Shown in release instructions (remediation's release API). */
    releaseApiUrl?: pulumi.Input<string>;
    /** Logical names of the secret and the function (remediation keeps the names they had). */
    resourceNames: { secret: string; function: string };
}

export function webhookNotifier(args: WebhookNotifierArgs, parent: pulumi.Resource): { secret: aws.secretsmanager.Secret; fn: BundledFunction } {
    const { scope, key } = args;
    const secret = new aws.secretsmanager.Secret(
        args.resourceNames.secret,
        {
            name: args.webhookSecretName,
            description: `lakewarden ${scope.environment}: ${args.kind} webhook {"kind","url"}`,
            kmsKeyId: key.arn,
            recoveryWindowInDays: 30,
        },
        { parent },
    );
    // Secrets Manager appends six random characters to a secret's ARN.
    const secretArn = `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:${args.webhookSecretName}-??????`;
    const fn = new BundledFunction(
        args.resourceNames.function,
        {
            scope,
            key,
            functionName: args.functionName,
            description: args.description,
            entry: "lambdas/notify-webhook/handler.ts",
            timeoutSeconds: 30,
            // EventBridge and SNS invoke it asynchronously: keep what fails.
            deadLetterQueue: true,
            environment: { WEBHOOK_SECRET_ARN: secret.arn, ...(args.releaseApiUrl ? { RELEASE_API_URL: args.releaseApiUrl } : {}) },
            statements: [
                { Sid: "ReadWebhookSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] },
                keyUseStatement("DecryptWebhookSecret", scope, key, ["kms:Decrypt"], "secretsmanager"),
            ],
        },
        { parent },
    );
    return { secret, fn };
}
