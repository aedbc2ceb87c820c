import { lakewardenPolicies } from "../../policy/policies";
import type { Violation } from "../../policy/runner";
import type { PlanResult } from "../plan";

/** What the CI reports say about a policy: the pack's metadata, or the plan's own checks. */
export interface RuleInfo {
    name: string;
    description: string;
    severity?: string;
    remediationSteps?: string;
    /** cdk-nag / Checkov / CIS / Pulumi equivalents as the pack tags them: "cdk-nag:AwsSolutions-S1", "checkov:CKV_AWS_18". */
    anchorIds: string[];
}

/** The plan's own check (tools/plan.ts), not a pack policy: a pii/secret column newly crossing accounts. */
export const ACCESS_CROSSING_RULE: RuleInfo = {
    name: "access-new-sensitive-crossing",
    description: "A change makes a pii/secret column cross an account boundary without a recorded approval.",
    severity: "critical",
    remediationSteps:
        "Add an approval (column, account, reason, approver, expires) to lf-sensitive-data-requires-filter.approvedColumns after review, or keep the column out of the share.",
    anchorIds: [],
};

// The pack's tags (policy/lib/define.ts) are "concern:<folder>" and one per anchor id.
const RULES = new Map<string, RuleInfo>([
    ...lakewardenPolicies.map(p => [p.name, { ...p, anchorIds: (p.tags ?? []).filter(t => !t.startsWith("concern:")) }] as const),
    [ACCESS_CROSSING_RULE.name, ACCESS_CROSSING_RULE],
]);

/** The rule a violation reports under; a name outside the pack and the plan is a defect, not a silent blank. */
export function ruleOf(name: string): RuleInfo {
    const rule = RULES.get(name);
    if (!rule) {
        throw new Error(`violation of unknown policy ${name}: neither in the pack nor a plan check`);
    }
    return rule;
}

/** Every rule that ran, then any the violations name (the plan's own checks), in pack order. */
export function rulesFor(policiesRun: Iterable<string>, violations: Violation[]): RuleInfo[] {
    const names = new Set([...policiesRun, ...violations.map(v => v.policyName)]);
    return [...names].map(ruleOf);
}

/** The pack's policies this plan ran: all but those its config disables. */
export function enabledPolicies(result: Pick<PlanResult, "relaxed">): string[] {
    const disabled = new Set((result.relaxed ?? []).filter(r => r.level === "disabled").map(r => r.policy));
    return lakewardenPolicies.map(p => p.name).filter(name => !disabled.has(name));
}

/** Violations grouped by policy, mandatory policies first, then by count. */
export function byPolicy(violations: Violation[]): { policy: string; level: Violation["enforcementLevel"]; count: number }[] {
    const groups = new Map<string, { policy: string; level: Violation["enforcementLevel"]; count: number }>();
    for (const v of violations) {
        const key = `${v.policyName}\0${v.enforcementLevel}`;
        const group = groups.get(key) ?? { policy: v.policyName, level: v.enforcementLevel, count: 0 };
        group.count++;
        groups.set(key, group);
    }
    const rank = (level: string) => (level === "mandatory" ? 0 : 1);
    return [...groups.values()].sort((a, b) => rank(a.level) - rank(b.level) || b.count - a.count || a.policy.localeCompare(b.policy));
}
