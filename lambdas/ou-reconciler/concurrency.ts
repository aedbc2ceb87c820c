/** A limiter runs at most `limit` of the tasks given to it at a time, in the order they were given. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency limit must be a positive integer, got ${limit}`);
    let running = 0;
    const waiting: (() => void)[] = [];
    // A finishing task hands its slot straight to the next waiter, so a newcomer cannot overtake it.
    const release = (): void => {
        const next = waiting.shift();
        if (next === undefined) running -= 1;
        else next();
    };
    return async <T>(task: () => Promise<T>): Promise<T> => {
        if (running >= limit) await new Promise<void>(resolve => waiting.push(resolve));
        else running += 1;
        try {
            return await task();
        } finally {
            release();
        }
    };
}
