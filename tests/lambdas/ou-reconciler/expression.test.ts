import assert from "node:assert/strict";
import fc from "fast-check";
import { chunkCapacity, isValidColumn, MAX_EXPRESSION_LENGTH, parseExpression, renderExpression } from "../../../lambdas/ou-reconciler/expression";

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => String(300_000_000_000 + i));

describe("ou-reconciler expression", () => {
    it("renders the canonical IN list and reads it back", () => {
        const expression = renderExpression("accountid", ["111111111111", "222222222222"]);
        assert.equal(expression, "accountid IN ('111111111111','222222222222')");
        assert.deepEqual(parseExpression("accountid", expression), ["111111111111", "222222222222"]);
    });

    it("fits exactly capacity ids under the 2,048-character limit, for short and maximal column names", () => {
        for (const column of ["accountid", "cloud.account.uid", `c${"x".repeat(254)}`]) {
            const capacity = chunkCapacity(column);
            assert.ok(renderExpression(column, ids(capacity)).length <= MAX_EXPRESSION_LENGTH);
            assert.ok(
                `${column} IN (${ids(capacity + 1)
                    .map(id => `'${id}'`)
                    .join(",")})`.length > MAX_EXPRESSION_LENGTH,
            );
            assert.throws(() => renderExpression(column, ids(capacity + 1)), /exceeds 2047/);
        }
        assert.equal(chunkCapacity("accountid"), 135);
    });

    it("lets only 12-digit account ids into an expression", () => {
        for (const bad of ["11111111111", "1111111111111", "11111111111a", "1' OR '1'='1", "111111111111') OR (1=1"]) {
            assert.throws(() => renderExpression("accountid", [bad]), /not a 12-digit account id/);
        }
        assert.throws(() => renderExpression("accountid", []), /at least one/);
    });

    it("accepts identifiers and nested fields, rejects anything that could change the expression", () => {
        for (const good of ["accountid", "account_id", "_x1", "cloud.account.uid"]) assert.ok(isValidColumn(good), good);
        for (const bad of ["", "1abc", "account id", "a;b", "a'b", 'a"b', "a--", "a.", ".a", "a..b", "in", "OR", "x.and", "a=1", "x".repeat(256)]) {
            assert.ok(!isValidColumn(bad), bad);
            assert.throws(() => renderExpression(bad, ["111111111111"]), /invalid account column/);
        }
    });

    it("does not read foreign or tampered expressions as ours", () => {
        for (const foreign of [
            "region = 'eu-west-1'",
            "accountid IN ('111111111111') OR true",
            "accountid IN ('111111111111', '222222222222')",
            "other IN ('111111111111')",
            "accountid IN ()",
            "accountid IN ('11111111111')",
        ]) {
            assert.equal(parseExpression("accountid", foreign), undefined, foreign);
        }
    });

    it("round-trips any list of account ids that fits", () => {
        fc.assert(
            fc.property(fc.array(fc.stringMatching(/^\d{12}$/), { minLength: 1, maxLength: 135 }), list => {
                assert.deepEqual(parseExpression("accountid", renderExpression("accountid", list)), list);
            }),
        );
    });
});
