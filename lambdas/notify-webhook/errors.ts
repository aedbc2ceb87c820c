/** The payload is not a notification the notifier knows. */
export class InvalidNotification extends Error {
    override name = "InvalidNotification";
}

/** Not retried by the workflows: a bad payload, a webhook that refuses, an unusable secret. */
export const NOTIFY_PERMANENT_ERRORS = ["InvalidNotification", "WebhookRejected", "WebhookSecretInvalid"] as const;
