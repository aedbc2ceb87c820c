import assert from "node:assert/strict";
import { createLimiter } from "../../../lambdas/ou-reconciler/concurrency";
import { type OrgAccount, type OrgReader, resolveMemberships } from "../../../lambdas/ou-reconciler/org-tree";

/** A reader over a fixed tree that counts reads and can fail for chosen parents. */
function reader(tree: Record<string, { ous: string[]; accounts: OrgAccount[] }>, failing: string[] = []): OrgReader & { reads: string[] } {
    const reads: string[] = [];
    const read = async <T>(kind: string, parentId: string, pick: (node: { ous: string[]; accounts: OrgAccount[] }) => T): Promise<T | undefined> => {
        reads.push(`${kind}:${parentId}`);
        if (failing.includes(parentId)) throw new Error(`AccessDenied on ${parentId}`);
        const node = tree[parentId];
        return node === undefined ? undefined : pick(node);
    };
    return { reads, childOus: id => read("ous", id, n => n.ous), accounts: id => read("accounts", id, n => n.accounts) };
}

const active = (id: string): OrgAccount => ({ id, state: "ACTIVE" });
const tree = {
    "r-ab12": { ous: ["ou-ab12-aaaaaaaa", "ou-ab12-bbbbbbbb"], accounts: [active("100000000001")] },
    "ou-ab12-aaaaaaaa": { ous: ["ou-ab12-cccccccc"], accounts: [active("100000000002"), { id: "100000000003", state: "SUSPENDED" }] },
    "ou-ab12-bbbbbbbb": { ous: [], accounts: [active("100000000004"), active("not-an-id")] },
    "ou-ab12-cccccccc": { ous: [], accounts: [active("100000000005"), { id: "100000000006", state: undefined }] },
};

describe("ou-reconciler organisation walk", () => {
    it("collects active accounts by OU-id ancestry, nested or direct", async () => {
        const r = reader(tree);
        const result = await resolveMemberships(
            r,
            [
                { ouId: "r-ab12", nested: true },
                { ouId: "ou-ab12-aaaaaaaa", nested: true },
                { ouId: "ou-ab12-aaaaaaaa", nested: false },
            ],
            createLimiter(2),
        );
        const accounts = (key: string) => {
            const m = result.byRequest.get(key);
            return m?.kind === "known" ? [...m.accounts].sort() : m;
        };
        assert.deepEqual(accounts("r-ab12/tree"), ["100000000001", "100000000002", "100000000004", "100000000005"]);
        assert.deepEqual(accounts("ou-ab12-aaaaaaaa/tree"), ["100000000002", "100000000005"]);
        assert.deepEqual(accounts("ou-ab12-aaaaaaaa/only"), ["100000000002"]);
        assert.deepEqual(result.rejectedAccountIds, ["not-an-id"]);
        // Each parent is read once however many requests overlap it.
        assert.equal(r.reads.length, new Set(r.reads).size);
        assert.equal(r.reads.length, 8);
    });

    it("reads only the subtrees the mapping names", async () => {
        const r = reader(tree);
        await resolveMemberships(r, [{ ouId: "ou-ab12-bbbbbbbb", nested: false }], createLimiter(2));
        assert.deepEqual(r.reads, ["accounts:ou-ab12-bbbbbbbb"]);
    });

    it("reports a deleted OU as existing no more, with no accounts", async () => {
        const result = await resolveMemberships(reader(tree), [{ ouId: "ou-ab12-dddddddd", nested: true }], createLimiter(2));
        assert.deepEqual(result.byRequest.get("ou-ab12-dddddddd/tree"), { kind: "known", accounts: new Set(), exists: false });
    });

    it("marks a request unknown when any OU below it cannot be read, without affecting the others", async () => {
        const result = await resolveMemberships(
            reader(tree, ["ou-ab12-cccccccc"]),
            [
                { ouId: "r-ab12", nested: true },
                { ouId: "ou-ab12-bbbbbbbb", nested: true },
            ],
            createLimiter(2),
        );
        assert.equal(result.byRequest.get("r-ab12/tree")?.kind, "unknown");
        assert.match(JSON.stringify(result.byRequest.get("r-ab12/tree")), /AccessDenied on ou-ab12-cccccccc/);
        assert.equal(result.byRequest.get("ou-ab12-bbbbbbbb/tree")?.kind, "known");
    });
});
