// What the offline runner adds to validation args. The gRPC server never sets it, so under the
// engine exemption uses surface as advisory diagnostics and the clock is the real one.
import type { StackConfig } from "./org-config";

export const RUNNER_CONTEXT: unique symbol = Symbol.for("lakewarden.policy.runnerContext") as never;

export interface ExemptionUse {
    policyName: string;
    urn: string;
    /** The violation the exemption waived, as the policy reported it. */
    message: string;
    reason: string;
    expires?: string;
}

export interface RunnerContext {
    now: Date;
    /** The stack config the run judges against (the engine passes it in the pack's environment). */
    stack: StackConfig | undefined;
    recordExemption(use: ExemptionUse): void;
}

export function runnerContextOf(args: object): RunnerContext | undefined {
    return (args as { [RUNNER_CONTEXT]?: RunnerContext })[RUNNER_CONTEXT];
}
