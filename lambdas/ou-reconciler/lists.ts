/** Consecutive slices of at most `size` items. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
    const slices: T[][] = [];
    for (let i = 0; i < items.length; i += size) slices.push(items.slice(i, i + size));
    return slices;
}
