import { z } from "zod";
import { organizationId, shortName } from "./primitives";

export const organizationSchema = z.strictObject({
    id: organizationId,
    /** True when every account is in this organisation with RAM organisation sharing on (no RAM invitations). */
    ramSharingWithinOrganization: z.boolean().default(true),
    /**
     * Outside one organisation, Lake Formation's RAM shares arrive as invitations; list each one the
     * consumer accepts (the ARN exists only after the producer's first grant).
     */
    ramShareInvitations: z
        .array(
            z.strictObject({
                consumer: shortName,
                shareArn: z.string().regex(/^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share\/[\w-]+$/, {
                    error: "expected a RAM resource share ARN (arn:aws:ram:<region>:<account>:resource-share/<id>)",
                }),
            }),
        )
        .default([]),
});
