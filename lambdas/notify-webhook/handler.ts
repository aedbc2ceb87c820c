/**
 * Step Functions task: post a finding, quarantine, release or failure notice to Teams or Slack.
 * Env: WEBHOOK_SECRET_ARN (required), RELEASE_API_URL (optional, shown in release instructions).
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { deliver, type Fetch } from "./deliver";
import { InvalidNotification } from "./errors";
import { notificationSchema, type Notification } from "./input";
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

export async function notify(payload: unknown, deps: NotifyDeps): Promise<{ delivered: true; kind: Notification["kind"] }> {
    const parsed = notificationSchema.safeParse(payload);
    if (!parsed.success) throw new InvalidNotification(z.prettifyError(parsed.error));
    const notification = parsed.data;
    const webhook = await deps.webhooks.get();
    const message = buildMessage(notification, { releaseApiUrl: deps.releaseApiUrl });
    await deliver(webhook.url, webhook.kind === "teams" ? toTeams(message) : toSlack(message), deps.fetch);
    return { delivered: true, kind: notification.kind };
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
