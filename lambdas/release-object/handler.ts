/**
 * Step Functions task for the release workflow, one action per call:
 *  restore              quarantine copy -> original key (create-once; never overwrites other content)
 *  verify               restored object equals the quarantine copy (size + SHA-256)
 *  deleteQuarantineCopy delete exactly the quarantine version, after re-checking the restored one
 * Cross-account through the role named by RELEASE_ROLE_NAME in the bucket's account.
 */
import { z } from "zod";
import { ObjectVersionMissing } from "../shared/s3-transfer/errors";
import {
    expectedSchema,
    findingIdSchema,
    objectLocationSchema,
    objectVersionSchema,
    topPrefix,
    versionRefSchema,
} from "../quarantine-object/input";
import { stepHandler } from "../quarantine-object/step-handler";
import { openStore, type StepDeps, type StepKind } from "../quarantine-object/steps";
import { copyVersion, deleteVerifiedSource, verifyCopy } from "../shared/s3-transfer/transfer";

const requestSchema = z.discriminatedUnion("action", [
    z.strictObject({
        action: z.literal("restore"),
        findingId: findingIdSchema,
        object: objectLocationSchema,
        quarantine: versionRefSchema,
        expected: expectedSchema,
    }),
    z.strictObject({
        action: z.literal("verify"),
        findingId: findingIdSchema,
        object: objectVersionSchema,
        quarantine: versionRefSchema,
    }),
    z.strictObject({
        action: z.literal("deleteQuarantineCopy"),
        findingId: findingIdSchema,
        object: objectVersionSchema,
        quarantine: versionRefSchema,
        expected: expectedSchema,
    }),
]);
export type ReleaseRequest = z.infer<typeof requestSchema>;

const STEP: Record<ReleaseRequest["action"], StepKind> = {
    restore: "copy",
    verify: "verify",
    deleteQuarantineCopy: "deleteSource",
};

export async function runReleaseAction(request: ReleaseRequest, deps: StepDeps) {
    const { object, quarantine, findingId } = request;
    const store = await openStore(deps, {
        purpose: "release",
        step: STEP[request.action],
        findingId,
        location: { accountId: object.accountId, region: object.region, partition: object.partition, bucket: object.bucket },
        source: { key: quarantine.key, widenTo: topPrefix(quarantine.key) },
        target: { key: object.key, widenTo: "" },
    });
    if (request.action === "restore") {
        const result = await copyVersion(store, object.bucket, quarantine, object.key, deps.limits);
        if (result.outcome !== "SOURCE_MISSING") {
            return {
                outcome: result.outcome === "COPIED" ? "RESTORED" : "ALREADY_RESTORED",
                restoredVersionId: result.targetVersionId,
            };
        }
        // The quarantine copy is gone: fine only if the original key already holds its content.
        const current = await store.head({ bucket: object.bucket, key: object.key });
        if (current && current.size === request.expected.size && current.checksumSHA256 === request.expected.checksumSHA256) {
            return { outcome: "ALREADY_RESTORED", restoredVersionId: current.versionId };
        }
        throw new ObjectVersionMissing(
            `quarantine copy s3://${object.bucket}/${quarantine.key} version ${quarantine.versionId} is gone and the original key does not hold its content`,
        );
    }
    const restored = { key: object.key, versionId: request.object.versionId };
    if (request.action === "verify") {
        return verifyCopy(store, object.bucket, quarantine, restored, deps.limits);
    }
    return deleteVerifiedSource(store, object.bucket, quarantine, restored, request.expected);
}

export const handler = stepHandler("release-object", "RELEASE_ROLE_NAME", requestSchema, runReleaseAction);
