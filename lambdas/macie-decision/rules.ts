/**
 * Decision rules for Macie findings. They are part of the quarantine state machine definition
 * (passed to the decision function in its payload), so a rule change shows in the deploy diff.
 */
import { z } from "zod";
import { SENSITIVE_DATA_TYPES, SEVERITIES } from "../../contracts/macie-findings";

export const decisionRulesSchema = z.strictObject({
    /** Findings at or above this severity are quarantined. */
    severityThreshold: z.enum(SEVERITIES).default("High"),
    /** Quarantine publicly accessible objects whatever their severity (and owner allowlist). */
    quarantinePublic: z.boolean().default(true),
    /** Finding types eligible for automatic quarantine; other types only notify. */
    findingTypes: z
        .array(z.enum(SENSITIVE_DATA_TYPES))
        .min(1)
        .default([...SENSITIVE_DATA_TYPES]),
    /**
     * BucketOwner tag values approved to hold sensitive data: their private objects only notify.
     * Public exposure still quarantines when quarantinePublic is on.
     */
    bucketOwnerAllowlist: z.array(z.string().min(1)).default([]),
    /**
     * Bucket tag that enrols a bucket in remediation (the member role only acts on enrolled
     * buckets); null to act on every bucket Macie reports.
     */
    enrolmentTag: z
        .object({ key: z.string().min(1), value: z.string() })
        .nullable()
        .default({ key: "RequireMacieScan", value: "True" }),
});

export type DecisionRules = z.infer<typeof decisionRulesSchema>;
export type DecisionRulesInput = z.input<typeof decisionRulesSchema>;

export const DEFAULT_DECISION_RULES: DecisionRules = decisionRulesSchema.parse({});
