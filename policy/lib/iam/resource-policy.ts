// Judges a resource-based policy (bucket, key, topic, queue, secret, bus, API, catalog): who it
// lets in from outside the resource's own account, and on what conditions.
import { isUnknown } from "../unknown";
import { isWildcardAction } from "./actions";
import { type ConditionVerdict, pinsOrganization, pinsSource } from "./conditions";
import { isAllow, restrictingValues, type Statement } from "./document";
import { accountOf } from "./principals";
import { type DocumentSource, knownActions, walkStatements } from "./sources";

export interface ScopeContext {
    own: ReadonlySet<string>;
    env: ReadonlySet<string>;
    organizationId?: string;
    /** Extra condition keys that pin a service principal (e.g. kms:EncryptionContext:aws:logs:arn). */
    servicePinKeys?: readonly string[];
}

function accountsIn(values: unknown[] | undefined, env: ReadonlySet<string>): boolean {
    return values !== undefined && values.length > 0 && values.every(v => typeof v === "string" && !isUnknown(v) && env.has(accountOf(v) ?? v));
}

/** What makes Principal "*" acceptable: org, account, VPC endpoint or source ARN conditions. */
function wildcardRestriction(s: Statement, ctx: ScopeContext): ConditionVerdict {
    const org = pinsOrganization(s, ctx.organizationId);
    if (org.ok) {
        return org;
    }
    for (const key of ["aws:PrincipalAccount", "aws:SourceAccount", "kms:CallerAccount", "aws:PrincipalArn"]) {
        if (accountsIn(restrictingValues(s, key), ctx.env)) {
            return { ok: true };
        }
    }
    for (const key of ["aws:SourceVpce", "aws:SourceVpc"]) {
        const values = restrictingValues(s, key);
        if (values && values.length > 0 && values.every(v => v !== "*")) {
            return { ok: true };
        }
    }
    if (pinsSource(s).ok) {
        return { ok: true };
    }
    return { ok: false, why: `no condition restricting it to the organisation, an environment account, a VPC endpoint or a source ARN (${org.why})` };
}

export function checkResourcePolicy(source: DocumentSource, ctx: ScopeContext, report: (message: string) => void): void {
    walkStatements(source, report, "who the policy lets in", (s, where) => {
        if (!isAllow(s)) {
            return;
        }
        const actions = knownActions(s, where, report);
        const p = s.principals;
        if (!p) {
            report(`${where} is an Allow without a Principal`);
            return;
        }
        if (p.unknown) {
            report(`${where}: a Principal is not known at preview`);
        }
        if (s.conditions === "unknown") {
            report(`${where}: the Condition block is not known at preview`);
            return;
        }
        let outside = p.wildcard || p.service.length > 0 || p.federated.length > 0;
        if (p.wildcard) {
            const verdict = wildcardRestriction(s, ctx);
            if (!verdict.ok) {
                report(`${where} allows Principal "*" with ${verdict.why}`);
            }
        }
        for (const principal of p.aws.filter(a => a !== "*")) {
            const account = accountOf(principal);
            if (account === undefined) {
                report(`${where}: principal ${principal} is not an account id or IAM ARN`);
            } else if (!ctx.own.has(account)) {
                outside = true;
                if (!ctx.env.has(account)) {
                    report(`${where} allows account ${account}, which is not an account of this environment`);
                }
            }
        }
        for (const service of p.service) {
            const verdict = pinsSource(s, ctx.servicePinKeys);
            if (!verdict.ok) {
                report(`${where} allows the service principal ${service} with ${verdict.why}`);
            }
        }
        const wildcards = actions.filter(isWildcardAction);
        if (outside && wildcards.length > 0) {
            report(`${where} grants ${wildcards.join(", ")} to principals outside the resource's account`);
        }
    });
}
