import { chunked } from "./lists";

/**
 * Which account goes into which chunk (filter) of an OU. Accounts stay in the chunk they are already in,
 * so one account joining or leaving rewrites one filter, not every filter after it. New accounts fill
 * free room first and then new chunks. When departures leave more chunks than the accounts need, the
 * chunks are packed again from scratch, so an OU never holds more filters than necessary.
 */

/** existing: chunk number -> accounts it holds now, or undefined when its content is not ours to read. */
export function assignChunks(
    desired: readonly string[],
    existing: ReadonlyMap<number, readonly string[] | undefined>,
    capacity: number,
): Map<number, string[]> {
    if (capacity < 1) throw new Error(`chunk capacity must be at least 1, got ${capacity}`);
    const unplaced = new Set(desired);
    const chunks = new Map<number, string[]>();
    for (const chunk of [...existing.keys()].sort((a, b) => a - b)) {
        const kept: string[] = [];
        for (const id of existing.get(chunk) ?? []) {
            if (kept.length < capacity && unplaced.delete(id)) kept.push(id);
        }
        chunks.set(chunk, kept);
    }
    const newcomers = [...unplaced].sort();
    for (const accounts of chunks.values()) {
        while (accounts.length < capacity && newcomers.length > 0) accounts.push(newcomers.shift() as string);
    }
    for (let chunk = 1; newcomers.length > 0; chunk += 1) {
        if (!chunks.has(chunk)) chunks.set(chunk, newcomers.splice(0, capacity));
    }
    const filled = [...chunks].filter(([, accounts]) => accounts.length > 0);
    const distinct = [...new Set(desired)].sort();
    if (filled.length > Math.ceil(distinct.length / capacity)) {
        return new Map(chunked(distinct, capacity).map((accounts, i) => [i + 1, accounts]));
    }
    return new Map(filled.map(([chunk, accounts]) => [chunk, accounts.sort()]));
}
