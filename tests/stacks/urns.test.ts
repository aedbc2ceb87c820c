import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { sharedStack } from "../helpers/program";

/**
 * The URNs of dev and prod as they were recorded before a refactoring (tests/fixtures/urns/<stack>.json).
 * A resource whose URN changes without an alias to the old one is deleted and created again by the engine,
 * so every recorded URN must still be a resource's URN or one of its aliases (own or inherited from its
 * parent, as the engine computes them). New resources are fine. After a deliberate removal, re-record with
 * `LAKEWARDEN_RECORD_URNS=1` and this spec.
 */
const fixture = (stack: string) => path.join(__dirname, "..", "fixtures", "urns", `${stack}.json`);

for (const stack of ["dev", "prod"]) {
    describe(`${stack}: every recorded URN survives refactoring`, () => {
        it("each URN of the fixture is a resource's URN or one of its aliases, claimed by one resource only", async () => {
            const recording = await sharedStack(stack);
            if (process.env.LAKEWARDEN_RECORD_URNS === "1") {
                writeFileSync(fixture(stack), `${JSON.stringify(recording.resources.map(r => r.urn).sort(), null, 2)}\n`);
            }
            const claimedBy = new Map<string, string[]>();
            for (const r of recording.resources) {
                for (const urn of new Set([r.urn, ...r.opts.aliases])) {
                    claimedBy.set(urn, [...(claimedBy.get(urn) ?? []), r.urn]);
                }
            }
            const recorded = JSON.parse(readFileSync(fixture(stack), "utf8")) as string[];
            assert.ok(recorded.length > 400, `${fixture(stack)} holds ${recorded.length} URNs`);
            assert.deepEqual(
                recorded.filter(urn => !claimedBy.has(urn)),
                [],
                "URNs no resource keeps (the engine would replace them)",
            );
            assert.deepEqual(
                recorded.filter(urn => (claimedBy.get(urn)?.length ?? 0) > 1).map(urn => [urn, claimedBy.get(urn)]),
                [],
                "URNs claimed by two resources",
            );
        });
    });
}
