/**
 * Post a finding, quarantine, release or failure notice to Teams or Slack, as a Step Functions task
 * (the payload is a Notification), and the scan stage's approval requests and failed runs as an SNS subscriber (the
 * payload is an SNS event: lambdas/notify-webhook/scan-approval.ts).
 * Env: WEBHOOK_SECRET_ARN (required), RELEASE_API_URL (optional, shown in release instructions).
 * IAM for the SNS path (the Step Functions path is unchanged):
 *   - the function's resource policy allows lambda:InvokeFunction to sns.amazonaws.com with the
 *     topic's ARN as SourceArn ("If you grant permission to a service principal without specifying
 *     the source, other accounts could potentially configure resources in their account to invoke your
 *     Lambda function", Lambda API Reference, AddPermission);
 *   - the topic lives in the producer account: its topic policy must allow the notifier's account to
 *     sns:Subscribe, and the subscription is made from that account ("both accounts must grant
 *     permissions to the other", Lambda Developer Guide, "Using Lambda with Amazon SNS");
 *   - no kms permission on the topic's customer-managed key: SNS decrypts a message before it delivers
 *     it ("Amazon SNS decrypts messages only when they are sent", SNS Developer Guide, server-side
 *     encryption).
 * SNS invokes the function asynchronously; a thrown error is retried by Lambda's asynchronous
 * invocation and then goes to the function's on-failure destination (component configuration).
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { deliver, type Fetch } from "./deliver";
import { InvalidNotification } from "./errors";
import { notificationSchema, type Notification } from "./input";
import { isSnsEvent, scanStageEventSchema } from "./scan-approval";
import { buildMessage } from "./message";
import { toSlack } from "./slack";
import { toTeams } from "./teams";
import { WebhookSource } from "./webhook-secret";
import { countWith, instrumented, telemetry } from "../shared/telemetry";

const { logger, metrics } = telemetry("notify-webhook");

export interface NotifyDeps {
    webhooks: WebhookSource;
    fetch: Fetch;
    releaseApiUrl?: string;
}

/** The notifications a payload carries: one for a Step Functions task, one per record of an SNS event. */
function notificationsOf(payload: unknown): Notification[] {
    if (isSnsEvent(payload)) {
        const parsed = scanStageEventSchema.safeParse(payload);
        if (!parsed.success) throw new InvalidNotification(z.prettifyError(parsed.error));
        return parsed.data.Records.map(record => record.Sns);
    }
    const parsed = notificationSchema.safeParse(payload);
    if (!parsed.success) throw new InvalidNotification(z.prettifyError(parsed.error));
    return [parsed.data];
}

export async function notify(payload: unknown, deps: NotifyDeps): Promise<{ delivered: true; kind: Notification["kind"] }> {
    const notifications = notificationsOf(payload);
    const webhook = await deps.webhooks.get();
    for (const notification of notifications) {
        const message = buildMessage(notification, { releaseApiUrl: deps.releaseApiUrl });
        await deliver(webhook.url, webhook.kind === "teams" ? toTeams(message) : toSlack(message), deps.fetch);
    }
    return { delivered: true, kind: notifications[0].kind };
}

let deps: NotifyDeps | undefined;

function depsFromEnvironment(): NotifyDeps {
    const secretArn = process.env.WEBHOOK_SECRET_ARN;
    if (!secretArn) throw new Error("WEBHOOK_SECRET_ARN is not set");
    return {
        webhooks: new WebhookSource(new SecretsManagerClient({}), secretArn),
        fetch: (url, init) => fetch(url, init),
        releaseApiUrl: process.env.RELEASE_API_URL || undefined,
    };
}

export const handler = async (payload: unknown) => {
    deps ??= depsFromEnvironment();
    const ready = deps;
    return instrumented(metrics, "NotificationsFailed", async () => {
        try {
            const result = await notify(payload, ready);
            logger.info("notified", { kind: result.kind });
            countWith(metrics, "NotificationsDelivered", "kind", result.kind);
            return result;
        } catch (error) {
            logger.error("notification failed", { error: error as Error });
            throw error;
        }
    });
};
