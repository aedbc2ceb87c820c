/**
 * Who is calling an IAM-authorised API (API Gateway REST, AWS_IAM): API Gateway already verified the
 * SigV4 signature; this checks the caller is one of the configured roles, as defence in depth behind
 * the API's resource policy. Used by the release API (releasers) and the scan-stage approval API
 * (approvers).
 */
import type { APIGatewayProxyEventSchema } from "@aws-lambda-powertools/parser/schemas/api-gateway";
import type { z } from "zod";

/**
 * A REST API proxy request as Powertools' parser schema reads it; requestContext.identity carries the
 * IAM caller API Gateway authenticated (userArn, accountId, user, principalOrgId; null when absent).
 */
export type ProxyEvent = z.infer<typeof APIGatewayProxyEventSchema>;

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

/** The allowed callers are roles; an assumed-role session ARN drops the role path, so match partition + account + name. */
export function isAllowedRole(principalArn: string, roleArns: readonly string[]): boolean {
    const session = ASSUMED_ROLE.exec(principalArn);
    if (!session) return false;
    const [, partition, account, roleName] = session;
    return roleArns.some(arn => {
        const role = ROLE.exec(arn);
        return role !== null && role[1] === partition && role[2] === account && role[3] === roleName;
    });
}

/** The comma-separated role ARNs in environment variable `name`; none, or anything not a role ARN, is an error naming the variable. */
export function roleArnsFromEnvironment(name: string): string[] {
    const arns = (process.env[name] ?? "")
        .split(",")
        .map(s => s.trim())
        .filter(Boolean);
    const invalid = arns.filter(arn => !ROLE.test(arn));
    if (arns.length === 0 || invalid.length > 0) {
        throw new Error(`${name} must list IAM role ARNs (invalid: ${invalid.join(", ") || "none given"})`);
    }
    return arns;
}
