import { stackPolicy } from "../../lib/define";

export const kmsKeyPolicyExplicit = stackPolicy({
    name: "kms-key-policy-explicit",
    concern: "kms",
    description: "Every KMS key has an explicit key policy (Key.policy or an aws.kms.KeyPolicy), never the implicit default.",
    severity: "medium",
    remediationSteps: "Write the key policy in the program: key administrators, the roles that use the key, and service principals with conditions.",
    anchors: { checkov: ["CKV2_AWS_64"], pulumi: ["BP kms-key-deletion-lifecycle"] },
    resourceTypes: ["aws:kms/key:Key"],
    validateStack(resources, _config, report) {
        const keys = resources.filter(r => r.type === "aws:kms/key:Key");
        const covered = new Set(
            resources
                .filter(r => r.type === "aws:kms/keyPolicy:KeyPolicy")
                .flatMap(p => (p.propertyDependencies.keyId ?? []).filter(d => d.type === "aws:kms/key:Key")),
        );
        for (const key of keys) {
            const policy = key.props.policy;
            // An unknown document is present (kms-key-policy-scoped reports that it cannot be read).
            if ((policy === undefined || policy === "" || policy === null) && !covered.has(key)) {
                report(`key ${key.name} has no explicit key policy`, key.urn);
            }
        }
    },
});
