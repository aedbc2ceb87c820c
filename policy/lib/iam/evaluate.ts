// Evaluates a resource-based policy (here: key policies) for one request: does some Allow statement
// match the principal, action and conditions, and no Deny? IAM's evaluation logic for a single
// policy (IAM User Guide, "Policy evaluation logic"; condition operators per "IAM JSON policy
// elements: Condition operators"). A principal that is an account (root or 12 digits) matches every
// principal of that account: the key policy delegates to the account's IAM policies, which are
// the identity side (checked by the IAM policies of the pack, not here).
//
// Not @cloud-copilot/iam-simulate: it is AGPL-3.0 (lakewarden is Apache-2.0 and is shipped into
// customers' pipelines), its API is async while policies are synchronous, and it rejects requests
// whose context keys it cannot type, where we need "unknown at preview" as a third answer.
import { isUnknown } from "../unknown";
import { globsIntersect } from "./catalog";
import { type ConditionEntry, parseDocument, type Principals, type Statement, wildcardMatch } from "./document";

export type RequestPrincipal = { kind: "aws"; arn?: string; account: string } | { kind: "service"; service: string };

export interface Request {
    principal: RequestPrincipal;
    /** Whether an account principal (root or id) matches the account's principals; false: only explicit matches. */
    accountDelegation?: boolean;
    action: string;
    /** Context keys (any case) and their values (lists for multivalued keys); absent keys are absent from the request. */
    context: Record<string, string | boolean | string[]>;
}

export type Decision = "allowed" | "denied" | "implicit-deny" | "unknown";

function principalMatches(p: Principals | undefined, who: RequestPrincipal, delegation: boolean): boolean | "unknown" {
    if (!p) {
        return false;
    }
    if (p.wildcard) {
        return true;
    }
    const hit =
        who.kind === "service"
            ? p.service.includes(who.service)
            : p.aws.some(a => a === who.arn || (delegation && (a === who.account || a === `arn:aws:iam::${who.account}:root`)));
    return hit ? true : p.unknown ? "unknown" : false;
}

function actionMatches(s: Statement, action: string): boolean | "unknown" {
    const patterns = s.actions ?? s.notActions ?? [];
    if (patterns.some(isUnknown)) {
        return "unknown";
    }
    const hit = patterns.some(p => typeof p === "string" && wildcardMatch(p, action));
    return s.actions ? hit : !hit;
}

const OPERATOR = /^(ForAnyValue:|ForAllValues:)?([A-Za-z]+?)(IfExists)?$/;

function compare(base: string, actual: string | boolean, expected: string): boolean | undefined {
    const a = String(actual);
    switch (base) {
        case "StringEquals":
        case "ArnEquals":
            return a === expected;
        case "StringEqualsIgnoreCase":
            return a.toLowerCase() === expected.toLowerCase();
        case "StringLike":
        case "ArnLike":
            return new RegExp(
                `^${expected
                    .split("*")
                    .map(x =>
                        x
                            .split("?")
                            .map(y => y.replace(/[.+^${}()|[\]\\]/g, "\\$&"))
                            .join("."),
                    )
                    .join(".*")}$`,
            ).test(a);
        case "Bool":
            return a.toLowerCase() === expected.toLowerCase();
        default:
            return undefined;
    }
}

/** One condition entry against the context: true, false, or "unknown" (unknown value, unsupported operator). */
function conditionHolds(c: ConditionEntry, context: Map<string, string | boolean | string[]>): boolean | "unknown" {
    const m = OPERATOR.exec(c.operator);
    if (!m || c.values.some(v => isUnknown(v) || (typeof v !== "string" && typeof v !== "boolean"))) {
        return "unknown";
    }
    const [, set, op, ifExists] = m;
    const values = c.values.map(String);
    const actual = context.get(c.key);
    if (op === "Null") {
        return values.some(v => (v === "true") === (actual === undefined));
    }
    const negated = /Not/.test(op);
    const base = op.replace("Not", "");
    if (actual === undefined) {
        if (ifExists || negated || set === "ForAllValues:") {
            return true;
        }
        return false;
    }
    // Multivalued keys: ForAllValues needs every request value to match, otherwise one is enough.
    const holdsFor = (one: string | boolean): boolean | undefined => {
        const results = values.map(v => compare(base, one, v));
        if (results.some(r => r === undefined)) {
            return undefined;
        }
        const any = results.some(Boolean);
        return negated ? !any : any;
    };
    const each = (Array.isArray(actual) ? actual : [actual]).map(holdsFor);
    if (each.some(r => r === undefined)) {
        return "unknown";
    }
    return set === "ForAllValues:" ? each.every(Boolean) : each.some(Boolean);
}

function resourceMatches(s: Statement, resource: string): boolean | "unknown" {
    const patterns = s.resources ?? s.notResources ?? [];
    if (patterns.some(isUnknown)) {
        return "unknown";
    }
    // The resource may itself be a pattern (a key whose ARN is not known yet): some ARN must match both.
    const hit = patterns.some(p => typeof p === "string" && globsIntersect(p, resource));
    return s.resources ? hit : !hit;
}

function statementMatches(s: Statement, request: Request, context: Map<string, string | boolean | string[]>, resource?: string): boolean | "unknown" {
    const delegation = request.accountDelegation ?? true;
    const who =
        resource !== undefined
            ? true
            : s.principals
              ? principalMatches(s.principals, request.principal, delegation)
              : s.notPrincipals
                ? principalMatches(s.notPrincipals, request.principal, delegation)
                : false;
    const principal = resource === undefined && s.notPrincipals && !s.principals ? (who === "unknown" ? "unknown" : !who) : who;
    const action = actionMatches(s, request.action);
    const onResource = resource === undefined ? true : resourceMatches(s, resource);
    if (principal === false || action === false || onResource === false) {
        return false;
    }
    if (s.conditions === "unknown") {
        return "unknown";
    }
    let result: boolean | "unknown" = principal === "unknown" || action === "unknown" || onResource === "unknown" ? "unknown" : true;
    for (const c of s.conditions ?? []) {
        const holds = conditionHolds(c, context);
        if (holds === false) {
            return false;
        }
        if (holds === "unknown") {
            result = "unknown";
        }
    }
    return result;
}

/**
 * The decision of one policy document for the request: a resource policy (principals matched), or
 * with `resource` an identity policy of the principal (Resource matched instead).
 */
export function evaluatePolicy(document: unknown, request: Request, resource?: string): Decision {
    const doc = parseDocument(document);
    if (doc.kind === "unknown") {
        return "unknown";
    }
    if (doc.kind !== "ok") {
        return "implicit-deny";
    }
    const context = new Map(Object.entries(request.context).map(([k, v]) => [k.toLowerCase(), v]));
    let allowed: boolean | "unknown" = false;
    let denyUnknown = false;
    for (const s of doc.statements) {
        const match = isUnknown(s.effect) ? "unknown" : statementMatches(s, request, context, resource);
        if (match === false) {
            continue;
        }
        if (s.effect === "Deny" || isUnknown(s.effect)) {
            if (match === true && s.effect === "Deny") {
                return "denied";
            }
            denyUnknown = true;
        }
        if (s.effect === "Allow" || isUnknown(s.effect)) {
            allowed = match === true && s.effect === "Allow" ? true : allowed === true ? true : "unknown";
        }
    }
    if (allowed === true && denyUnknown) {
        return "unknown";
    }
    return allowed === true ? "allowed" : allowed === "unknown" ? "unknown" : "implicit-deny";
}
