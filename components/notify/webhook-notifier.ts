/**
 * The Teams/Slack notifier (lambdas/notify-webhook) as a program deploys it: the webhook secret under the
 * given key, without a version (the URL, {"kind","url"}, is set out of band, so it never passes through
 * Pulumi state), and the function that reads it, with a dead-letter queue for its asynchronous callers
 * (EventBridge, SNS: Lambda retries an asynchronous invocation, then sends it there). Remediation deploys one
 * in the security account; a scan stage with `notification` deploys its own in the stage's account. The
 * key must let the account's principals use it through Secrets Manager (viaServices "secretsmanager").
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyRef, keyUseStatement } from "../../iam/documents";
import type { AccountScope } from "../../naming/resources";
import { movedFrom } from "../../pulumi/resource-options";
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
    /** Names the children had under the component's parent before they moved here (remediation's notifier). */
    previousNames?: { secret?: string; function?: string };
}

export class WebhookNotifier extends pulumi.ComponentResource {
    readonly secret: aws.secretsmanager.Secret;
    readonly fn: BundledFunction;

    constructor(name: string, args: WebhookNotifierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:notify:WebhookNotifier", name, {}, opts);
        const { scope, key } = args;
        const previously = (child: "secret" | "function") => ({ parent: this, aliases: movedFrom(opts?.parent, args.previousNames?.[child]) });
        this.secret = new aws.secretsmanager.Secret(
            name,
            {
                name: args.webhookSecretName,
                description: `lakewarden ${scope.environment}: ${args.kind} webhook {"kind","url"}`,
                kmsKeyId: key.arn,
                recoveryWindowInDays: 30,
            },
            previously("secret"),
        );
        // Secrets Manager appends six random characters to a secret's ARN.
        const secretArn = `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:${args.webhookSecretName}-??????`;
        this.fn = new BundledFunction(
            name,
            {
                scope,
                key,
                functionName: args.functionName,
                description: args.description,
                entry: "lambdas/notify-webhook/handler.ts",
                timeoutSeconds: 30,
                // EventBridge and SNS invoke it asynchronously: keep what fails.
                deadLetterQueue: true,
                environment: { WEBHOOK_SECRET_ARN: this.secret.arn, ...(args.releaseApiUrl ? { RELEASE_API_URL: args.releaseApiUrl } : {}) },
                statements: [
                    { Sid: "ReadWebhookSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] },
                    keyUseStatement("DecryptWebhookSecret", scope, key, ["kms:Decrypt"], "secretsmanager"),
                ],
            },
            previously("function"),
        );
        this.registerOutputs({ function: this.fn.arn });
    }
}
