import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { createFleetClients, type FleetClients, fleetReader, imageReader } from "./aws";
import type { DiscoveryResult } from "../../contracts/fleet-refresh";
import { runDiscovery } from "./discover";
import { readFleetEnvironment } from "./environment";
import { readDiscoveryRequest } from "./request";
import { instrumented, telemetry } from "../shared/telemetry";

const { logger, metrics } = telemetry("fleet-discovery");
let clients: FleetClients | undefined;

/** Resolves the AMI to roll out and the ECS Auto Scaling groups to refresh, grouped into waves. */
export async function handler(event: unknown): Promise<DiscoveryResult> {
    const request = readDiscoveryRequest(event);
    const env = readFleetEnvironment(process.env);
    const aws = (clients ??= createFleetClients());
    return instrumented(metrics, "DiscoveryFailed", async () => {
        const result = await runDiscovery({ fleet: fleetReader(aws), images: imageReader(aws) }, request, env);
        for (const skip of result.skipped) logger.warn("not refreshed", { ...skip });
        logger.info("fleet discovered", {
            imageId: result.imageId,
            clusterCount: result.clusterCount,
            groupCount: result.groupCount,
            waveSizes: result.waves.map(wave => wave.groups.length),
        });
        metrics.addMetric("ClustersSelected", MetricUnit.Count, result.clusterCount);
        metrics.addMetric("GroupsDiscovered", MetricUnit.Count, result.groupCount);
        metrics.addMetric("GroupsSkipped", MetricUnit.Count, result.skipped.length);
        return result;
    });
}
