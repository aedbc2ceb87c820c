import assert from "node:assert/strict";
import fc from "fast-check";
import { assignChunks } from "../../../lambdas/ou-reconciler/chunk-assignment";

const ids = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => String(400_000_000_000 + from + i));

function union(chunks: Map<number, string[]>): string[] {
    return [...chunks.values()].flat().sort();
}

describe("ou-reconciler chunk assignment", () => {
    it("packs a cold start into consecutive full chunks", () => {
        const chunks = assignChunks(ids(0, 25), new Map(), 10);
        assert.deepEqual([...chunks.keys()], [1, 2, 3]);
        assert.deepEqual(
            [...chunks.values()].map(c => c.length),
            [10, 10, 5],
        );
    });

    it("keeps accounts where they are: one departure and one arrival touch one chunk", () => {
        const before = assignChunks(ids(0, 30), new Map(), 10);
        const desired = [...ids(1, 29), ids(100, 1)[0]];
        const after = assignChunks(desired, before, 10);
        const changed = [...after].filter(([chunk, accounts]) => accounts.join() !== before.get(chunk)?.join());
        assert.deepEqual(
            changed.map(([chunk]) => chunk),
            [1],
        );
        assert.deepEqual(union(after), [...desired].sort());
    });

    it("packs again when departures leave more chunks than needed", () => {
        const before = assignChunks(ids(0, 30), new Map(), 10);
        const after = assignChunks(ids(0, 15), before, 10);
        assert.equal(after.size, 2);
        assert.deepEqual(union(after), ids(0, 15));
    });

    it("reuses an unreadable chunk's number instead of deleting and creating", () => {
        const after = assignChunks(ids(0, 5), new Map([[1, undefined]]), 10);
        assert.deepEqual([...after.keys()], [1]);
    });

    it("always covers exactly the desired accounts, within capacity and in the fewest chunks", () => {
        const account = fc.integer({ min: 0, max: 60 }).map(n => ids(n, 1)[0]);
        const existing = fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.option(fc.array(account, { maxLength: 14 }), { nil: undefined })), {
            maxLength: 6,
        });
        fc.assert(
            fc.property(fc.array(account, { maxLength: 60 }), existing, fc.integer({ min: 1, max: 12 }), (desired, current, capacity) => {
                const chunks = assignChunks(desired, new Map(current), capacity);
                const distinct = [...new Set(desired)].sort();
                assert.deepEqual(union(chunks), distinct);
                for (const accounts of chunks.values()) assert.ok(accounts.length > 0 && accounts.length <= capacity);
                assert.equal(chunks.size, Math.ceil(distinct.length / capacity));
            }),
        );
    });
});
