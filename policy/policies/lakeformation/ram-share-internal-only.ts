import { resourcePolicy } from "../../lib/define";
import { requireOff } from "../../lib/settings";

export const ramShareInternalOnly = resourcePolicy({
    name: "ram-share-internal-only",
    concern: "lakeformation",
    description: "RAM resource shares stay inside the organisation (allowExternalPrincipals false).",
    severity: "high",
    remediationSteps: "Set allowExternalPrincipals: false; share with accounts of the organisation only.",
    anchors: {},
    resourceTypes: ["aws:ram/resourceShare:ResourceShare"],
    validate(resource, _config, report) {
        requireOff(resource.props.allowExternalPrincipals, "allowExternalPrincipals", "allows principals outside the organisation", report);
    },
});
