import { readFileSync } from "node:fs";
import { ConfigError } from "../../config/errors";
import type { Approval } from "../access/report";

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

/** The per-column approvals the pack's lf-sensitive-data-requires-filter reads (shown in the access report). */
export function approvalsOf(config: Record<string, unknown>): Approval[] {
    const entry = config["lf-sensitive-data-requires-filter"];
    const list = entry && typeof entry === "object" ? (entry as { approvedColumns?: unknown }).approvedColumns : undefined;
    return Array.isArray(list) ? (list as Approval[]) : [];
}
