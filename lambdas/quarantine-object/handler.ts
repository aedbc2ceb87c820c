/**
 * Step Functions task for the quarantine workflow, one action per call:
 *  copy           original version -> <prefix><versionId>/<key> in the same bucket (create-once)
 *  verify         quarantine copy equals the original version (size + SHA-256)
 *  deleteOriginal delete exactly the original version, after re-checking the verified copy
 * Cross-account through the role named by QUARANTINE_ROLE_NAME in the bucket's account.
 */
import { z } from "zod";
import { InvalidTransferRequest } from "../shared/s3-transfer/errors";
import { expectedSchema, findingIdSchema, objectVersionSchema, quarantinePrefixSchema, topPrefix, versionRefSchema } from "./input";
import { stepHandler } from "./step-handler";
import { openStore, type StepDeps } from "./steps";
import { copyVersion, deleteVerifiedSource, verifyCopy } from "../shared/s3-transfer/transfer";

const common = { findingId: findingIdSchema, object: objectVersionSchema };

const requestSchema = z.discriminatedUnion("action", [
    z.strictObject({ action: z.literal("copy"), ...common, quarantinePrefix: quarantinePrefixSchema }),
    z.strictObject({ action: z.literal("verify"), ...common, quarantine: versionRefSchema }),
    z.strictObject({ action: z.literal("deleteOriginal"), ...common, quarantine: versionRefSchema, expected: expectedSchema }),
]);
export type QuarantineRequest = z.infer<typeof requestSchema>;

const MAX_KEY_BYTES = 1024;

/** One quarantine key per original version, so the copy is create-once. */
export function quarantineKey(prefix: string, versionId: string, key: string): string {
    const target = `${prefix}${versionId}/${key}`;
    if (Buffer.byteLength(target, "utf8") > MAX_KEY_BYTES) {
        throw new InvalidTransferRequest(`quarantine key for ${key} would exceed ${MAX_KEY_BYTES} bytes`);
    }
    return target;
}

export async function runQuarantineAction(request: QuarantineRequest, deps: StepDeps) {
    const { object, findingId } = request;
    const location = { accountId: object.accountId, region: object.region, partition: object.partition, bucket: object.bucket };
    const original = { key: object.key, versionId: object.versionId };
    if (request.action === "copy") {
        const targetKey = quarantineKey(request.quarantinePrefix, object.versionId, object.key);
        const store = await openStore(deps, {
            purpose: "quarantine",
            step: "copy",
            findingId,
            location,
            source: { key: object.key, widenTo: "" },
            target: { key: targetKey, widenTo: request.quarantinePrefix },
        });
        const result = await copyVersion(store, object.bucket, original, targetKey, deps.limits);
        return result.outcome === "SOURCE_MISSING"
            ? { outcome: result.outcome, quarantineKey: targetKey, quarantineCopyPresent: result.targetExists }
            : { outcome: result.outcome, quarantineKey: targetKey, quarantineVersionId: result.targetVersionId, size: result.size };
    }
    const store = await openStore(deps, {
        purpose: "quarantine",
        step: request.action === "verify" ? "verify" : "deleteSource",
        findingId,
        location,
        source: { key: object.key, widenTo: "" },
        target: { key: request.quarantine.key, widenTo: topPrefix(request.quarantine.key) },
    });
    if (request.action === "verify") {
        return verifyCopy(store, object.bucket, original, request.quarantine, deps.limits);
    }
    return deleteVerifiedSource(store, object.bucket, original, request.quarantine, request.expected);
}

export const handler = stepHandler("quarantine-object", "QUARANTINE_ROLE_NAME", requestSchema, runQuarantineAction);
