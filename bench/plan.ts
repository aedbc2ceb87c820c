import { runPlan } from "../tools/plan";
import { readStackConfig } from "../tools/offline/stack-config";

/**
 * Wall time of the offline plan (program under mocks + the whole policy pack) for dev, prod, and
 * generated environments of 10, 25 and 50 consumer accounts, with the per-account ratio.
 * usage: npx ts-node --transpile-only bench/plan.ts
 */
function generated(consumers: number): Record<string, string> {
    const base = readStackConfig("prod");
    const accounts = JSON.parse(base["lakewarden:accounts"]) as Record<string, unknown>[];
    const shares = JSON.parse(base["lakewarden:shares"]) as Record<string, unknown>[];
    const access = JSON.parse(base["lakewarden:consumerAccess"]) as Record<string, unknown>[];
    for (let i = 0; i < consumers; i++) {
        const id = String(400000000000 + i);
        const name = `team-${i}`;
        accounts.push({ name, role: "consumer", id, deployRoleArn: `arn:aws:iam::${id}:role/lakewarden-deploy` });
        shares.push({ consumer: name, database: "company", table: "products" }, { consumer: name, database: "sales", table: "orders" });
        access.push({ consumer: name, roles: [{ name: "analyst", reads: [{ database: "company", table: "products" }, { database: "sales", table: "orders" }] }] });
    }
    return {
        ...base,
        "lakewarden:accounts": JSON.stringify(accounts),
        "lakewarden:shares": JSON.stringify(shares),
        "lakewarden:consumerAccess": JSON.stringify(access),
    };
}

async function measure(label: string, stack: string, config?: Record<string, string>): Promise<{ seconds: number; resources: number; accounts: number }> {
    const result = await runPlan({ stack, config });
    const resources = result.accounts.reduce((sum, a) => sum + a.resourceCount, 0);
    if (result.exitCode !== 0) {
        throw new Error(`${label}: plan exited ${result.exitCode}`);
    }
    console.log(`${label.padEnd(22)} ${String(result.accounts.length).padStart(4)} accounts ${String(resources).padStart(6)} resources ${result.seconds.toFixed(2).padStart(7)} s  ${((result.seconds * 1000) / result.accounts.length).toFixed(0).padStart(5)} ms/account`);
    return { seconds: result.seconds, resources, accounts: result.accounts.length };
}

async function main(): Promise<void> {
    // Warm the module cache once so the first figure is not the cost of loading @pulumi/aws.
    await runPlan({ stack: "dev" });
    const dev = await measure("dev", "dev");
    await measure("prod", "prod");
    const sizes: { seconds: number; accounts: number }[] = [];
    for (const n of [10, 25, 50]) {
        sizes.push(await measure(`generated +${n} consumers`, "prod", generated(n)));
    }
    const [small, , large] = sizes;
    const growth = large.seconds / small.seconds / (large.accounts / small.accounts);
    console.log(`dev within 15 s target: ${dev.seconds < 15 ? "yes" : "NO"} (${dev.seconds.toFixed(2)} s)`);
    console.log(`growth 10 -> 50 consumers, time ratio / account ratio: ${growth.toFixed(2)} (<= 1.0 is linear or better)`);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
