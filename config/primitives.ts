import { Region } from "@pulumi/aws/types/enums";
import { z } from "zod";
import { closest } from "../policy/lib/did-you-mean";

export const accountId = z
    .string({ error: "expected a 12-digit AWS account id as a quoted string" })
    .regex(/^\d{12}$/, { error: issue => `expected a 12-digit AWS account id, got "${String(issue.input)}"` });

/** Short names refer to accounts, datasets, roles: lower-case, stable, usable inside resource names. */
export const shortName = z.string().regex(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/, {
    error: issue => `expected a short name (2-24 chars: lower-case letters, digits, '-'), got "${String(issue.input)}"`,
});

/**
 * The regions the AWS provider can target: @pulumi/aws's `Region` enum ("any valid Amazon region
 * that may be targeted with deployments", node_modules/@pulumi/aws/types/enums/index.d.ts), so a
 * typo such as eu-wset-1 stops the program instead of failing at the first API call.
 */
const REGIONS: readonly string[] = Object.values(Region);

export const region = z.string({ error: "expected an AWS region like eu-west-1" }).refine(value => REGIONS.includes(value), {
    error: issue => {
        const near = closest(String(issue.input), REGIONS);
        return `unknown AWS region "${String(issue.input)}"${near ? ` (did you mean ${near}?)` : ""}`;
    },
});

export const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/, {
    error: issue => `expected an IAM role ARN (arn:aws:iam::<account>:role/<name>), got "${String(issue.input)}"`,
});

export const organizationId = z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, { error: issue => `expected an organization id like o-abcd123456, got "${String(issue.input)}"` });

export const organizationalUnitId = z.string().regex(/^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/, {
    error: issue => `expected an OU id (ou-xxxx-xxxxxxxx) or root id (r-xxxx), got "${String(issue.input)}"`,
});

/** Glue/Lake Formation identifiers: lower-case, so names match what Glue stores. */
export const catalogName = z.string().regex(/^[a-z][a-z0-9_]{0,127}$/, {
    error: issue => `expected a lower-case catalog identifier ([a-z][a-z0-9_]*), got "${String(issue.input)}"`,
});

export function accountIdOfArn(arn: string): string | undefined {
    return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}
