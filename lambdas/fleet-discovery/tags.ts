import type { TagFilter } from "../../contracts/fleet-refresh";

/** A resource qualifies only when it carries every required tag with exactly the required value. */
export function matchesAllTags(tags: readonly { key?: string; value?: string }[] | undefined, required: readonly TagFilter[]): boolean {
    const present = new Map((tags ?? []).map(tag => [tag.key, tag.value]));
    return required.every(wanted => present.has(wanted.key) && present.get(wanted.key) === wanted.value);
}

/** Auto Scaling and EC2 spell tag fields with capitals; this adapts them to the same check. */
export function fromAwsTags(tags: readonly { Key?: string; Value?: string }[] | undefined): { key?: string; value?: string }[] {
    return (tags ?? []).map(tag => ({ key: tag.Key, value: tag.Value }));
}
