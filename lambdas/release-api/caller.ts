/**
 * Who is releasing. API Gateway already verified the SigV4 signature (AWS_IAM); this checks the
 * caller is one of the configured releaser roles, as defence in depth behind the resource policy.
 */
import type { ProxyEvent } from "./request";

export interface Caller {
    principalArn: string;
    accountId: string;
    userId: string;
    principalOrgId?: string;
}

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/[\w+=,.@-]{2,64}$/;
const ROLE = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;

export function callerOf(event: ProxyEvent): Caller | undefined {
    const identity = event.requestContext.identity;
    if (!identity.userArn || !identity.accountId) return undefined;
    return {
        principalArn: identity.userArn,
        accountId: identity.accountId,
        userId: identity.user ?? "",
        ...(identity.principalOrgId ? { principalOrgId: identity.principalOrgId } : {}),
    };
}

/** Releasers are roles; an assumed-role session ARN drops the role path, so match account + name. */
export function isAllowedReleaser(principalArn: string, releaserRoleArns: readonly string[]): boolean {
    const session = ASSUMED_ROLE.exec(principalArn);
    if (!session) return false;
    const [, partition, account, roleName] = session;
    return releaserRoleArns.some(arn => {
        const role = ROLE.exec(arn);
        return role !== null && role[1] === partition && role[2] === account && role[3] === roleName;
    });
}

export function releaserRolesFromEnvironment(value: string | undefined): string[] {
    const arns = (value ?? "")
        .split(",")
        .map(s => s.trim())
        .filter(Boolean);
    const invalid = arns.filter(arn => !ROLE.test(arn));
    if (arns.length === 0 || invalid.length > 0) {
        throw new Error(`RELEASER_ROLE_ARNS must list IAM role ARNs (invalid: ${invalid.join(", ") || "none given"})`);
    }
    return arns;
}
