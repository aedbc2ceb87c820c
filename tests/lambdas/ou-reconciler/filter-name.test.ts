import assert from "node:assert/strict";
import fc from "fast-check";
import { filterName, groupKey, parseFilterName } from "../../../lambdas/ou-reconciler/filter-name";

describe("ou-reconciler filter names", () => {
    it("names a filter after its OU id, membership rule and chunk", () => {
        assert.equal(filterName({ ouId: "ou-ab12-cd34ef56", nested: true, chunk: 1 }), "lw_ou_ou_ab12_cd34ef56_tree_1");
        assert.equal(filterName({ ouId: "r-ab12", nested: false, chunk: 12 }), "lw_ou_r_ab12_only_12");
    });

    it("parses back exactly what it names, for every valid OU and root id", () => {
        const ouId = fc.oneof(fc.stringMatching(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/), fc.stringMatching(/^r-[0-9a-z]{4,32}$/));
        fc.assert(
            fc.property(ouId, fc.boolean(), fc.integer({ min: 1, max: 9999 }), (id, nested, chunk) => {
                const name = filterName({ ouId: id, nested, chunk });
                assert.ok(name.length <= 255 && /^[a-z0-9_]+$/.test(name));
                assert.deepEqual(parseFilterName(name), { ouId: id, nested, chunk });
            }),
        );
    });

    it("does not claim filters that merely share the prefix", () => {
        for (const name of [
            "lw_ou_custom",
            "lw_ou_ou_ab12_cd34ef56_tree_0",
            "lw_ou_ou_ab12_cd34ef56_tree_01",
            "lw_ou_ou_ab12_cd34ef56_all_1",
            "x_lw_ou_r_ab12_tree_1",
            "LW_OU_R_AB12_TREE_1",
            "lw_ou_r_ab12_tree_1 ",
        ]) {
            assert.equal(parseFilterName(name), undefined, name);
        }
    });

    it("refuses to name a filter for an id that is not an OU or root id", () => {
        assert.throws(() => filterName({ ouId: "Prod", nested: true, chunk: 1 }), /cannot name a filter/);
        assert.notEqual(groupKey("ou-ab12-cd34ef56", true), groupKey("ou-ab12-cd34ef56", false));
    });
});
