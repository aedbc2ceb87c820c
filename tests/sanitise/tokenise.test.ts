import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tokenise } from "../../sanitise/tokenise";

interface Vector {
    keyHex: string;
    value: string | number | boolean;
    token: string;
}

describe("sanitise/tokenise", () => {
    const vectors: Vector[] = JSON.parse(readFileSync(join(__dirname, "../../glue/sanitise/vectors.json"), "utf8")).vectors;

    it("gives the same token as the Python core for every shared vector", () => {
        assert.ok(vectors.length >= 8);
        for (const v of vectors) {
            assert.equal(tokenise(Buffer.from(v.keyHex, "hex"), v.value), v.token, JSON.stringify(v));
        }
    });

    it("keeps null and refuses short keys", () => {
        assert.equal(tokenise(Buffer.alloc(32), null), null);
        assert.throws(() => tokenise(Buffer.alloc(16), "x"), /32 bytes/);
    });
});
