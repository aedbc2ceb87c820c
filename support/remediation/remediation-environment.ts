/**
 * The process environment the remediation Lambdas read, applied only while they load and while
 * the remediation suites run: other suites in the same mocha process (which may read their own
 * Powertools output) see the environment unchanged.
 */
export const QUARANTINE_ROLE_NAME = "lakewarden-macie-quarantine";
export const RELEASE_ROLE_NAME = "lakewarden-macie-release";

export const REMEDIATION_ENVIRONMENT: Record<string, string> = {
    AWS_REGION: "eu-west-1",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
    QUARANTINE_ROLE_NAME,
    RELEASE_ROLE_NAME,
};

function apply(): () => void {
    const saved = Object.fromEntries(Object.keys(REMEDIATION_ENVIRONMENT).map(name => [name, process.env[name]]));
    Object.assign(process.env, REMEDIATION_ENVIRONMENT);
    return () => {
        for (const [name, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
        }
    };
}

/** Runs fn (e.g. loading handler modules, whose Powertools instances read the environment once). */
export function withRemediationEnvironment<T>(fn: () => T): T {
    const restore = apply();
    try {
        return fn();
    } finally {
        restore();
    }
}

/** Registers before/after hooks in the calling describe block. */
export function useRemediationEnvironment(): void {
    let restore: (() => void) | undefined;
    before(() => {
        restore = apply();
    });
    after(() => restore?.());
}
