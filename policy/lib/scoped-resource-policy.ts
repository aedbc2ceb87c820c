// Builds the stack policies that scope resource-based policies of one service; they differ only
// in the resource types, metadata and which extra keys pin service principals.
import { type Anchors, type Resource, stackPolicy } from "./define";
import { environmentAccounts, ownAccounts } from "./environment";
import { checkResourcePolicy } from "./iam/resource-policy";
import { resourcePolicyDocument } from "./iam/sources";
import { type OrgConfig, orgConfigSchema } from "./org-config";

export interface ScopedPolicyOptions {
    name: string;
    concern: string;
    service: string;
    resourceTypes: readonly string[];
    anchors: Anchors;
    remediationSteps: string;
    servicePinKeys?: readonly string[];
    /** Extra per-resource checks (e.g. SecretPolicy.blockPublicPolicy). */
    extra?: (resource: Resource, report: (message: string) => void) => void;
}

export function scopedResourcePolicy(options: ScopedPolicyOptions) {
    const types = new Set(options.resourceTypes);
    return stackPolicy<OrgConfig>({
        name: options.name,
        concern: options.concern,
        description:
            `${options.service} resource policies must not allow an unconditioned "*" principal, must pin service principals with ` +
            "aws:SourceArn/aws:SourceAccount, and may only let in accounts of the environment.",
        severity: "critical",
        remediationSteps: options.remediationSteps,
        anchors: options.anchors,
        resourceTypes: options.resourceTypes,
        config: orgConfigSchema,
        validateStack(resources, config, report) {
            const env = environmentAccounts(resources, config.trustedAccounts);
            for (const resource of resources.filter(r => types.has(r.type))) {
                const say = (message: string) => report(message, resource.urn);
                const ctx = { own: ownAccounts(resource), env, organizationId: config.organizationId, servicePinKeys: options.servicePinKeys };
                checkResourcePolicy(resourcePolicyDocument(resource), ctx, say);
                options.extra?.(resource, say);
            }
        },
    });
}
