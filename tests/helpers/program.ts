import { jsonCopy } from "../../policy/lib/json-copy";
import { recordProgram, type RecordedResource, type Recording } from "../../tools/offline/recorder";
import { evaluateIndex, readStackConfig } from "../../tools/offline/stack-config";

export type { RecordedResource, Recording };

/** Records the real program (index.ts) for a stack under the mock runtime. */
export function recordStack(stack: string, options: { config?: Record<string, string>; preview?: boolean } = {}): Promise<Recording> {
    return recordProgram(stack, options.config ?? readStackConfig(stack), evaluateIndex, { preview: options.preview });
}

const evaluated = new Map<string, Promise<Recording>>();

/**
 * The real program for a stack's own config, evaluated once per test process (mocha worker) and
 * shared: each caller gets its own deep copy, free to mutate. Specs that change the config use
 * recordStack instead.
 */
export async function sharedStack(stack: string, options: { preview?: boolean } = {}): Promise<Recording> {
    const key = `${stack}${options.preview ? " preview" : ""}`;
    let recording = evaluated.get(key);
    if (!recording) {
        recording = recordStack(stack, options);
        evaluated.set(key, recording);
    }
    // Recordings are plain data; jsonCopy shares their (megabyte) strings where structuredClone copies them.
    return jsonCopy(await recording) as Recording;
}

/** Records whatever `build` constructs (a component under test) with an aws provider for one account. */
export function recordComponent(build: () => unknown, stack = "test"): Promise<Recording> {
    return recordProgram(stack, {}, build);
}

/** Stack config with one section replaced (value as it would appear in Pulumi.<stack>.yaml). */
export function withSection(stack: string, section: string, value: unknown): Record<string, string> {
    return { ...readStackConfig(stack), [`lakewarden:${section}`]: JSON.stringify(value) };
}

export function sectionOf<T>(stack: string, section: string): T {
    return JSON.parse(readStackConfig(stack)[`lakewarden:${section}`]) as T;
}

export function ofType(recording: Recording, type: string): RecordedResource[] {
    return recording.resources.filter(r => r.type === type);
}

/** The account component (lakewarden:account:*) a resource sits under. */
export function accountComponentOf(recording: Recording, resource: RecordedResource): RecordedResource | undefined {
    const byUrn = new Map(recording.resources.map(r => [r.urn, r]));
    let current: RecordedResource | undefined = resource;
    while (current && !current.type.startsWith("lakewarden:account:")) {
        current = current.parent ? byUrn.get(current.parent) : undefined;
    }
    return current;
}
