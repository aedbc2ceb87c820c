import { resourcePolicy } from "../../lib/define";
import { looksLikeSecretName } from "../../lib/secret-names";
import { isUnknown } from "../../lib/unknown";
import { asList, dig, isDict, isTrue } from "../../lib/values";

export const ecsTaskHardening = resourcePolicy<{ requireReadonlyRootFilesystem: boolean }>({
    name: "ecs-task-hardening",
    concern: "compute",
    description: "ECS task containers are not privileged, do not run as root, and take secrets from `secrets`, not `environment`.",
    severity: "high",
    remediationSteps: "Drop privileged, set user to a non-root uid, move secret values to secrets[].valueFrom (Secrets Manager/SSM ARNs).",
    anchors: {
        cdkNag: ["AwsSolutions-ECS2"],
        checkov: ["CKV_AWS_334", "CKV_AWS_335", "CKV_AWS_336", "CKV_AWS_97"],
        cis: ["ecs-task-definition-user-for-host-mode-check"],
    },
    resourceTypes: ["aws:ecs/taskDefinition:TaskDefinition"],
    config: { requireReadonlyRootFilesystem: { type: "boolean", default: false } },
    validate(resource, config, report) {
        const definitions = resource.props.containerDefinitions;
        if (isUnknown(definitions)) {
            report("containerDefinitions is not known at preview");
            return;
        }
        for (const container of asList(definitions)) {
            if (!isDict(container)) {
                report("containerDefinitions is not a list of objects");
                continue;
            }
            const name = String(container.name);
            if (isTrue(container.privileged)) {
                report(`container ${name} is privileged`);
            }
            if (container.user === undefined || ["root", "0", "0:0"].includes(String(container.user))) {
                report(`container ${name} runs as root (set user)`);
            }
            if (config.requireReadonlyRootFilesystem && !isTrue(container.readonlyRootFilesystem)) {
                report(`container ${name} has a writable root filesystem`);
            }
            for (const env of asList(container.environment)) {
                const variable = String(dig(env, "name"));
                if (looksLikeSecretName(variable)) {
                    report(`container ${name} passes ${variable} in environment; use secrets`);
                }
            }
        }
    },
});
