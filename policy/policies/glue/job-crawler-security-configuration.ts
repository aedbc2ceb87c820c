import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";

export const glueJobCrawlerSecurityConfiguration = resourcePolicy({
    name: "glue-job-crawler-security-configuration",
    concern: "glue",
    description: "Every Glue job and crawler runs with a security configuration (see glue-security-configuration-encrypted).",
    severity: "high",
    remediationSteps: "Set securityConfiguration to the name of the account's encrypted Glue security configuration.",
    anchors: { cdkNag: ["AwsSolutions-GL1", "AwsSolutions-GL3"], checkov: ["CKV_AWS_195"] },
    resourceTypes: ["aws:glue/job:Job", "aws:glue/crawler:Crawler"],
    validate(resource, _config, report) {
        const name = resource.props.securityConfiguration;
        // An unknown name is the output of a SecurityConfiguration of this program.
        if (!isUnknown(name) && (typeof name !== "string" || name === "")) {
            report("has no securityConfiguration");
        }
    },
});
