// Exemptions: reviewed exceptions kept in the --policy-pack-config file under the policy they
// relax, e.g. "s3-bucket-versioning": { "exemptions": [{ "urn": "...::access-logs", "reason": "...",
// "expires": "2026-06-30" }] }. A pattern is a URN glob (`*` stays within one `::`/`:` segment,
// `**` matches anything) or a regular expression written as /.../.
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export interface Exemption {
    urn: string;
    reason: string;
    /** Last day (UTC, YYYY-MM-DD) on which the exemption applies. */
    expires?: string;
}

export const exemptionsSchema: PolicyConfigJSONSchema = {
    type: "array",
    description: "Reviewed exceptions: URN glob or /regex/, mandatory reason, optional expiry (YYYY-MM-DD, inclusive).",
    items: {
        type: "object",
        properties: {
            urn: { type: "string", minLength: 1 },
            reason: { type: "string", minLength: 10 },
            expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
        },
        required: ["urn", "reason"],
        additionalProperties: false,
    },
    default: [],
};

const patternCache = new Map<string, RegExp>();

/** Compiles an exemption pattern to an anchored regular expression. */
export function compilePattern(pattern: string): RegExp {
    const cached = patternCache.get(pattern);
    if (cached) {
        return cached;
    }
    let compiled: RegExp;
    const regex = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
    if (regex) {
        compiled = new RegExp(regex[1], regex[2]);
    } else {
        const source = pattern
            .split("**")
            .map(part => part.split("*").map(escapeRegExp).join("[^:]*"))
            .join(".*");
        compiled = new RegExp(`^${source}$`);
    }
    patternCache.set(pattern, compiled);
    return compiled;
}

function escapeRegExp(text: string): string {
    return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

export function matchesUrn(exemption: Exemption, urn: string | undefined): boolean {
    return urn !== undefined && compilePattern(exemption.urn).test(urn);
}

/** An exemption expires at the end of its `expires` day (UTC). */
export function isExpired(exemption: Exemption, now: Date): boolean {
    if (!exemption.expires) {
        return false;
    }
    const end = Date.parse(`${exemption.expires}T23:59:59.999Z`);
    return Number.isNaN(end) || now.getTime() > end;
}

/** Problems that make an exemption unusable even if the engine did not validate the config. */
export function exemptionProblem(exemption: unknown): string | undefined {
    if (exemption === null || typeof exemption !== "object") {
        return "an exemption must be an object with urn and reason";
    }
    const { urn, reason, expires } = exemption as Partial<Record<keyof Exemption, unknown>>;
    if (typeof urn !== "string" || urn.length === 0) {
        return "an exemption needs a urn pattern";
    }
    if (typeof reason !== "string" || reason.trim().length < 10) {
        return `exemption ${urn} needs a reason of at least 10 characters`;
    }
    if (expires !== undefined && (typeof expires !== "string" || Number.isNaN(Date.parse(`${expires}T00:00:00Z`)))) {
        return `exemption ${urn} has an invalid expiry ${String(expires)} (use YYYY-MM-DD)`;
    }
    try {
        compilePattern(urn);
    } catch (e) {
        return `exemption ${urn} has an invalid pattern: ${(e as Error).message}`;
    }
    return undefined;
}
