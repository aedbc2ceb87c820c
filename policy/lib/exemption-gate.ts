// Sits between a policy and reportViolation: suppresses violations covered by a live exemption
// (recording the use), and turns expired exemptions into mandatory violations.
import type { ReportViolation } from "@pulumi/policy";
import { type Exemption, exemptionProblem, isExpired, matchesUrn } from "./exemptions";
import type { RunnerContext } from "./runner-context";

/** The object form of reportViolation that @pulumi/policy's server accepts at runtime. */
interface ViolationObject {
    message: string;
    urn?: string;
    enforcementLevel?: "advisory" | "mandatory";
}

export class ExemptionGate {
    private readonly valid: Exemption[];
    private readonly now: Date;

    constructor(
        private readonly policyName: string,
        exemptions: unknown,
        private readonly context: RunnerContext | undefined,
        private readonly reportViolation: ReportViolation,
    ) {
        // Malformed entries never apply (the CLI rejects them when it validates the config).
        this.valid = (Array.isArray(exemptions) ? exemptions : []).filter((e): e is Exemption => exemptionProblem(e) === undefined);
        this.now = context?.now ?? new Date();
    }

    /** Reports a violation unless a live exemption covers the URN. */
    report(message: string, urn: string, attachUrn: boolean): void {
        const exemption = this.valid.find(e => matchesUrn(e, urn) && !isExpired(e, this.now));
        if (!exemption) {
            this.reportViolation(message, attachUrn ? urn : undefined);
            return;
        }
        const use = { policyName: this.policyName, urn, message, reason: exemption.reason, expires: exemption.expires };
        if (this.context) {
            this.context.recordExemption(use);
        } else {
            this.reportObject({
                message: `exempted (${exemption.reason}${exemption.expires ? `; until ${exemption.expires}` : ""}): ${message}`,
                urn: attachUrn ? urn : undefined,
                enforcementLevel: "advisory",
            });
        }
    }

    /** Expired exemptions that match `urn` (or all of them when urn is undefined) fail. */
    reportExpired(urn: string | undefined, attachUrn: boolean): void {
        for (const e of this.valid) {
            if (isExpired(e, this.now) && (urn === undefined || matchesUrn(e, urn))) {
                this.reportObject({
                    message: `exemption '${e.urn}' expired on ${e.expires} (reason was: ${e.reason}); remove it or renew it after review`,
                    urn: attachUrn ? urn : undefined,
                    enforcementLevel: "mandatory",
                });
            }
        }
    }

    private reportObject(violation: ViolationObject): void {
        (this.reportViolation as unknown as (v: ViolationObject) => void)(violation);
    }
}
