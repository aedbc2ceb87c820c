import { resourcePolicy } from "../../lib/define";
import { looksLikeSecretName } from "../../lib/secret-names";
import { keyRefProblem } from "../../lib/kms-ref";
import { isUnknown } from "../../lib/unknown";
import { asDict, dig } from "../../lib/values";

export const lambdaEnvEncrypted = resourcePolicy({
    name: "lambda-env-encrypted",
    concern: "compute",
    description: "Lambda functions with environment variables encrypt them with a customer-managed key, and hold no secret-looking variables.",
    severity: "high",
    remediationSteps: "Set kmsKeyArn to the customer-managed key ARN; keep secrets in Secrets Manager and pass only the secret ARN.",
    anchors: { checkov: ["CKV_AWS_173", "CKV_AWS_45"], pulumi: ["PCI lambda-environment-variables-encryption"] },
    resourceTypes: ["aws:lambda/function:Function"],
    validate(resource, _config, report) {
        const variables = dig(resource.props, "environment.variables");
        if (isUnknown(variables)) {
            report("environment.variables is not known at preview");
            return;
        }
        const vars = asDict(variables) ?? {};
        if (Object.keys(vars).length === 0) {
            return;
        }
        const problem = keyRefProblem(resource.props.kmsKeyArn, "environment variables");
        if (problem) {
            report(problem);
        }
        for (const name of Object.keys(vars).filter(looksLikeSecretName)) {
            report(`environment variable ${name} looks like a secret; pass a Secrets Manager ARN instead`);
        }
    },
});
