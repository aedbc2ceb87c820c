import { z } from "zod";
import { accountId, accountIdOfArn, region, roleArn, shortName } from "./primitives";
import { checkUnique } from "./references";

const accountRoles = ["management", "security", "producer", "consumer"] as const;
export type AccountRole = (typeof accountRoles)[number];

const accountSchema = z.strictObject({
    name: shortName,
    role: z.enum(accountRoles, { error: `expected one of ${accountRoles.join(", ")}` }),
    id: accountId,
    deployRoleArn: roleArn,
    /**
     * The account's read-only role for pull-request previews (deploy/roles/preview-<role>.json): every
     * provider assumes it instead of `deployRoleArn` when LAKEWARDEN_PREVIEW_ROLE=1 (stacks/providers.ts).
     * Kept per account beside the deploy role, validated the same way, so the stack file says which role
     * a preview uses rather than a naming convention.
     */
    previewRoleArn: roleArn.optional(),
    externalId: z
        .string()
        .regex(/^[\w+=,.@:\/-]{2,1224}$/, { error: "expected an sts:ExternalId of 2-1224 characters ([\\w+=,.@:/-])" })
        .optional(),
    region: region.optional(),
    /** The account's root email: Macie's CreateMember needs it to enrol an existing producer (aws.macie2.Member). */
    email: z.email({ error: "expected the account's email address" }).optional(),
    /** Lake Formation admins besides the deploy role (break-glass or platform roles of this account). */
    lakeFormationAdmins: z.array(roleArn).default([]),
    /**
     * Service-linked roles that already exist in the account (the service was used before): lakewarden
     * names them but does not create them. Others it names are created (aws.iam.ServiceLinkedRole).
     */
    existingServiceLinkedRoles: z
        .array(
            z.enum(["autoscaling.amazonaws.com", "imagebuilder.amazonaws.com", "macie.amazonaws.com"], {
                error: "expected autoscaling.amazonaws.com, imagebuilder.amazonaws.com or macie.amazonaws.com",
            }),
        )
        .default([]),
});

export type Account = z.infer<typeof accountSchema>;

export const accountsSchema = z
    .array(accountSchema, { error: "expected a list of accounts" })
    .min(1, { error: "expected at least one account" })
    .superRefine((accounts, ctx) => {
        checkUnique(
            ctx,
            accounts,
            a => a.id,
            i => [i, "id"],
            "account id",
        );
        checkUnique(
            ctx,
            accounts,
            a => a.name,
            i => [i, "name"],
            "account name",
        );
        accounts.forEach((account, index) => {
            const arnAccount = accountIdOfArn(account.deployRoleArn);
            account.lakeFormationAdmins.forEach((admin, a) => {
                if (/^\d{12}$/.test(account.id) && accountIdOfArn(admin) !== account.id) {
                    ctx.addIssue({
                        code: "custom",
                        path: [index, "lakeFormationAdmins", a],
                        message: `a Lake Formation admin must be a role of account ${account.id}, got ${admin}`,
                    });
                }
            });
            if (/^\d{12}$/.test(account.id) && arnAccount !== account.id) {
                ctx.addIssue({
                    code: "custom",
                    path: [index, "deployRoleArn"],
                    message: `role ARN is in account ${arnAccount}, but account "${account.name}" has id ${account.id}`,
                });
            }
            checkPreviewRole(ctx, account, index);
        });
        for (const role of ["security", "producer"] as const) {
            if (!accounts.some(a => a.role === role)) {
                ctx.addIssue({ code: "custom", path: [], message: `expected at least one account with role "${role}"` });
            }
        }
        for (const role of ["management", "security"] as const) {
            const holders = accounts.filter(a => a.role === role);
            if (holders.length > 1) {
                ctx.addIssue({
                    code: "custom",
                    path: [accounts.indexOf(holders[1])],
                    message: `only one "${role}" account is allowed per environment (found ${holders.map(a => a.name).join(", ")})`,
                });
            }
        }
    });

/** The preview role is another role of the same account, and never one that can write or administer Lake Formation. */
function checkPreviewRole(ctx: z.RefinementCtx, account: Account, index: number): void {
    const preview = account.previewRoleArn;
    if (preview === undefined) {
        return;
    }
    const path = [index, "previewRoleArn"];
    if (/^\d{12}$/.test(account.id) && accountIdOfArn(preview) !== account.id) {
        ctx.addIssue({
            code: "custom",
            path,
            message: `role ARN is in account ${accountIdOfArn(preview)}, but account "${account.name}" has id ${account.id}`,
        });
    }
    if (preview === account.deployRoleArn) {
        ctx.addIssue({ code: "custom", path, message: "must be the read-only preview role, not the deploy role (deployRoleArn)" });
    }
    if (account.lakeFormationAdmins.includes(preview)) {
        ctx.addIssue({ code: "custom", path, message: "the read-only preview role must not be a Lake Formation admin (lakeFormationAdmins)" });
    }
}

/** Macie enrols existing producer accounts as members (autoEnable covers only accounts that join later). */
export function checkMacieMembers(env: { accounts: Account[]; remediation?: unknown }, ctx: z.RefinementCtx): void {
    if (env.remediation === undefined) {
        return;
    }
    env.accounts.forEach((account, index) => {
        if (account.role === "producer" && account.email === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["accounts", index, "email"],
                message: `producer "${account.name}" needs its account email: lakewarden:remediation enrols it as a Macie member (CreateMember requires it)`,
            });
        }
    });
}
