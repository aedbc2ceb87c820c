/**
 * The webhook lives in Secrets Manager as {"kind":"teams"|"slack","url":"https://..."}. The host
 * must belong to the chat service, so a tampered secret cannot redirect findings elsewhere.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { cachedSecret } from "../shared/parameters";

const TEAMS_HOSTS = [/\.webhook\.office\.com$/, /\.logic\.azure\.com$/, /\.environment\.api\.powerplatform\.com$/];
const SLACK_HOSTS = [/^hooks\.slack\.com$/];

const webhookSchema = z
    .strictObject({ kind: z.enum(["teams", "slack"]), url: z.url({ protocol: /^https$/ }) })
    .refine(w => (w.kind === "teams" ? TEAMS_HOSTS : SLACK_HOSTS).some(host => host.test(new URL(w.url).hostname)), {
        error: issue => `webhook host is not a ${(issue.input as { kind?: string }).kind} webhook host`,
    });
export type Webhook = z.infer<typeof webhookSchema>;

/** The secret is unusable; retrying will not fix it. */
class WebhookSecretInvalid extends Error {
    override name = "WebhookSecretInvalid";
}

function parseWebhook(secretString: string | undefined): Webhook {
    let json: unknown;
    try {
        json = JSON.parse(secretString ?? "");
    } catch {
        throw new WebhookSecretInvalid("webhook secret is not JSON");
    }
    const parsed = webhookSchema.safeParse(json);
    if (!parsed.success) {
        // Never echo the secret: only which field failed.
        throw new WebhookSecretInvalid(`webhook secret: ${parsed.error.issues.map(i => `${i.path.join(".") || "secret"}: ${i.message}`).join("; ")}`);
    }
    return parsed.data;
}

const CACHE_SECONDS = 5 * 60;

/** Fetches the secret at most every five minutes per container (rotation lands within that). */
export class WebhookSource {
    constructor(
        private readonly secrets: SecretsManagerClient,
        private readonly secretId: string,
    ) {}

    async get(): Promise<Webhook> {
        return parseWebhook(await cachedSecret(this.secrets, this.secretId, CACHE_SECONDS));
    }
}
