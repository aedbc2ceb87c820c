import { z } from "zod";
import type { Account } from "./accounts";
import { organizationalUnitId } from "./primitives";
import { checkUnique } from "./references";

/**
 * Organisation-wide protection of sensitive data in S3: which OUs get the bucket tag policy and the
 * member baseline (AWS Config rule + forwarding of compliance changes to the security bus).
 */
export const sensitiveDataSchema = z
    .strictObject({
        targetOus: z.array(organizationalUnitId).default([]),
        /** Allowed values of the `BucketOwner` bucket tag. */
        bucketOwners: z
            .array(z.string().regex(/^[\w .:/=+@-]{1,256}$/))
            .min(1)
            .default(["data-platform"]),
        /** Member accounts already run an AWS Config recorder (Control Tower does); otherwise the baseline creates one. */
        existingConfigRecorder: z.boolean().default(true),
    })
    .prefault({});

export type SensitiveData = z.infer<typeof sensitiveDataSchema>;

export function checkSensitiveData(env: { sensitiveData: SensitiveData; accounts: Account[] }, ctx: z.RefinementCtx): void {
    // The tag policy and the member baseline StackSet are made in the management account (stacks/management.ts):
    // without one, the target OUs would get neither.
    if (env.sensitiveData.targetOus.length > 0 && !env.accounts.some(a => a.role === "management")) {
        ctx.addIssue({
            code: "custom",
            path: ["sensitiveData", "targetOus"],
            message:
                'the bucket tag policy and member baseline for target OUs are deployed from the management account; add the account with role "management" to lakewarden:accounts, or remove targetOus',
        });
    }
    checkUnique(
        ctx,
        env.sensitiveData.targetOus,
        ou => ou,
        i => ["sensitiveData", "targetOus", i],
        "target OU",
    );
    checkUnique(
        ctx,
        env.sensitiveData.bucketOwners,
        o => o,
        i => ["sensitiveData", "bucketOwners", i],
        "bucket owner",
    );
}
