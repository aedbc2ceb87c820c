/**
 * The scan-stage handlers read their environment on the first invocation and create Powertools
 * Logger/Metrics when their module loads. Modules are loaded here with Powertools silenced, and a
 * suite sets the stage's variables only while it runs, so other suites in the same mocha worker
 * see the process environment unchanged.
 */
const SILENT = { POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" };

function apply(vars: Record<string, string | undefined>): () => void {
    const saved = Object.fromEntries(Object.keys(vars).map(name => [name, process.env[name]]));
    const set = (values: Record<string, string | undefined>) => {
        for (const [name, value] of Object.entries(values)) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
        }
    };
    set(vars);
    return () => set(saved);
}

/** Loads a handler module (its Powertools instances read the environment once, now). */
export function loadSilently<T>(load: () => T): T {
    const restore = apply(SILENT);
    try {
        return load();
    } finally {
        restore();
    }
}

/**
 * Registers before/after hooks in the calling describe block; `undefined` unsets a variable. A
 * function is called in the hook (after the describe's earlier before hooks, e.g. for credentials).
 */
export function useStageEnvironment(vars: Record<string, string | undefined> | (() => Record<string, string | undefined>)): void {
    let restore: (() => void) | undefined;
    before(() => {
        restore = apply({ ...SILENT, ...(typeof vars === "function" ? vars() : vars) });
    });
    after(() => restore?.());
}
