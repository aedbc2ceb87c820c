import * as assert from "node:assert/strict";
import { deployOrder, renderDeployOrder } from "../../tools/offline/deploy-order";
import { accountPlans } from "../../tools/offline/plan-model";
import { sharedStack } from "../helpers/program";

describe("deploy order of the accounts (one source for the plan, the access report and deploy:account)", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every cross-account dependency is met by an earlier account or named as a second deploy`, async function () {
            this.timeout(300_000);
            const recording = await sharedStack(stack);
            const accounts = accountPlans(recording.resources);
            const steps = deployOrder(recording.resources, accounts);
            assert.deepEqual(
                accounts.map(a => a.name),
                steps.map(s => s.account),
                "accountPlans lists the accounts in deploy order",
            );
            const position = new Map(steps.map((s, i) => [s.account, i]));
            const nameOf = new Map(accounts.map(a => [a.accountId, a.name]));
            const accountOf = new Map(recording.resources.flatMap(r => (r.accountId && nameOf.has(r.accountId) ? [[r.urn, nameOf.get(r.accountId)!]] : [])));
            let edges = 0;
            for (const r of recording.resources) {
                const own = accountOf.get(r.urn);
                for (const d of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
                    const other = accountOf.get(d);
                    if (!own || !other || other === own) continue;
                    edges++;
                    const step = steps[position.get(own)!];
                    const met = position.get(other)! < position.get(own)! ? step.after : step.againAfter;
                    assert.ok(met.includes(other), `${r.name} (${own}) depends on ${d} (${other})`);
                }
            }
            assert.ok(edges > 0, "the environment has cross-account dependencies");
        });
    }

    it("dev: security first (the others trust its roles), deployed again after the accounts it waits for", async function () {
        this.timeout(300_000);
        const recording = await sharedStack("dev");
        assert.equal(
            renderDeployOrder(deployOrder(recording.resources, accountPlans(recording.resources))),
            [
                "deploy order, one account at a time (npm run deploy:account):",
                "  1. security; again after producer",
                "  2. management after security",
                "  3. producer after security; again after analytics",
                "  4. analytics after producer",
            ].join("\n"),
        );
    });
});
