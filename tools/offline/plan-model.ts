import { deployOrder } from "./deploy-order";
import type { RecordedResource } from "./recorder";

export interface AccountPlan {
    name: string;
    role: string;
    accountId: string;
    region: string;
    resourceCount: number;
    byType: Record<string, number>;
    tree: TreeNode;
}

interface TreeNode {
    type: string;
    name: string;
    urn: string;
    /** Custom resources directly under this component. */
    resources: number;
    children: TreeNode[];
}

const ACCOUNT_TYPE = /^lakewarden:account:/;

/** Groups a recording by account: each account component with its subtree, counts by type. */
/** The accounts in deploy order (tools/offline/deploy-order.ts): the plan, the access report and deploy:account list them so. */
export function accountPlans(resources: RecordedResource[]): AccountPlan[] {
    const plans = unorderedAccountPlans(resources);
    const order = deployOrder(resources, plans).map(step => step.account);
    return [...plans].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

function unorderedAccountPlans(resources: RecordedResource[]): AccountPlan[] {
    const children = new Map<string, RecordedResource[]>();
    for (const r of resources) {
        if (r.parent) {
            children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
        }
    }
    const providers = new Map(resources.filter(r => r.type === "pulumi:providers:aws").map(p => [p.name, p]));
    return resources
        .filter(r => ACCOUNT_TYPE.test(r.type))
        .map(component => {
            const subtree = descendants(component.urn, children);
            const custom = subtree.filter(r => r.custom);
            const byType: Record<string, number> = {};
            for (const r of custom) {
                byType[r.type] = (byType[r.type] ?? 0) + 1;
            }
            const provider = providers.get(component.name);
            return {
                name: component.name,
                role: component.type.replace(ACCOUNT_TYPE, "").toLowerCase(),
                accountId: String((provider?.props.allowedAccountIds as string[] | undefined)?.[0] ?? "?"),
                region: String(provider?.props.region ?? "?"),
                resourceCount: custom.length,
                byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
                tree: treeOf(component, children),
            };
        });
}

function descendants(urn: string, children: Map<string, RecordedResource[]>): RecordedResource[] {
    return (children.get(urn) ?? []).flatMap(child => [child, ...descendants(child.urn, children)]);
}

function treeOf(node: RecordedResource, children: Map<string, RecordedResource[]>): TreeNode {
    const direct = children.get(node.urn) ?? [];
    return {
        type: node.type,
        name: node.name,
        urn: node.urn,
        resources: direct.filter(c => c.custom).length,
        children: direct.filter(c => !c.custom).map(c => treeOf(c, children)),
    };
}

export function renderAccount(plan: AccountPlan): string {
    const lines = [`account ${plan.name} (${plan.role}, ${plan.accountId}, ${plan.region}): ${plan.resourceCount} resources`, "  components:"];
    const walk = (node: TreeNode, depth: number) => {
        const total = countTree(node);
        lines.push(`${"  ".repeat(depth + 2)}${node.type} ${node.name} (${total} resource${total === 1 ? "" : "s"})`);
        node.children.forEach(c => walk(c, depth + 1));
    };
    walk(plan.tree, 0);
    lines.push("  resources by type:");
    for (const [type, count] of Object.entries(plan.byType)) {
        lines.push(`    ${String(count).padStart(4)}  ${type}`);
    }
    return lines.join("\n");
}

function countTree(node: TreeNode): number {
    return node.resources + node.children.reduce((sum, c) => sum + countTree(c), 0);
}
