import { readFileSync } from "node:fs";
import type { Policies } from "@pulumi/policy";
import { ConfigError } from "../../config/errors";
import { PolicyPackConfigError, reconcilePolicyPackConfig } from "../../policy/lib/engine-config";
import { organizationProblems, type StackConfig } from "../../policy/lib/org-config";
import type { AccessReport, Approval } from "../access/report";

/** Reads a --policy-pack-config file; a JSON syntax error is a config error naming the file. */
export function readPolicyConfig(file: string): Record<string, unknown> {
    const text = readFileSync(file, "utf8");
    try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
            throw new Error("expected a JSON object");
        }
        return parsed as Record<string, unknown>;
    } catch (error) {
        throw new ConfigError([{ key: file, message: `not valid policy pack config JSON: ${(error as Error).message}` }]);
    }
}

export interface Relaxation {
    policy: string;
    level: string;
    reason?: string;
    expires?: string;
}

/**
 * Validates a policy pack config as the runner will apply it and lists the policies it runs below
 * mandatory, with the reason and expiry each needs; a problem is a config error naming the file and key.
 * With the stack's config, the organisation id the pack reads from it is checked too (present where
 * a policy needs it, and no per-policy copy that disagrees).
 */
export function relaxedPolicies(file: string, config: Record<string, unknown>, policies: Policies, now = new Date(), stack?: StackConfig): Relaxation[] {
    let entries;
    try {
        entries = reconcilePolicyPackConfig(policies, "mandatory", config, now);
    } catch (error) {
        if (error instanceof PolicyPackConfigError) {
            throw new ConfigError(error.problems.map(p => ({ key: `${file}: ${p.key}`, message: p.message })));
        }
        throw error;
    }
    const organization = stack ? organizationProblems(policies, entries, stack, file) : [];
    if (organization.length > 0) {
        throw new ConfigError(organization);
    }
    return [...entries]
        .filter(([, entry]) => entry.enforcementLevel === "advisory" || entry.enforcementLevel === "disabled")
        .map(([policy, entry]) => ({ policy, level: entry.enforcementLevel, ...entry.relaxation }));
}

/** The per-column approvals the pack's lf-sensitive-data-requires-filter reads (shown in the access report). */
export function approvalsOf(config: Record<string, unknown>): Approval[] {
    const entry = config["lf-sensitive-data-requires-filter"];
    const list = entry && typeof entry === "object" ? (entry as { approvedColumns?: unknown }).approvedColumns : undefined;
    return Array.isArray(list) ? (list as Approval[]) : [];
}

/** The access report of a base plan's JSON (`--against`); a file without one is a config error naming it. */
export function readBaseAccess(file: string): AccessReport {
    let parsed: unknown;
    try {
        parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new ConfigError([{ key: "--against", message: `${file}: ${(error as Error).message}` }]);
    }
    const access = (parsed as { access?: AccessReport } | null)?.access;
    if (!access || !Array.isArray(access.consumers) || !Array.isArray(access.crossings)) {
        throw new ConfigError([{ key: "--against", message: `${file} holds no access report; write it with npm run plan -- --stack <stack> --json FILE` }]);
    }
    return access;
}
