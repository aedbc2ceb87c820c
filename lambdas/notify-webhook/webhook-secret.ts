/**
 * The webhook lives in Secrets Manager as {"kind":"teams"|"slack","url":"https://..."}. The host
 * must belong to the chat service, so a tampered secret cannot redirect findings elsewhere.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";

const TEAMS_HOSTS = [/\.webhook\.office\.com$/, /\.logic\.azure\.com$/, /\.environment\.api\.powerplatform\.com$/];
const SLACK_HOSTS = [/^hooks\.slack\.com$/];

export const webhookSchema = z
    .strictObject({ kind: z.enum(["teams", "slack"]), url: z.url({ protocol: /^https$/ }) })
    .refine((w) => (w.kind === "teams" ? TEAMS_HOSTS : SLACK_HOSTS).some((host) => host.test(new URL(w.url).hostname)), {
        error: (issue) => `webhook host is not a ${(issue.input as { kind?: string }).kind} webhook host`,
    });
export type Webhook = z.infer<typeof webhookSchema>;

/** The secret is unusable; retrying will not fix it. */
export class WebhookSecretInvalid extends Error {
    override name = "WebhookSecretInvalid";
}

export function parseWebhook(secretString: string | undefined): Webhook {
    let json: unknown;
    try {
        json = JSON.parse(secretString ?? "");
    } catch {
        throw new WebhookSecretInvalid("webhook secret is not JSON");
    }
    const parsed = webhookSchema.safeParse(json);
    if (!parsed.success) {
        // Never echo the secret: only which field failed.
        throw new WebhookSecretInvalid(`webhook secret: ${parsed.error.issues.map((i) => `${i.path.join(".") || "secret"}: ${i.message}`).join("; ")}`);
    }
    return parsed.data;
}

const CACHE_MS = 5 * 60 * 1000;

/** Fetches the secret at most every five minutes per container (rotation lands within that). */
export class WebhookSource {
    private cached?: { webhook: Webhook; at: number };

    constructor(
        private readonly secrets: SecretsManagerClient,
        private readonly secretId: string,
        private readonly now: () => number = Date.now,
    ) {}

    async get(): Promise<Webhook> {
        if (this.cached && this.now() - this.cached.at < CACHE_MS) return this.cached.webhook;
        const out = await this.secrets.send(new GetSecretValueCommand({ SecretId: this.secretId }));
        const webhook = parseWebhook(out.SecretString);
        this.cached = { webhook, at: this.now() };
        return webhook;
    }
}
