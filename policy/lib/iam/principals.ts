// Account ids behind IAM principals and ARNs.

const ACCOUNT_ID = /^\d{12}$/;
const ARN_ACCOUNT = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;

export function isAccountId(value: unknown): value is string {
    return typeof value === "string" && ACCOUNT_ID.test(value);
}

/** The account of a 12-digit id, an IAM/STS ARN or an ARN of any service; undefined otherwise. */
export function accountOf(principal: string): string | undefined {
    if (ACCOUNT_ID.test(principal)) {
        return principal;
    }
    const iam = ARN_ACCOUNT.exec(principal);
    if (iam) {
        return iam[1];
    }
    const parts = principal.split(":");
    if (parts.length >= 6 && parts[0] === "arn" && ACCOUNT_ID.test(parts[4])) {
        return parts[4];
    }
    return undefined;
}

export function isServicePrincipal(principal: string): boolean {
    return /\.amazonaws\.com(\.cn)?$/.test(principal);
}

export function isRoleArn(value: string): boolean {
    return /^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(value);
}
