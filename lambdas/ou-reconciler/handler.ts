import { describeError } from "./apply";
import { type AwsClients, createClients, lakeFormationPort, loadMappingDocument, organizationsReader } from "./aws";
import { readEnvironment } from "./config";
import { readInvocation } from "./event";
import { type MappingDocument, parseMappingDocument } from "./mapping";
import { reconcile, type ReconcileResult } from "./reconcile";
import { report } from "./report";
import { telemetry } from "../shared/telemetry";

const { logger, metrics } = telemetry("ou-reconciler");
let cached: { roleArn: string | undefined; clients: AwsClients } | undefined;

export class ReconcileFailedError extends Error {
    override name = "ReconcileFailedError";
}

/** Reconciles OU-derived row filters; `{ "dryRun": true }` returns the plan without writing. */
export async function handler(event: unknown): Promise<ReconcileResult> {
    const invocation = readInvocation(event);
    const env = readEnvironment(process.env);
    if (cached === undefined || cached.roleArn !== env.orgReadRoleArn) {
        cached = { roleArn: env.orgReadRoleArn, clients: createClients(env.orgReadRoleArn) };
    }
    const aws = cached.clients;
    logger.info("reconcile started", { ...invocation });
    let doc: MappingDocument;
    try {
        doc = parseMappingDocument(await loadMappingDocument(aws.ssm, env.mappingParameterName));
    } catch (error) {
        logger.error("mapping document unusable; nothing was changed", { error: describeError(error) });
        throw error;
    }
    try {
        const result = await reconcile(doc, organizationsReader(aws.organizations), lakeFormationPort(aws.lakeFormation), {
            dryRun: invocation.dryRun,
            readConcurrency: env.readConcurrency,
            writeConcurrency: env.writeConcurrency,
        });
        report(result, logger, metrics);
        if (result.counts.failed > 0) throw new ReconcileFailedError(`${result.counts.failed} reconcile step(s) failed; see the logged failures`);
        return result;
    } finally {
        metrics.publishStoredMetrics();
    }
}
