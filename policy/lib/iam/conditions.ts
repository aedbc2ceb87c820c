// Conditions that make a statement safe for principals outside the resource's own account.
import { isUnknown } from "../unknown";
import { restrictingValues, type Statement } from "./document";

export type ConditionVerdict = { ok: true } | { ok: false; why: string };

/** aws:PrincipalOrgID equal to the organisation (or aws:PrincipalOrgPaths under it). */
export function pinsOrganization(statement: Statement, organizationId: string | undefined): ConditionVerdict {
    const ids = restrictingValues(statement, "aws:PrincipalOrgID");
    const paths = restrictingValues(statement, "aws:PrincipalOrgPaths");
    if (!ids && !paths) {
        return { ok: false, why: "no aws:PrincipalOrgID condition" };
    }
    if (!organizationId) {
        return { ok: false, why: "organizationId is not configured for this policy, so the aws:PrincipalOrgID condition cannot be verified" };
    }
    const values = [...(ids ?? []), ...(paths ?? [])];
    if (values.some(isUnknown)) {
        return { ok: false, why: "the organisation condition is not known at preview" };
    }
    const good = (ids ?? []).every(v => v === organizationId) && (paths ?? []).every(v => typeof v === "string" && v.startsWith(`${organizationId}/`));
    return good ? { ok: true } : { ok: false, why: `the organisation condition ${JSON.stringify(values)} is not ${organizationId}` };
}

/** sts:ExternalId with known, non-trivial values. */
export function pinsExternalId(statement: Statement): ConditionVerdict {
    const values = restrictingValues(statement, "sts:ExternalId");
    if (!values || values.length === 0) {
        return { ok: false, why: "no sts:ExternalId condition" };
    }
    if (values.some(v => isUnknown(v) || typeof v !== "string" || v.length < 2 || v.includes("*"))) {
        return { ok: false, why: "the sts:ExternalId condition is not a known literal" };
    }
    return { ok: true };
}

/** aws:SourceArn / aws:SourceAccount (ARNs may be unknown at preview; accounts must be known). */
export function pinsSource(statement: Statement, extraKeys: readonly string[] = []): ConditionVerdict {
    const arn = restrictingValues(statement, "aws:SourceArn");
    const account = restrictingValues(statement, "aws:SourceAccount");
    if (arn && arn.length > 0 && arn.every(v => isUnknown(v) || (typeof v === "string" && v !== "*"))) {
        return { ok: true };
    }
    if (account?.some(isUnknown)) {
        return { ok: false, why: "an aws:SourceAccount condition that is not known at preview" };
    }
    if (account && account.length > 0 && account.every(v => typeof v === "string" && /^\d{12}$/.test(v))) {
        return { ok: true };
    }
    for (const key of extraKeys) {
        const values = restrictingValues(statement, key);
        if (values && values.length > 0 && values.every(v => v !== "*")) {
            return { ok: true };
        }
    }
    return { ok: false, why: "no aws:SourceArn or aws:SourceAccount condition" };
}
