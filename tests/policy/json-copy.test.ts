import * as assert from "node:assert/strict";
import fc from "fast-check";
import { jsonCopy } from "../../policy/lib/json-copy";

/** JSON's own answer: the value, or the TypeError it throws. */
function viaText(value: unknown): { value: unknown } | { error: string } {
    try {
        const text = JSON.stringify(value);
        return { value: text === undefined ? undefined : (JSON.parse(text) as unknown) };
    } catch (error) {
        return { error: (error as Error).constructor.name };
    }
}

function viaCopy(value: unknown): { value: unknown } | { error: string } {
    try {
        return { value: jsonCopy(value) };
    } catch (error) {
        return { error: (error as Error).constructor.name };
    }
}

describe("jsonCopy", () => {
    it("gives what a JSON text round trip gives, on arbitrary values", () => {
        const anything = fc.anything({
            withBigInt: true,
            withBoxedValues: true,
            withDate: true,
            withMap: true,
            withSet: true,
            withNullPrototype: true,
            withObjectString: true,
            withSparseArray: true,
            withTypedArray: true,
            withUnicodeString: true,
        });
        const withOddities = fc.oneof(
            anything,
            fc.record({ kept: anything, fn: fc.constant(() => 1), sym: fc.constant(Symbol("s")), none: fc.constant(undefined) }),
            fc.array(
                fc.oneof(
                    anything,
                    fc.constant(undefined),
                    fc.constant(() => 1),
                    fc.constant(Number.NaN),
                    fc.constant(-0),
                ),
            ),
            anything.map(inner => ({ toJSON: (key: string) => ({ key, inner }) })),
        );
        fc.assert(
            fc.property(withOddities, value => {
                assert.deepStrictEqual(viaCopy(value), viaText(value));
            }),
            { numRuns: 400 },
        );
    });

    it("keeps a __proto__ key as an own property, as JSON.parse does", () => {
        const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
        const copied = jsonCopy(value) as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(copied), ["__proto__", "a"]);
        assert.equal(Object.getPrototypeOf(copied), Object.prototype);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it("throws on a cycle, as JSON.stringify does, and copies a value seen twice without a cycle", () => {
        const cyclic: Record<string, unknown> = { a: 1 };
        cyclic.self = { back: cyclic };
        assert.throws(() => jsonCopy(cyclic), TypeError);
        const shared = { x: [1, 2] };
        const copied = jsonCopy({ left: shared, right: shared }) as { left: unknown; right: unknown };
        assert.deepStrictEqual(copied, { left: { x: [1, 2] }, right: { x: [1, 2] } });
        assert.notEqual(copied.left, shared);
    });

    it("shares strings and builds new objects and arrays", () => {
        const big = "x".repeat(1 << 20);
        const source = { code: { assets: { "index.js": { text: big } } }, list: [big] };
        const copied = jsonCopy(source) as typeof source;
        assert.equal(copied.code.assets["index.js"].text, big);
        assert.notEqual(copied.code, source.code);
        assert.notEqual(copied.list, source.list);
        copied.list.push("y");
        assert.equal(source.list.length, 1);
    });
});
