import { resourcePolicy } from "../../lib/define";

export const pulumiNoDefaultProvider = resourcePolicy({
    name: "pulumi-no-default-provider",
    concern: "pulumi",
    description: "Every AWS resource uses an explicit provider (which pins its account); none falls back to the default provider and ambient credentials.",
    severity: "critical",
    remediationSteps:
        "Create the resource with { provider } or as a child ({ parent: this }) of a component that received providers; keep " +
        'pulumi:disable-default-providers: ["aws"] in Pulumi.yaml.',
    anchors: {},
    resourceTypes: ["aws:*"],
    validate(resource, _config, report) {
        if (!resource.provider) {
            report("has no provider");
        } else if (resource.provider.name.startsWith("default")) {
            report(`uses the default provider ${resource.provider.urn}`);
        }
    },
});
