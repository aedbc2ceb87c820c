/**
 * Names of the data cells filters the reconciler owns: `lw_ou_<ou id with _ for ->_<tree|only>_<chunk>`.
 * The name alone says which OU, which membership rule and which chunk a filter holds, so ownership and
 * identity never depend on anything but the name. Anything that does not parse is not ours.
 */

const OWNED_PREFIX = "lw_ou_";

export interface FilterIdentity {
    ouId: string;
    /** true: accounts in the OU and every OU below it; false: accounts directly in the OU. */
    nested: boolean;
    /** 1-based chunk number; several chunks together hold an OU too large for one expression. */
    chunk: number;
}

const NAME = /^lw_ou_(ou_[0-9a-z]{4,32}_[0-9a-z]{8,32}|r_[0-9a-z]{4,32})_(tree|only)_([1-9][0-9]{0,3})$/;

/** Identifies the filters of one (OU, membership rule) pair on a table. */
export function groupKey(ouId: string, nested: boolean): string {
    return `${ouId}/${nested ? "tree" : "only"}`;
}

export function filterName(identity: FilterIdentity): string {
    const name = `${OWNED_PREFIX}${identity.ouId.replaceAll("-", "_")}_${identity.nested ? "tree" : "only"}_${identity.chunk}`;
    if (parseFilterName(name) === undefined) throw new Error(`cannot name a filter for ${JSON.stringify(identity)}`);
    return name;
}

export function parseFilterName(name: string): FilterIdentity | undefined {
    const match = NAME.exec(name);
    if (match === null) return undefined;
    return { ouId: match[1].replaceAll("_", "-"), nested: match[2] === "tree", chunk: Number(match[3]) };
}
