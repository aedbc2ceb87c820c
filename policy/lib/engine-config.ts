// The Pulumi CLI's handling of --policy-pack-config, reproduced for the offline runner:
// parse (string = enforcement level, object = level + properties), start from each policy's
// declared level and schema defaults, apply `all`, then per-policy keys, then validate the result
// against each policy's schema. Stricter than the CLI: a key that names no policy, or a property
// a policy does not declare, is an error (a misspelled key would silently do nothing); a level
// below mandatory (advisory, disabled) set by the config needs a `reason` and an `expires` date
// on the same entry, and an expired relaxation is an error, as for exemptions.
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { closest } from "./did-you-mean";
import { isExpired } from "./exemptions";
import { validateJsonSchema } from "./json-schema";

export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
    /** Why the config lowers this policy below mandatory, and until when (YYYY-MM-DD). */
    relaxation?: { reason: string; expires: string };
}

/** A policy pack config that cannot be used; each problem names the config key. */
export class PolicyPackConfigError extends Error {
    constructor(readonly problems: { key: string; message: string }[]) {
        super(`invalid policy pack config:\n  ${problems.map(p => `${p.key}: ${p.message}`).join("\n  ")}`);
        this.name = "PolicyPackConfigError";
    }
}

const RELAXED: ReadonlySet<EnforcementLevel> = new Set<EnforcementLevel>(["advisory", "disabled"]);

const LEVELS: ReadonlySet<string> = new Set(["advisory", "mandatory", "remediate", "disabled"]);

function level(value: unknown, key: string): EnforcementLevel {
    if (typeof value !== "string" || !LEVELS.has(value)) {
        throw new Error(`Value ${JSON.stringify(value)} for "${key}" is not a valid enforcement level`);
    }
    return value as EnforcementLevel;
}

interface ParsedEntry {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
    reason?: unknown;
    expires?: unknown;
}

function parsePolicyPackConfig(raw: unknown): Map<string, ParsedEntry> {
    const result = new Map<string, ParsedEntry>();
    if (raw === undefined || raw === null) {
        return result;
    }
    if (typeof raw !== "object" || Array.isArray(raw)) {
        throw new Error("policy pack config must be a JSON object");
    }
    for (const [key, value] of Object.entries(raw)) {
        if (typeof value === "string") {
            result.set(key, { enforcementLevel: level(value, key) });
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, reason, expires, ...properties } = value as Record<string, unknown>;
            const entry: ParsedEntry = { reason, expires };
            if (enforcementLevel !== undefined) {
                entry.enforcementLevel = level(enforcementLevel, key);
            }
            if (Object.keys(properties).length > 0) {
                entry.properties = properties;
            }
            if (entry.enforcementLevel || entry.properties || reason !== undefined || expires !== undefined) {
                result.set(key, entry);
            }
        } else {
            throw new Error(`Value ${JSON.stringify(value)} for "${key}" is not a valid value; must be a string or object`);
        }
    }
    return result;
}

export function reconcilePolicyPackConfig(policies: Policies, packLevel: EnforcementLevel, raw: unknown, now = new Date()): Map<string, PolicyConfigEntry> {
    const given = parsePolicyPackConfig(raw);
    const errors: { key: string; message: string }[] = [];
    const result = new Map<string, PolicyConfigEntry>();
    for (const p of policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) {
                properties[key] = structuredClone(schema.default);
            }
        }
        result.set(p.name, { enforcementLevel: p.enforcementLevel ?? packLevel, properties });
    }
    const allEntry = given.get("all");
    const all = allEntry?.enforcementLevel;
    const allRelaxation = allEntry && relaxationOf("all", allEntry, now, errors);
    if (all) {
        for (const entry of result.values()) {
            entry.enforcementLevel = all;
            entry.relaxation = allRelaxation;
        }
    }
    for (const [name, entry] of given) {
        const target = result.get(name);
        if (!target) {
            if (name !== "all") {
                const near = closest(name, result.keys(), 3);
                errors.push({ key: name, message: `no policy of this name${near ? ` (did you mean ${near}?)` : ""}` });
            }
            continue;
        }
        if (entry.enforcementLevel) {
            target.enforcementLevel = entry.enforcementLevel;
            target.relaxation = relaxationOf(name, entry, now, errors);
        } else if (entry.reason !== undefined || entry.expires !== undefined) {
            errors.push({ key: name, message: "reason and expires belong to an entry that sets enforcementLevel below mandatory" });
        }
        Object.assign(target.properties, entry.properties ?? {});
    }
    for (const p of policies) {
        const schema: PolicyConfigJSONSchema = {
            type: "object",
            properties: p.configSchema?.properties ?? {},
            required: p.configSchema?.required,
            additionalProperties: false,
        };
        for (const problem of validateJsonSchema(schema, result.get(p.name)?.properties ?? {}, "")) {
            errors.push({ key: p.name, message: problem });
        }
    }
    if (errors.length > 0) {
        throw new PolicyPackConfigError(errors);
    }
    return result;
}

/**
 * The reason and expiry of an entry that lowers a policy below mandatory; problems go to `errors`.
 * An entry at mandatory or remediate carries neither (they would be read as a relaxation that is not).
 */
function relaxationOf(key: string, entry: ParsedEntry, now: Date, errors: { key: string; message: string }[]): PolicyConfigEntry["relaxation"] {
    const relaxed = entry.enforcementLevel !== undefined && RELAXED.has(entry.enforcementLevel);
    if (!relaxed) {
        if (entry.reason !== undefined || entry.expires !== undefined) {
            errors.push({ key, message: `reason and expires belong to a relaxation; ${String(entry.enforcementLevel)} is not below mandatory` });
        }
        return undefined;
    }
    const problems: { key: string; message: string }[] = [];
    if (typeof entry.reason !== "string" || entry.reason.trim().length < 10) {
        problems.push({ key: `${key}.reason`, message: `lowering to ${entry.enforcementLevel} needs a reason of at least 10 characters` });
    }
    const expires = entry.expires;
    if (typeof expires !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) {
        problems.push({
            key: `${key}.expires`,
            message: `lowering to ${entry.enforcementLevel} needs an expiry date (YYYY-MM-DD), got ${JSON.stringify(expires)}`,
        });
    } else if (isExpired({ urn: key, reason: "", expires }, now)) {
        problems.push({
            key: `${key}.expires`,
            message: `the relaxation to ${entry.enforcementLevel} expired on ${expires}; review it and set a new date, or remove it`,
        });
    }
    errors.push(...problems);
    return problems.length === 0 ? { reason: entry.reason as string, expires: expires as string } : undefined;
}
