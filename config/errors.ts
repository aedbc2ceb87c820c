import { z } from "zod";

/** Project namespace of every lakewarden config key (`lakewarden:accounts`, ...). */
export const CONFIG_NAMESPACE = "lakewarden";

export interface ConfigProblem {
    /** Full config key path, e.g. `lakewarden:accounts[producer].id` (an account by its name). */
    key: string;
    message: string;
}

/**
 * Thrown before any resource is registered when the stack config is invalid.
 * The plan exits 2 on it; `pulumi up` prints it and stops.
 */
export class ConfigError extends Error {
    constructor(readonly problems: ConfigProblem[]) {
        super(
            `invalid lakewarden configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map(p => `  - ${p.key}: ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/**
 * The config key of a zod issue path; an index into `accounts` is shown as the account's name
 * (`lakewarden:accounts[producer].id`) when the raw entry has one, since that is what people search for.
 */
function configKey(path: readonly PropertyKey[], raw: Record<string, unknown>): string {
    const [section, ...rest] = path;
    let key = `${CONFIG_NAMESPACE}:${String(section)}`;
    let value: unknown = raw[String(section)];
    for (const part of rest) {
        const item: unknown = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[part] : undefined;
        const name =
            section === "accounts" && value === raw.accounts && item !== null && typeof item === "object" ? (item as { name?: unknown }).name : undefined;
        key += typeof part === "number" ? `[${typeof name === "string" && name.length > 0 ? name : part}]` : `.${String(part)}`;
        value = item;
    }
    return key;
}

/** `raw` is the parsed section values the issues refer to (for account names). */
export function fromZodError(error: z.ZodError, raw: Record<string, unknown> = {}): ConfigError {
    return new ConfigError(error.issues.map(issue => ({ key: configKey(issue.path, raw), message: issue.message })));
}
