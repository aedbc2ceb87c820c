// Config shared by the policies that judge cross-account access: the organisation id and any
// accounts trusted beyond those that have a provider in the stack.
import type { ConfigSchema } from "./define";

export interface OrgConfig {
    organizationId?: string;
    trustedAccounts: string[];
}

export const orgConfigSchema: ConfigSchema = {
    organizationId: {
        type: "string",
        pattern: "^o-[a-z0-9]{10,32}$",
        description: "AWS Organizations id that aws:PrincipalOrgID conditions must name.",
    },
    trustedAccounts: {
        type: "array",
        items: { type: "string", pattern: "^\\d{12}$" },
        default: [],
        description: "Accounts trusted in addition to the allowedAccountIds of the stack's aws providers.",
    },
};
