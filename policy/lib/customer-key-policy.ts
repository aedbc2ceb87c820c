// Builds the resource policies whose core is "this property references a customer-managed KMS
// key"; each caller names the property per type and may add checks of related settings.
import { type Anchors, type Resource, resourcePolicy } from "./define";
import { keyRefProblem } from "./kms-ref";
import { dig } from "./values";

export interface CustomerKeyOptions {
    name: string;
    concern: string;
    description: string;
    remediationSteps: string;
    anchors: Anchors;
    /** Resource type -> dotted path of the key reference. */
    keyPaths: Readonly<Record<string, string>>;
    severity?: "low" | "medium" | "high" | "critical";
    /** Extra checks; return false to skip the key check (e.g. encryption not applicable). */
    extra?: (resource: Resource, report: (message: string) => void) => boolean | void;
}

export function customerKeyPolicy(options: CustomerKeyOptions) {
    return resourcePolicy({
        name: options.name,
        concern: options.concern,
        description: options.description,
        severity: options.severity ?? "high",
        remediationSteps: options.remediationSteps,
        anchors: options.anchors,
        resourceTypes: Object.keys(options.keyPaths),
        validate(resource, _config, report) {
            if (options.extra?.(resource, report) === false) {
                return;
            }
            const path = options.keyPaths[resource.type];
            const problem = keyRefProblem(dig(resource.props, path), path);
            if (problem) {
                report(problem);
            }
        },
    });
}
