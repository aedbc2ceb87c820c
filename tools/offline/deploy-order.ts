/**
 * The order in which an environment's accounts are deployed one at a time (npm run deploy:account),
 * derived from the recorded program rather than written down: account A comes after account B when a
 * resource of A depends on a resource of B (dependsOn or an input that is B's output). Cycles exist
 * (the security account's Macie organisation settings wait for the management account's delegation,
 * which waits for security roles), so an account is placed as soon as everything it needs is; when
 * none can be, the next by role (security, management, producer, consumer) goes first and is listed
 * as needing a second deploy after the accounts it could not wait for. A single `pulumi up` of the
 * whole environment needs none of this: the engine follows the same edges resource by resource.
 */
import type { RecordedResource } from "./recorder";

export interface DeployStep {
    account: string;
    /** Accounts deployed before this one that it depends on. */
    after: string[];
    /** Accounts it depends on that come later: deploy this account again once they are deployed. */
    againAfter: string[];
}

const ROLE_RANK = ["security", "management", "producer", "consumer"];

export function deployOrder(resources: readonly RecordedResource[], accounts: readonly { name: string; role: string; accountId: string }[]): DeployStep[] {
    const nameOfId = new Map(accounts.map(a => [a.accountId, a.name]));
    const accountOf = new Map<string, string>();
    for (const r of resources) {
        const name = r.accountId === undefined ? undefined : nameOfId.get(r.accountId);
        if (name !== undefined) accountOf.set(r.urn, name);
    }
    const needs = new Map(accounts.map(a => [a.name, new Set<string>()]));
    for (const r of resources) {
        const own = accountOf.get(r.urn);
        if (own === undefined) continue;
        for (const dependency of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
            const other = accountOf.get(dependency);
            if (other !== undefined && other !== own) needs.get(own)?.add(other);
        }
    }
    const rank = (role: string) => (ROLE_RANK.includes(role) ? ROLE_RANK.indexOf(role) : ROLE_RANK.length);
    const remaining = [...accounts].sort((a, b) => rank(a.role) - rank(b.role) || a.name.localeCompare(b.name));
    const placed = new Set<string>();
    const steps: DeployStep[] = [];
    while (remaining.length > 0) {
        const ready = remaining.findIndex(a => [...(needs.get(a.name) ?? [])].every(n => placed.has(n)));
        const [next] = remaining.splice(ready < 0 ? 0 : ready, 1);
        const required = [...(needs.get(next.name) ?? [])].sort();
        steps.push({ account: next.name, after: required.filter(n => placed.has(n)), againAfter: required.filter(n => !placed.has(n)) });
        placed.add(next.name);
    }
    return steps;
}

export function renderDeployOrder(steps: readonly DeployStep[]): string {
    return [
        "deploy order, one account at a time (npm run deploy:account):",
        ...steps.map((s, i) => {
            const after = s.after.length > 0 ? ` after ${s.after.join(", ")}` : "";
            const again = s.againAfter.length > 0 ? `; again after ${s.againAfter.join(", ")}` : "";
            return `  ${i + 1}. ${s.account}${after}${again}`;
        }),
    ].join("\n");
}
