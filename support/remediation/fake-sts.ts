/**
 * Fake STS AssumeRole for the member remediation roles: a session carries the role's policy
 * and the session policy the caller passed, and S3 requests are authorised against both.
 */
import type { PolicyDoc } from "./iam-eval";

export interface Session {
    roleArn: string;
    accountId: string;
    sessionName: string;
    policies: PolicyDoc[];
}

export interface AssumeRoleInput {
    RoleArn: string;
    RoleSessionName: string;
    Policy?: string;
    DurationSeconds?: number;
}

export class FakeSts {
    private readonly roles = new Map<string, PolicyDoc>();
    private readonly sessions = new Map<string, Session>();
    readonly assumed: AssumeRoleInput[] = [];

    defineRole(roleArn: string, policy: PolicyDoc): void {
        this.roles.set(roleArn, policy);
    }

    assumeRole(input: AssumeRoleInput) {
        const rolePolicy = this.roles.get(input.RoleArn);
        if (!rolePolicy) throw Object.assign(new Error(`not authorized to assume ${input.RoleArn}`), { name: "AccessDenied" });
        if (!/^[\w+=,.@-]{2,64}$/.test(input.RoleSessionName)) {
            throw Object.assign(new Error(`bad RoleSessionName ${input.RoleSessionName}`), { name: "ValidationError" });
        }
        if (input.Policy !== undefined && input.Policy.length > 2048) {
            throw Object.assign(new Error("session policy exceeds 2048 characters"), { name: "PackedPolicyTooLarge" });
        }
        this.assumed.push(input);
        const accessKeyId = `ASIAFAKE${String(this.sessions.size).padStart(8, "0")}`;
        this.sessions.set(accessKeyId, {
            roleArn: input.RoleArn,
            accountId: input.RoleArn.split(":")[4],
            sessionName: input.RoleSessionName,
            policies: input.Policy ? [rolePolicy, JSON.parse(input.Policy) as PolicyDoc] : [rolePolicy],
        });
        return {
            Credentials: {
                AccessKeyId: accessKeyId,
                SecretAccessKey: "fake-secret",
                SessionToken: `token-${accessKeyId}`,
                Expiration: new Date(Date.now() + 900_000),
            },
        };
    }

    session(accessKeyId: string | undefined): Session | undefined {
        return accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    }
}
