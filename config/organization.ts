import { z } from "zod";
import { accountId, organizationId, shortName } from "./primitives";

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
    /**
     * Another stack of this project owns the organisation's one delegated Macie administrator ("an organization can
     * have only one delegated Macie administrator account at a time", Macie API Reference, Macie Administrator):
     * that stack's security account. This stack then neither enables Macie in the management account nor delegates
     * it, and its security account administers this stack's producers by Macie invitation, the way the Macie User
     * Guide suggests for test accounts beside an Organizations-managed Macie (Managing Macie accounts by invitation).
     * Absent: this stack owns the delegation (when it lists a management account). `npm run plan` reads every
     * stack file and checks that the named stack exists, is in this organisation and delegates to this account.
     */
    macieAdministrator: z.strictObject({ stack: shortName, accountId }).optional(),
});

/** This stack's own accounts cannot be the other stack's Macie administrator (an account is administrator or member, not both). */
export function checkMacieAdministrator(
    env: { organization: z.infer<typeof organizationSchema>; accounts: { id: string; name: string }[] },
    ctx: z.RefinementCtx,
): void {
    const administrator = env.organization.macieAdministrator;
    const own = administrator && env.accounts.find(a => a.id === administrator.accountId);
    if (own) {
        ctx.addIssue({
            code: "custom",
            path: ["organization", "macieAdministrator", "accountId"],
            message:
                `${administrator.accountId} is this stack's account "${own.name}"; macieAdministrator names the security account of the ` +
                `stack that owns the organisation's Macie delegation (leave it out when this stack owns it)`,
        });
    }
}
