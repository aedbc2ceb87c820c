import { z } from "zod";
import { SENSITIVE_DATA_TYPES, SEVERITIES } from "../contracts/macie-findings";
import { quarantinePrefixSchema } from "../contracts/quarantine";
import type { Account } from "./accounts";
import { accountIdOfArn, roleArn } from "./primitives";
import { checkUnique } from "./references";
import type { SensitiveData } from "./sensitive-data";

/** IAM role names: 1-64 of [\w+=,.@-]. */
const iamRoleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, { error: issue => `expected an IAM role name, got "${String(issue.input)}"` });

/** Macie's limits on a custom data identifier (CreateCustomDataIdentifier). */
const customDataIdentifierSchema = z.strictObject({
    name: z.string().regex(/^[\w .-]{1,128}$/, { error: "expected a name of 1-128 letters, digits, spaces, '.', '_' or '-'" }),
    description: z.string().max(512).optional(),
    regex: z.string().min(1).max(512).refine(compiles, { error: "expected a regular expression that compiles" }),
    keywords: z.array(z.string().min(3).max(90)).max(50).default([]),
    ignoreWords: z.array(z.string().min(4).max(90)).max(10).default([]),
    maximumMatchDistance: z.number().int().min(1).max(300).default(50),
});

function compiles(pattern: string): boolean {
    try {
        new RegExp(pattern);
        return true;
    } catch {
        return false;
    }
}

/**
 * Macie finding remediation in the security account: the quarantine prefix, the decision rules
 * (part of the quarantine state machine definition), the webhook secret, who may release, and
 * Macie's custom data identifiers. Absent: nothing of the remediation is deployed.
 */
export const remediationSchema = z
    .strictObject({
        quarantinePrefix: quarantinePrefixSchema.default("quarantine/"),
        rules: z
            .strictObject({
                severityThreshold: z.enum(SEVERITIES).default("High"),
                quarantinePublic: z.boolean().default(true),
                findingTypes: z.array(z.enum(SENSITIVE_DATA_TYPES)).min(1).optional(),
                bucketOwnerAllowlist: z.array(z.string().min(1)).default([]),
            })
            .prefault({}),
        notification: z.strictObject({
            kind: z.enum(["teams", "slack"]),
            /** Secrets Manager name; the value ({"kind","url"}) is set out of band, never in config. */
            webhookSecretName: z.string().regex(/^[\w/+=.@-]{1,512}$/, { error: "expected a Secrets Manager secret name ([\\w/+=.@-])" }),
        }),
        /** Roles of the security account allowed to call POST /releases (SigV4). */
        releaserRoleArns: z.array(roleArn).min(1),
        /** Role in every member account that alone (with the workflow roles) may read quarantine copies. */
        investigationRoleName: iamRoleName.optional(),
        customDataIdentifiers: z.array(customDataIdentifierSchema).default([]),
    })
    .optional();

export type Remediation = NonNullable<z.infer<typeof remediationSchema>>;
export type CustomDataIdentifierConfig = z.infer<typeof customDataIdentifierSchema>;

export function investigationRoleName(environment: string, remediation: Remediation): string {
    return remediation.investigationRoleName ?? `lakewarden-${environment}-investigator`;
}

export function checkRemediation(env: { accounts: Account[]; remediation?: Remediation; sensitiveData?: SensitiveData }, ctx: z.RefinementCtx): void {
    const remediation = env.remediation;
    if (!remediation) {
        return;
    }
    const security = env.accounts.find(a => a.role === "security");
    remediation.releaserRoleArns.forEach((arn, index) => {
        if (security && /^\d{12}$/.test(security.id) && accountIdOfArn(arn) !== security.id) {
            ctx.addIssue({
                code: "custom",
                path: ["remediation", "releaserRoleArns", index],
                message: `a releaser role must be in the security account ${security.id}, got ${arn}`,
            });
        }
    });
    checkUnique(
        ctx,
        remediation.releaserRoleArns,
        a => a,
        i => ["remediation", "releaserRoleArns", i],
        "releaser role",
    );
    checkUnique(
        ctx,
        remediation.customDataIdentifiers,
        c => c.name,
        i => ["remediation", "customDataIdentifiers", i, "name"],
        "custom data identifier",
    );
    const owners = env.sensitiveData?.bucketOwners;
    remediation.rules.bucketOwnerAllowlist.forEach((owner, index) => {
        if (owners && !owners.includes(owner)) {
            ctx.addIssue({
                code: "custom",
                path: ["remediation", "rules", "bucketOwnerAllowlist", index],
                message: `"${owner}" is not an allowed BucketOwner tag value (sensitiveData.bucketOwners: ${owners.join(", ")})`,
            });
        }
    });
}
