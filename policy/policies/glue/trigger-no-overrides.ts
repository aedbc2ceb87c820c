import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";
import { isDict } from "../../lib/values";

export const glueTriggerNoOverrides = resourcePolicy({
    name: "glue-trigger-no-overrides",
    concern: "glue",
    description:
        "Glue triggers start jobs as the jobs declare them: no action replaces the job's arguments (which carry the model's column " +
        "policy and bookmarks) or its security configuration (which carries the encryption).",
    severity: "high",
    remediationSteps:
        "Remove actions[].arguments and actions[].securityConfiguration from the trigger; change the job's defaultArguments or " +
        "securityConfiguration instead (Glue API, Action: Arguments replace the job's default arguments for that run).",
    anchors: {},
    resourceTypes: ["aws:glue/trigger:Trigger"],
    validate(resource, _config, report) {
        const actions = resource.props.actions;
        if (isUnknown(actions) || (actions !== undefined && !Array.isArray(actions))) {
            report("actions are not known at preview, so overrides cannot be ruled out");
            return;
        }
        (actions ?? []).forEach((action: unknown, index: number) => {
            if (isUnknown(action) || !isDict(action)) {
                report(`actions[${index}] is not known at preview`);
                return;
            }
            const args = action.arguments;
            if (isUnknown(args)) {
                report(`actions[${index}].arguments is not known at preview`);
            } else if (isDict(args) && Object.keys(args).length > 0) {
                report(`actions[${index}] replaces the job's arguments ${Object.keys(args).sort().join(", ")}`);
            }
            const security = action.securityConfiguration;
            if (isUnknown(security)) {
                report(`actions[${index}].securityConfiguration is not known at preview`);
            } else if (typeof security === "string" && security !== "") {
                report(`actions[${index}] runs the job with security configuration ${security} instead of its own`);
            }
        });
    },
});
