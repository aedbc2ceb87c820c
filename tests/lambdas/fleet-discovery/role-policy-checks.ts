import assert from "node:assert/strict";
import type { FleetScope, RolePolicyStatement } from "../../../lambdas/fleet-discovery/role-policy";
import { FLEET_ACCOUNT, REFRESH_TAG, REGION } from "../../../support/fleet-refresh/fake-cloud";

/** Checks every fleet Lambda role policy must pass. */

export const SCOPE: FleetScope = { partition: "aws", region: REGION, accountId: FLEET_ACCOUNT, refreshTag: { ...REFRESH_TAG } };

/** Read-only actions: the only ones a statement may grant on "*". */
export function isRead(action: string): boolean {
    return /^[a-z0-9-]+:(Describe|List|Get)/.test(action);
}

export function assertNoWildcards(statements: readonly RolePolicyStatement[]): void {
    for (const statement of statements) {
        for (const action of statement.Action) {
            assert.ok(!action.includes("*"), `${statement.Sid}: no wildcard action (${action})`);
            if (statement.Resource.includes("*")) assert.ok(isRead(action), `${statement.Sid}: ${action} on "*" must be a read`);
        }
    }
}
