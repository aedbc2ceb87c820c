/** Runs fn while collecting what Powertools writes to stdout and stderr, parsed as JSON lines. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; records: Record<string, unknown>[] }> {
    const written: string[] = [];
    const stdout = process.stdout.write;
    const stderr = process.stderr.write;
    const collect = ((chunk: string | Uint8Array) => {
        written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
    }) as typeof process.stdout.write;
    process.stdout.write = collect;
    process.stderr.write = collect;
    let result: T | undefined;
    let error: unknown;
    try {
        result = await fn();
    } catch (thrown) {
        error = thrown;
    } finally {
        process.stdout.write = stdout;
        process.stderr.write = stderr;
    }
    const records = written
        .join("")
        .split("\n")
        .filter(line => line.startsWith("{"))
        .map(line => JSON.parse(line) as Record<string, unknown>);
    return { result, error, records };
}
