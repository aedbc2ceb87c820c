import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { describeImage } from "../fleet-discovery/aws";
import { readFleetEnvironment } from "../fleet-discovery/environment";
import { instrumented, telemetry } from "../shared/telemetry";
import { prepareLaunchTemplates } from "./apply";
import { createTemplateClients, launchTemplatePort, type TemplateClients } from "./aws";
import type { PreparationResult } from "./contract";
import { readPreparationRequest } from "./request";

const { logger, metrics } = telemetry("launch-template-version");
let clients: TemplateClients | undefined;

/** Creates (or finds) one launch template version with the new AMI per template and source version. */
export async function handler(event: unknown): Promise<PreparationResult> {
    const request = readPreparationRequest(event);
    const env = readFleetEnvironment(process.env);
    const aws = (clients ??= createTemplateClients());
    return instrumented(metrics, "PreparationFailed", async () => {
        const result = await prepareLaunchTemplates(launchTemplatePort(aws), { describeImage: id => describeImage(aws.ec2, id) }, request, env);
        for (const record of result.templates) logger.info("launch template version ready", { ...record });
        const pinned = result.waves.flatMap(wave => wave.groups).filter(group => group.pinnedFrom !== undefined);
        for (const group of pinned) {
            logger.info("group pinned to a numbered version", {
                autoScalingGroupName: group.autoScalingGroupName,
                from: group.pinnedFrom,
                to: group.sourceVersion,
            });
        }
        metrics.addMetric("LaunchTemplateVersionsCreated", MetricUnit.Count, result.templates.filter(t => t.action === "created").length);
        metrics.addMetric("GroupsPinned", MetricUnit.Count, pinned.length);
        return result;
    });
}
