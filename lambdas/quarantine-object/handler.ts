/**
 * Step Functions task for the quarantine workflow, one action per call:
 *  checkContainment  replication / Object Lock / legal hold that would defeat the quarantine (BLOCKED)
 *  copy              original version -> <prefix><versionId>/<key> (create-once; IN_PROGRESS: call again)
 *  abortCopy         abort the copy's open multipart uploads (failure path)
 *  verify            quarantine copy equals the original version (S3 checksums; IN_PROGRESS: call again)
 *  deleteOriginal    hide the key with a delete marker if the version is current, delete exactly that version
 * Cross-account through the role named by QUARANTINE_ROLE_NAME in the bucket's account.
 */
import { z } from "zod";
import type { CopyLimits } from "../shared/s3-transfer/copy-plan";
import { InvalidTransferRequest } from "../shared/s3-transfer/errors";
import { abortCopy, checkContainment, copyVersion, deleteVerifiedSource, verifyCopy } from "../shared/s3-transfer/transfer";
import { quarantinePrefixSchema } from "../../contracts/quarantine";
import { expectedSchema, findingIdSchema, objectVersionSchema, progressSchema, topPrefix, versionRefSchema } from "./input";
import { stepHandler } from "./step-handler";
import { openStore, type StepDeps, type StepKind } from "./steps";

const common = { findingId: findingIdSchema, object: objectVersionSchema };

const requestSchema = z.discriminatedUnion("action", [
    z.strictObject({ action: z.literal("checkContainment"), ...common }),
    z.strictObject({ action: z.literal("copy"), ...common, quarantinePrefix: quarantinePrefixSchema }),
    z.strictObject({ action: z.literal("abortCopy"), ...common, quarantinePrefix: quarantinePrefixSchema }),
    z.strictObject({ action: z.literal("verify"), ...common, quarantine: versionRefSchema, progress: progressSchema.optional() }),
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

const STEP: Record<QuarantineRequest["action"], StepKind> = {
    checkContainment: "containment",
    copy: "copy",
    abortCopy: "abort",
    verify: "verify",
    deleteOriginal: "deleteSource",
};

export async function runQuarantineAction(request: QuarantineRequest, deps: StepDeps) {
    const { object, findingId } = request;
    const original = { key: object.key, versionId: object.versionId };
    const target =
        "quarantinePrefix" in request
            ? { key: quarantineKey(request.quarantinePrefix, object.versionId, object.key), widenTo: request.quarantinePrefix }
            : "quarantine" in request
              ? { key: request.quarantine.key, widenTo: topPrefix(request.quarantine.key) }
              : { key: object.key, widenTo: "" };
    const store = await openStore(deps, {
        purpose: "quarantine",
        step: STEP[request.action],
        findingId,
        location: { accountId: object.accountId, region: object.region, partition: object.partition, bucket: object.bucket },
        source: { key: object.key, widenTo: "" },
        target,
    });
    switch (request.action) {
        case "checkContainment":
            return checkContainment(store, object.bucket, original);
        case "copy": {
            const result = await copyVersion(store, object.bucket, original, target.key, deps.limits);
            if (result.outcome === "SOURCE_MISSING") return { outcome: result.outcome, quarantineKey: target.key, quarantineCopyPresent: result.targetExists };
            if (result.outcome === "IN_PROGRESS")
                return { outcome: result.outcome, quarantineKey: target.key, partsDone: result.partsDone, partsTotal: result.partsTotal };
            return { outcome: result.outcome, quarantineKey: target.key, quarantineVersionId: result.targetVersionId, size: result.size };
        }
        case "abortCopy":
            return abortCopy(store, object.bucket, target.key);
        case "verify":
            return verifyCopy(store, object.bucket, original, request.quarantine, deps.limits, request.progress);
        case "deleteOriginal":
            // The key stops serving: a delete marker when the flagged version is current (see README, remediation).
            return deleteVerifiedSource(store, object.bucket, original, request.quarantine, request.expected, { hideKey: true });
    }
}

/** The Lambda handler for the given copy limits (S3's by default). */
export function createHandler(limits?: CopyLimits) {
    return stepHandler("quarantine-object", "QUARANTINE_ROLE_NAME", requestSchema, runQuarantineAction, limits);
}

export const handler = createHandler();
