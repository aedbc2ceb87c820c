// The Pulumi CLI's handling of --policy-pack-config, reproduced for the offline runner:
// parse (string = enforcement level, object = level + properties), start from each policy's
// declared level and schema defaults, apply `all`, then per-policy keys, then validate the result
// against each policy's schema. Keys that name no policy are ignored, as the CLI does.
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { validateJsonSchema } from "./json-schema";

export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

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
}

export function parsePolicyPackConfig(raw: unknown): Map<string, ParsedEntry> {
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
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            const entry: ParsedEntry = {};
            if (enforcementLevel !== undefined) {
                entry.enforcementLevel = level(enforcementLevel, key);
            }
            if (Object.keys(properties).length > 0) {
                entry.properties = properties;
            }
            if (entry.enforcementLevel || entry.properties) {
                result.set(key, entry);
            }
        } else {
            throw new Error(`Value ${JSON.stringify(value)} for "${key}" is not a valid value; must be a string or object`);
        }
    }
    return result;
}

export function reconcilePolicyPackConfig(
    policies: Policies,
    packLevel: EnforcementLevel,
    raw: unknown,
): Map<string, PolicyConfigEntry> {
    const given = parsePolicyPackConfig(raw);
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
    const all = given.get("all")?.enforcementLevel;
    if (all) {
        for (const entry of result.values()) {
            entry.enforcementLevel = all;
        }
    }
    for (const [name, entry] of given) {
        const target = result.get(name);
        if (!target) {
            continue;
        }
        if (entry.enforcementLevel) {
            target.enforcementLevel = entry.enforcementLevel;
        }
        Object.assign(target.properties, entry.properties ?? {});
    }
    const errors: string[] = [];
    for (const p of policies) {
        const schema: PolicyConfigJSONSchema = {
            type: "object",
            properties: p.configSchema?.properties ?? {},
            required: p.configSchema?.required,
        };
        for (const problem of validateJsonSchema(schema, result.get(p.name)?.properties ?? {}, "")) {
            errors.push(`${p.name}: ${problem}`);
        }
    }
    if (errors.length > 0) {
        throw new Error(`invalid policy pack config:\n  ${errors.join("\n  ")}`);
    }
    return result;
}
