import {
    type Account,
    InvalidInputException,
    type ListAccountsForParentCommandInput,
    type ListAccountsForParentCommandOutput,
    type ListOrganizationalUnitsForParentCommandInput,
    type ListOrganizationalUnitsForParentCommandOutput,
    OrganizationalUnitNotEmptyException,
    ParentNotFoundException,
} from "@aws-sdk/client-organizations";

/** An organisation held in memory that answers the Organizations list calls the way the service does. */

type AccountState = "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE" | "CLOSED";

interface FakeAccount {
    name: string;
    parentId: string;
    state: AccountState;
    tags: Record<string, string>;
}

const MAX_PAGE_SIZE = 20;
const $metadata = {};

export class FakeOrganization {
    readonly ous = new Map<string, { name: string; parentId: string }>();
    readonly accounts = new Map<string, FakeAccount>();
    /** What the service returns when MaxResults is not given. */
    defaultPageSize = 10;

    constructor(readonly rootId = "r-ab12") {}

    addOu(id: string, parentId: string, name = id): this {
        this.assertParent(parentId);
        this.ous.set(id, { name, parentId });
        return this;
    }

    addAccount(id: string, parentId: string, options: { name?: string; state?: AccountState; tags?: Record<string, string> } = {}): this {
        this.assertParent(parentId);
        this.accounts.set(id, { name: options.name ?? `account ${id}`, parentId, state: options.state ?? "ACTIVE", tags: options.tags ?? {} });
        return this;
    }

    moveAccount(id: string, parentId: string): this {
        this.assertParent(parentId);
        const account = this.accounts.get(id);
        if (account === undefined) throw new Error(`no account ${id}`);
        account.parentId = parentId;
        return this;
    }

    setState(id: string, state: AccountState): this {
        const account = this.accounts.get(id);
        if (account === undefined) throw new Error(`no account ${id}`);
        account.state = state;
        return this;
    }

    /** Like the service: only an empty OU can be deleted. */
    deleteOu(id: string): this {
        const occupied = [...this.ous.values(), ...this.accounts.values()].some(child => child.parentId === id);
        if (occupied) throw new OrganizationalUnitNotEmptyException({ message: `${id} is not empty`, $metadata });
        this.ous.delete(id);
        return this;
    }

    /** Reference membership, found upwards from each account through parent pointers (not by walking down). */
    activeAccountsUnder(ouId: string, nested: boolean): Set<string> {
        const under = new Set<string>();
        for (const [id, account] of this.accounts) {
            if (account.state !== "ACTIVE") continue;
            if (nested ? this.ancestors(account.parentId).includes(ouId) : account.parentId === ouId) under.add(id);
        }
        return under;
    }

    listOrganizationalUnitsForParent(input: ListOrganizationalUnitsForParentCommandInput): ListOrganizationalUnitsForParentCommandOutput {
        const children = [...this.ous].filter(([, ou]) => ou.parentId === input.ParentId).map(([id, ou]) => ({ Id: id, Name: ou.name }));
        const { page, NextToken } = this.page(input, children);
        return { OrganizationalUnits: page, NextToken, $metadata };
    }

    listAccountsForParent(input: ListAccountsForParentCommandInput): ListAccountsForParentCommandOutput {
        const accounts: Account[] = [...this.accounts]
            .filter(([, account]) => account.parentId === input.ParentId)
            .map(([id, account]) => ({
                Id: id,
                Name: account.name,
                Email: `${id}@example.com`,
                State: account.state,
                Status: account.state === "CLOSED" ? "SUSPENDED" : account.state,
            }));
        const { page, NextToken } = this.page(input, accounts);
        return { Accounts: page, NextToken, $metadata };
    }

    /** Page count a full read of this parent's children or accounts takes at the given page size. */
    pagesFor(parentId: string, kind: "ous" | "accounts", pageSize: number): number {
        const items = kind === "ous" ? [...this.ous.values()] : [...this.accounts.values()];
        return Math.max(1, Math.ceil(items.filter(item => item.parentId === parentId).length / pageSize));
    }

    private ancestors(parentId: string): string[] {
        const chain = [parentId];
        for (let id = parentId; this.ous.has(id);) {
            id = (this.ous.get(id) as { parentId: string }).parentId;
            chain.push(id);
        }
        return chain;
    }

    private assertParent(parentId: string): void {
        if (parentId !== this.rootId && !this.ous.has(parentId)) {
            throw new ParentNotFoundException({ message: `no parent ${parentId}`, $metadata });
        }
    }

    private page<T>(input: { ParentId?: string; MaxResults?: number; NextToken?: string }, items: T[]): { page: T[]; NextToken?: string } {
        this.assertParent(input.ParentId ?? "");
        const size = input.MaxResults ?? this.defaultPageSize;
        if (size < 1 || size > MAX_PAGE_SIZE) throw new InvalidInputException({ message: `MaxResults ${size} out of range`, $metadata });
        const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
        const end = start + size;
        return { page: items.slice(start, end), ...(end < items.length ? { NextToken: String(end) } : {}) };
    }
}
