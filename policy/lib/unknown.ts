// How the engine represents values that are not known yet (preview), and how to read
// resource properties without tripping @pulumi/policy's unknown-checking proxy.

/** The engine marshals every unknown value as this string (Go `UnknownStringValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// The other sentinels @pulumi/policy recognises (typed unknowns from older SDKs and mocks).
const SENTINELS: ReadonlySet<unknown> = new Set([
    UNKNOWN,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknown(value: unknown): boolean {
    return SENTINELS.has(value);
}

/** True when the value or anything nested in it is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

// @pulumi/policy's proxy hands out its target under this key; nested values of the target are
// plain data. Reading through the target lets a policy decide what an unknown means instead of
// the server downgrading the policy to "can't run during preview" (advisory).
const PROXY_TARGET_KEY = "__getSpecialProxyTarget";

/** Returns the plain data behind an unknown-checking proxy (or the value itself). */
export function plain<T>(value: T): T {
    if (value !== null && typeof value === "object") {
        const target = (value as Record<string, unknown>)[PROXY_TARGET_KEY];
        if (target !== null && typeof target === "object") {
            return target as T;
        }
    }
    return value;
}
