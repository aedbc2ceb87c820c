/** The release request: an API Gateway (REST, AWS_IAM auth) proxy event and its JSON body. */
import type { ProxyEvent } from "../shared/iam-caller";
import { z } from "zod";

const releaseBodySchema = z.strictObject({
    findingId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: "expected the Macie finding id" }),
    versionId: z
        .string()
        .min(1)
        .max(1024)
        .refine(v => v !== "null", { error: "expected the S3 version id of the quarantined object" }),
    reason: z.string().trim().min(3, { error: "say why the object may be released (3-500 characters)" }).max(500),
    /** Client-generated; the same requestId retried starts (or finds) the same execution. */
    requestId: z.uuid({ error: "expected a UUID chosen by the client for this release request" }),
});
export type ReleaseBody = z.infer<typeof releaseBodySchema>;

interface Issue {
    path: string;
    message: string;
}

export type BodyResult = { ok: true; body: ReleaseBody } | { ok: false; issues: Issue[] };

export function parseBody(event: ProxyEvent): BodyResult {
    if (event.body === null || event.body.trim() === "") {
        return { ok: false, issues: [{ path: "", message: "expected a JSON body" }] };
    }
    const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        return { ok: false, issues: [{ path: "", message: "body is not valid JSON" }] };
    }
    const parsed = releaseBodySchema.safeParse(json);
    if (!parsed.success) {
        return {
            ok: false,
            issues: parsed.error.issues.map(issue => ({ path: issue.path.join("."), message: issue.message })),
        };
    }
    return { ok: true, body: parsed.data };
}
