import type { RecordedResource } from "./recorder";

/**
 * `pulumi up --target` globs as the engine reads them: `**` matches anything, `*` matches
 * within one URN segment (no colons).
 */
export function globToRegExp(glob: string): RegExp {
    const escaped = glob
        .split("**")
        .map(part =>
            part
                .split("*")
                .map(s => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
                .join("[^:]*"),
        )
        .join(".*");
    return new RegExp(`^${escaped}$`);
}

export interface AccountTargets {
    /** What to pass as `--target` (each once). */
    targets: string[];
    /** URNs those targets select in the recorded program. */
    selected: string[];
    /** True when a glob would have selected another account's resources, so URNs are listed one by one. */
    explicit: boolean;
}

/**
 * Targets for deploying one account alone: its account component, everything under it, and its
 * provider. Globs when they select exactly that subtree; otherwise each URN explicitly.
 */
export function accountTargets(resources: RecordedResource[], accountName: string): AccountTargets {
    const component = resources.find(r => r.type.startsWith("lakewarden:account:") && r.name === accountName);
    if (!component) {
        const known = resources.filter(r => r.type.startsWith("lakewarden:account:")).map(r => r.name);
        throw new Error(`no account named "${accountName}" in this stack (accounts: ${known.join(", ")})`);
    }
    const accountIdOf = (r: RecordedResource) => (r.props.allowedAccountIds as string[] | undefined)?.[0];
    const main = resources.find(r => r.type === "pulumi:providers:aws" && r.name === accountName);
    // The account's providers: its main one and any per-region one (same allowed account).
    const providers = resources.filter(r => r.type === "pulumi:providers:aws" && main !== undefined && accountIdOf(r) === accountIdOf(main));
    const subtree = new Set([component.urn]);
    for (const r of resources) {
        if (r.parent && subtree.has(r.parent)) {
            subtree.add(r.urn);
        }
    }
    const wanted = new Set([...subtree, ...providers.map(p => p.urn)]);
    const prefix = component.urn.slice(0, component.urn.lastIndexOf("::"));
    const globs = [component.urn, `${prefix}$**::${accountName}-*`, ...providers.map(p => p.urn)];
    const selected = resources.map(r => r.urn).filter(urn => globs.some(g => globToRegExp(g).test(urn)));
    const exact = selected.length === wanted.size && selected.every(urn => wanted.has(urn));
    return exact ? { targets: globs, selected, explicit: false } : { targets: [...wanted], selected: [...wanted], explicit: true };
}

export function pulumiUpCommand(stack: string, targets: string[], preview: boolean): string[] {
    return [
        "pulumi",
        preview ? "preview" : "up",
        "--stack",
        stack,
        ...targets.flatMap(t => ["--target", t]),
        "--policy-pack",
        "policy",
        "--policy-pack-config",
        `policy/config/${stack}.json`,
    ];
}
