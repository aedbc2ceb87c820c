import { createHash } from "node:crypto";
import type { Log } from "sarif";
import type { PlanResult } from "../plan";
import { enabledPolicies, ruleOf, rulesFor } from "./rules";

// SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) as GitHub code
// scanning reads it (docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
// a result is shown on the PR only with a physicalLocation whose region has startLine (sarif-sdk rule
// GH1003), alerts are matched across runs by partialFingerprints, and properties["security-severity"]
// (a score out of 10) sets the alert's security severity.
export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

/** The plan's violations as one SARIF run; a resource has no source line, so results point at the stack's config file. */
export function planSarif(result: PlanResult): Log {
    const violations = result.policy?.violations ?? [];
    const rules = rulesFor(enabledPolicies(result), violations);
    const index = new Map(rules.map((r, i) => [r.name, i]));
    const configFile = `Pulumi.${result.stack}.yaml`;
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: "lakewarden",
                        informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
                        rules: rules.map(rule => ({
                            id: rule.name,
                            shortDescription: { text: rule.description },
                            ...(rule.remediationSteps ? { help: { text: rule.remediationSteps } } : {}),
                            properties: {
                                tags: ["security", ...rule.anchorIds],
                                ...(rule.severity && SECURITY_SEVERITY[rule.severity] ? { "security-severity": SECURITY_SEVERITY[rule.severity] } : {}),
                            },
                        })),
                    },
                },
                // Distinguishes the dev, prod and preview runs when several are uploaded for one commit.
                automationDetails: { id: `lakewarden-plan/${result.stack}${result.preview ? "-preview" : ""}/` },
                results: violations.map(v => {
                    const anchors = ruleOf(v.policyName).anchorIds;
                    return {
                        ruleId: v.policyName,
                        ruleIndex: index.get(v.policyName),
                        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
                        message: {
                            text: `${v.resourceType ?? "stack"} ${v.resourceName ?? ""}: ${v.message}${anchors.length > 0 ? `\n(${anchors.join(", ")})` : ""}`,
                        },
                        locations: [
                            {
                                physicalLocation: { artifactLocation: { uri: configFile }, region: { startLine: 1 } },
                                ...(v.urn
                                    ? {
                                          logicalLocations: [
                                              { fullyQualifiedName: v.urn, ...(v.resourceName ? { name: v.resourceName } : {}), kind: "resource" },
                                          ],
                                      }
                                    : {}),
                            },
                        ],
                        // The config file's line says nothing about the resource: the rule and URN identify the alert.
                        partialFingerprints: {
                            "lakewardenResource/v1": createHash("sha256")
                                .update(`${v.policyName}\0${v.urn ?? "stack"}`)
                                .digest("hex"),
                        },
                        properties: { enforcementLevel: v.enforcementLevel, ...(v.severity ? { severity: v.severity } : {}) },
                    };
                }),
            },
        ],
    };
}
