// Defensive readers for resource properties: inputs may be objects, JSON strings (nested provider
// inputs under the mock runtime, policy documents), single values or lists, or unknown.
import { isUnknown } from "./unknown";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Parses strings that hold a JSON object or array; anything else is returned as is. */
export function parseJsonish(value: unknown): unknown {
    if (typeof value !== "string" || isUnknown(value)) {
        return value;
    }
    const trimmed = value.trim();
    if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
        return value;
    }
    try {
        return JSON.parse(trimmed) as unknown;
    } catch {
        return value;
    }
}

/** A list from a list, a JSON list string or a single value; [] for null/undefined. */
export function asList(value: unknown): unknown[] {
    const parsed = parseJsonish(value);
    if (parsed === undefined || parsed === null) {
        return [];
    }
    return Array.isArray(parsed) ? parsed : [parsed];
}

/** An object from an object or a JSON object string; undefined otherwise (unknown is kept). */
export function asDict(value: unknown): Dict | undefined {
    const parsed = parseJsonish(value);
    return isDict(parsed) ? parsed : undefined;
}

/** Reads a dotted path through objects, JSON strings and single-element lists. */
export function dig(value: unknown, path: string): unknown {
    let current: unknown = value;
    for (const key of path.split(".")) {
        if (isUnknown(current)) {
            return current;
        }
        current = parseJsonish(current);
        if (Array.isArray(current) && current.length === 1) {
            current = current[0];
        }
        if (!isDict(current)) {
            return undefined;
        }
        current = current[key];
    }
    return current;
}

export function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

export function isFalseOrAbsent(value: unknown): boolean {
    return value === undefined || value === null || value === false || value === "false";
}

export function toNumber(value: unknown): number | undefined {
    if (typeof value === "number") {
        return value;
    }
    if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) {
        return Number(value);
    }
    return undefined;
}

/** Short rendering of a value for violation messages. */
export function show(value: unknown): string {
    if (isUnknown(value)) {
        return "<unknown>";
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text === undefined ? "undefined" : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
