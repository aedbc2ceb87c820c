import { z } from "zod";

/** Project namespace of every lakewarden config key (`lakewarden:accounts`, ...). */
export const CONFIG_NAMESPACE = "lakewarden";

export interface ConfigProblem {
    /** Full config key path, e.g. `lakewarden:accounts[2].id`. */
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

function configKey(path: readonly PropertyKey[]): string {
    const [section, ...rest] = path;
    let key = `${CONFIG_NAMESPACE}:${String(section)}`;
    for (const part of rest) {
        key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    }
    return key;
}

export function fromZodError(error: z.ZodError): ConfigError {
    return new ConfigError(error.issues.map(issue => ({ key: configKey(issue.path), message: issue.message })));
}
