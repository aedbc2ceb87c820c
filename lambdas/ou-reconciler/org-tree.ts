import type { Limiter } from "./concurrency";
import { ACCOUNT_ID } from "./mapping";

/**
 * Who is under an OU, found by walking the organisation down from that OU's id. Membership is OU-id
 * ancestry only: names, paths and tags never enter it. Only the subtrees the mappings name are read.
 */

export interface OrgAccount {
    id: string;
    /** Account State, or the older Status where State is absent. */
    state: string | undefined;
}

/** Paginated reads of one parent (root or OU); undefined when the parent does not exist (any more). */
export interface OrgReader {
    childOus(parentId: string): Promise<string[] | undefined>;
    accounts(parentId: string): Promise<OrgAccount[] | undefined>;
}

export interface OuRequest {
    ouId: string;
    nested: boolean;
}

type Membership =
    | { kind: "known"; accounts: ReadonlySet<string>; exists: boolean }
    // The organisation could not be read: whatever depends on it must be left as it is.
    | { kind: "unknown"; reason: string };

export function requestKey(request: OuRequest): string {
    return `${request.ouId}/${request.nested ? "tree" : "only"}`;
}

export interface Memberships {
    byRequest: Map<string, Membership>;
    /** Accounts skipped because their id was not 12 digits. */
    rejectedAccountIds: string[];
}

class OrgWalker {
    private readonly accountsOf = new Map<string, Promise<OrgAccount[] | undefined>>();
    private readonly childrenOf = new Map<string, Promise<string[] | undefined>>();
    private readonly subtrees = new Map<string, Promise<Set<string> | undefined>>();
    readonly rejected = new Set<string>();

    constructor(
        private readonly reader: OrgReader,
        private readonly limit: Limiter,
    ) {}

    /** Active accounts under the OU; undefined when the OU does not exist. */
    members(ouId: string, nested: boolean): Promise<Set<string> | undefined> {
        const key = requestKey({ ouId, nested });
        let result = this.subtrees.get(key);
        if (result === undefined) {
            result = this.walk(ouId, nested);
            this.subtrees.set(key, result);
        }
        return result;
    }

    private async walk(ouId: string, nested: boolean): Promise<Set<string> | undefined> {
        const [accounts, children] = await Promise.all([
            this.memo(this.accountsOf, ouId, () => this.reader.accounts(ouId)),
            nested ? this.memo(this.childrenOf, ouId, () => this.reader.childOus(ouId)) : Promise.resolve([]),
        ]);
        if (accounts === undefined || children === undefined) return undefined;
        const members = new Set(accounts.filter(account => this.usable(account)).map(account => account.id));
        // A child deleted while we walk is simply gone: it contributes no accounts.
        for (const below of await Promise.all(children.map(child => this.members(child, true)))) {
            below?.forEach(id => members.add(id));
        }
        return members;
    }

    private usable(account: OrgAccount): boolean {
        if (!ACCOUNT_ID.test(account.id)) {
            this.rejected.add(account.id);
            return false;
        }
        return account.state === "ACTIVE";
    }

    private memo<T>(cache: Map<string, Promise<T>>, id: string, read: () => Promise<T>): Promise<T> {
        let result = cache.get(id);
        if (result === undefined) {
            result = this.limit(read);
            cache.set(id, result);
        }
        return result;
    }
}

export async function resolveMemberships(reader: OrgReader, requests: readonly OuRequest[], limit: Limiter): Promise<Memberships> {
    const walker = new OrgWalker(reader, limit);
    const byRequest = new Map<string, Membership>();
    await Promise.all(
        requests.map(async request => {
            try {
                const members = await walker.members(request.ouId, request.nested);
                byRequest.set(requestKey(request), { kind: "known", accounts: members ?? new Set(), exists: members !== undefined });
            } catch (error) {
                byRequest.set(requestKey(request), { kind: "unknown", reason: error instanceof Error ? error.message : String(error) });
            }
        }),
    );
    return { byRequest, rejectedAccountIds: [...walker.rejected].sort() };
}
