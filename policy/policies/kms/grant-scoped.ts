import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";
import { asList, dig, show } from "../../lib/values";

export const kmsGrantScoped = resourcePolicy<{ allowedOperations: string[]; requireEncryptionContext: boolean }>({
    name: "kms-grant-scoped",
    concern: "kms",
    description: "KMS grants give only cryptographic use operations (never CreateGrant), to a named grantee, optionally with an encryption-context constraint.",
    severity: "high",
    remediationSteps: "Limit operations to what the grantee does (e.g. Decrypt, GenerateDataKey) and name the grantee role ARN.",
    anchors: { pulumi: ["PCI kms-grant-access-control"] },
    resourceTypes: ["aws:kms/grant:Grant"],
    config: {
        allowedOperations: {
            type: "array",
            items: { type: "string" },
            default: ["Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "DescribeKey"],
        },
        requireEncryptionContext: { type: "boolean", default: false },
    },
    validate(resource, config, report) {
        const operations = resource.props.operations;
        if (isUnknown(operations) || asList(operations).some(isUnknown)) {
            report("operations are not known at preview");
        } else {
            const extra = asList(operations).filter(o => !config.allowedOperations.includes(String(o)));
            if (extra.length > 0) {
                report(`grants ${extra.map(o => show(o)).join(", ")}, outside ${config.allowedOperations.join(", ")}`);
            }
        }
        const grantee = resource.props.granteePrincipal;
        // An unknown grantee is a role ARN output of this program, checked again at update.
        if (!isUnknown(grantee) && (typeof grantee !== "string" || grantee.includes("*"))) {
            report(`granteePrincipal ${show(grantee)} is not a named principal`);
        }
        if (config.requireEncryptionContext && dig(resource.props, "constraints") === undefined) {
            report("has no encryption-context constraint");
        }
    },
});
