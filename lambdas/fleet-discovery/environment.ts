import { z } from "zod";
import type { TagFilter } from "../../contracts/fleet-refresh";

/**
 * Settings that decide what the fleet Lambdas may touch live in their environment (set by the deployer),
 * not in the execution input, so starting an execution cannot widen them.
 */

const accountIds = z
    .string()
    .transform(value =>
        value
            .split(",")
            .map(part => part.trim())
            .filter(part => part !== ""),
    )
    .pipe(z.array(z.string().regex(/^\d{12}$/, "must be 12-digit account ids")).min(1, "needs at least one account id"));

const environmentSchema = z.object({
    REFRESH_TAG_KEY: z.string().min(1).max(128),
    REFRESH_TAG_VALUE: z.string().min(1).max(256),
    ALLOWED_IMAGE_OWNERS: accountIds,
    IMAGE_PARAMETER_NAME: z.preprocess(
        value => (value === "" ? undefined : value),
        z
            .string()
            .regex(/^\/?[a-zA-Z0-9_.\-/]{1,1011}$/)
            .optional(),
    ),
});

export interface FleetEnvironment {
    /** Tag every refreshed group and launch template carries; IAM conditions use the same tag. */
    refreshTag: TagFilter;
    /** Accounts whose AMIs may be rolled out (the image build account, or this account for copied images). */
    allowedImageOwners: string[];
    /** SSM parameter the image distribution writes the new AMI id to, used when the input names no image. */
    imageParameterName: string | undefined;
}

export function readFleetEnvironment(env: NodeJS.ProcessEnv): FleetEnvironment {
    const parsed = environmentSchema.safeParse(env);
    if (!parsed.success) throw new Error(`invalid environment:\n${z.prettifyError(parsed.error)}`);
    return {
        refreshTag: { key: parsed.data.REFRESH_TAG_KEY, value: parsed.data.REFRESH_TAG_VALUE },
        allowedImageOwners: parsed.data.ALLOWED_IMAGE_OWNERS,
        imageParameterName: parsed.data.IMAGE_PARAMETER_NAME,
    };
}
