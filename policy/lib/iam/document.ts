// Parsing of IAM policy documents (identity, trust and resource policies) from objects or JSON
// strings into normalised statements that keep unknown values visible.
import { isUnknown } from "../unknown";
import { type Dict, isDict, parseJsonish } from "../values";

export interface Principals {
    wildcard: boolean;
    aws: string[];
    service: string[];
    federated: string[];
    canonicalUser: string[];
    /** Some principal value is not known yet. */
    unknown: boolean;
}

export interface ConditionEntry {
    /** Operator as written, e.g. "StringEqualsIfExists". */
    operator: string;
    /** Lower-cased condition key. */
    key: string;
    values: unknown[];
}

export interface Statement {
    index: number;
    sid?: string;
    effect: unknown;
    actions?: unknown[];
    notActions?: unknown[];
    resources?: unknown[];
    notResources?: unknown[];
    principals?: Principals;
    notPrincipals?: Principals;
    /** undefined when the statement has no Condition; "unknown" when the block itself is unknown. */
    conditions?: ConditionEntry[] | "unknown";
}

export type ParsedDocument = { kind: "absent" } | { kind: "unknown" } | { kind: "invalid"; reason: string } | { kind: "ok"; statements: Statement[] };

function list(value: unknown): unknown[] | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    return Array.isArray(value) ? value : [value];
}

function strings(value: unknown, unknown: { seen: boolean }): string[] {
    const result: string[] = [];
    for (const v of list(value) ?? []) {
        if (isUnknown(v)) {
            unknown.seen = true;
        } else if (typeof v === "string") {
            result.push(v);
        }
    }
    return result;
}

function parsePrincipals(value: unknown): Principals | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    const flag = { seen: isUnknown(value) };
    const result: Principals = { wildcard: value === "*", aws: [], service: [], federated: [], canonicalUser: [], unknown: false };
    if (isDict(value)) {
        for (const [kind, entries] of Object.entries(value)) {
            if (isUnknown(entries)) {
                flag.seen = true;
                continue;
            }
            const names = strings(entries, flag);
            switch (kind.toLowerCase()) {
                case "aws":
                    result.aws.push(...names);
                    break;
                case "service":
                    result.service.push(...names);
                    break;
                case "federated":
                    result.federated.push(...names);
                    break;
                default:
                    result.canonicalUser.push(...names);
            }
        }
        result.wildcard = result.aws.includes("*");
    }
    result.unknown = flag.seen;
    return result;
}

function parseConditions(value: unknown): ConditionEntry[] | "unknown" | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    if (isUnknown(value) || !isDict(value)) {
        return "unknown";
    }
    const entries: ConditionEntry[] = [];
    for (const [operator, block] of Object.entries(value)) {
        if (!isDict(block)) {
            return "unknown";
        }
        for (const [key, values] of Object.entries(block)) {
            entries.push({ operator, key: key.toLowerCase(), values: list(values) ?? [] });
        }
    }
    return entries;
}

function parseStatement(raw: Dict, index: number): Statement {
    return {
        index,
        sid: typeof raw.Sid === "string" ? raw.Sid : undefined,
        effect: raw.Effect,
        actions: list(raw.Action),
        notActions: list(raw.NotAction),
        resources: list(raw.Resource),
        notResources: list(raw.NotResource),
        principals: parsePrincipals(raw.Principal),
        notPrincipals: parsePrincipals(raw.NotPrincipal),
        conditions: parseConditions(raw.Condition),
    };
}

// Documents arrive as JSON strings and every IAM policy of the pack reads them: parse each once.
const parsedStrings = new Map<string, ParsedDocument>();

export function parseDocument(value: unknown): ParsedDocument {
    if (typeof value === "string" && value !== "") {
        let parsed = parsedStrings.get(value);
        if (!parsed) {
            parsed = parseValue(value);
            if (parsedStrings.size > 20000) {
                parsedStrings.clear();
            }
            parsedStrings.set(value, parsed);
        }
        return parsed;
    }
    return parseValue(value);
}

function parseValue(value: unknown): ParsedDocument {
    if (value === undefined || value === null || value === "") {
        return { kind: "absent" };
    }
    if (isUnknown(value)) {
        return { kind: "unknown" };
    }
    const parsed = parseJsonish(value);
    if (!isDict(parsed)) {
        return { kind: "invalid", reason: typeof value === "string" ? "not valid JSON" : "not an object" };
    }
    const statements = parsed.Statement;
    if (isUnknown(statements)) {
        return { kind: "unknown" };
    }
    const rawStatements = list(statements) ?? [];
    if (rawStatements.some(isUnknown)) {
        return { kind: "unknown" };
    }
    if (!rawStatements.every(isDict)) {
        return { kind: "invalid", reason: "a statement is not an object" };
    }
    return { kind: "ok", statements: rawStatements.map(parseStatement) };
}

/** A label for messages: `statement 2 ("AllowRead")`. */
export function statementLabel(s: Statement): string {
    return s.sid ? `statement ${s.index + 1} ("${s.sid}")` : `statement ${s.index + 1}`;
}

export function isAllow(s: Statement): boolean {
    return s.effect === "Allow";
}

const wildcardCache = new Map<string, RegExp>();

/** Case-insensitive IAM wildcard match (`*` any run, `?` one character). */
export function wildcardMatch(pattern: string, value: string): boolean {
    let compiled = wildcardCache.get(pattern);
    if (!compiled) {
        const source = pattern
            .split("")
            .map(c => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
            .join("");
        compiled = new RegExp(`^${source}$`, "i");
        wildcardCache.set(pattern, compiled);
    }
    return compiled.test(value);
}

const NEUTRAL_PREFIXES = /^(ForAnyValue:|ForAllValues:)/i;

/**
 * Values of `key` under operators that positively restrict access (not IfExists, not negated,
 * not ForAnyValue/ForAllValues, which pass when the key is absent or multi-valued).
 */
export function restrictingValues(s: Statement, key: string): unknown[] | undefined {
    if (s.conditions === undefined || s.conditions === "unknown") {
        return undefined;
    }
    const wanted = key.toLowerCase();
    let found: unknown[] | undefined;
    for (const c of s.conditions) {
        if (c.key !== wanted || NEUTRAL_PREFIXES.test(c.operator) || /IfExists$/i.test(c.operator) || /Not/.test(c.operator)) {
            continue;
        }
        if (!/^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|Bool)$/i.test(c.operator)) {
            continue;
        }
        found = [...(found ?? []), ...c.values];
    }
    return found;
}

/**
 * Known values of `key` under any non-negated operator, including IfExists and set operators: used
 * where a condition scopes what a "*" resource statement may touch rather than who may call it.
 */
export function scopingValues(s: Statement, key: string): unknown[] | undefined {
    if (s.conditions === undefined || s.conditions === "unknown") {
        return undefined;
    }
    const wanted = key.toLowerCase();
    const values = s.conditions.filter(c => c.key === wanted && !/Not/.test(c.operator)).flatMap(c => c.values);
    return values.length > 0 ? values : undefined;
}
