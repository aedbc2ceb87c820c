/** POST to the webhook; the error name tells the workflow whether a retry can help. */

class WebhookUnavailable extends Error {
    override name = "WebhookUnavailable";
}

class WebhookRejected extends Error {
    override name = "WebhookRejected";
}

export type Fetch = (
    url: string,
    init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number }>;

export async function deliver(url: string, body: object, fetchImpl: Fetch, timeoutMs = 5000): Promise<void> {
    let response;
    try {
        response = await fetchImpl(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(timeoutMs),
        });
    } catch (error) {
        throw new WebhookUnavailable(`webhook unreachable: ${(error as Error).name}`);
    }
    if (response.ok) return;
    // The URL is a credential: report the status only.
    if (response.status === 429 || response.status >= 500) {
        throw new WebhookUnavailable(`webhook answered ${response.status}`);
    }
    throw new WebhookRejected(`webhook refused the message with ${response.status}`);
}
