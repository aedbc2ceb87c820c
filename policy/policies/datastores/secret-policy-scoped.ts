import { scopedResourcePolicy } from "../../lib/scoped-resource-policy";
import { requireOneOf } from "../../lib/settings";

export const secretPolicyScoped = scopedResourcePolicy({
    name: "secret-policy-scoped",
    concern: "datastores",
    service: "Secrets Manager",
    resourceTypes: ["aws:secretsmanager/secretPolicy:SecretPolicy"],
    anchors: {},
    remediationSteps: 'Name the roles that read the secret, keep blockPublicPolicy: true, and never allow "*" without aws:PrincipalOrgID.',
    extra(resource, report) {
        requireOneOf(resource.props.blockPublicPolicy, [true, "true"], "blockPublicPolicy", report);
    },
});
