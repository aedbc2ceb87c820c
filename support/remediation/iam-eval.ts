/**
 * A small IAM evaluator for the fakes: explicit Deny wins, otherwise some Allow must match;
 * Action and Resource globs (* and ?), the ${*} ${?} ${$} literal escapes, and StringEquals /
 * StringLike conditions against a request context. Enough to prove the policies the code
 * writes (session policies) and exports (member role policy) allow exactly what it calls.
 */

interface Statement {
    Effect: "Allow" | "Deny";
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDoc {
    Version?: string;
    Statement: Statement[];
}

export type RequestContext = Record<string, string>;

function globToRegex(pattern: string, allowEscapes: boolean): RegExp {
    let source = "";
    for (let i = 0; i < pattern.length; i++) {
        const escape = allowEscapes ? /^\$\{([*?$])\}/.exec(pattern.slice(i)) : null;
        if (escape) {
            source += `\\${escape[1]}`;
            i += escape[0].length - 1;
        } else if (pattern[i] === "*") {
            source += ".*";
        } else if (pattern[i] === "?") {
            source += ".";
        } else {
            source += pattern[i].replace(/[.+^${}()|[\]\\/]/g, "\\$&");
        }
    }
    return new RegExp(`^${source}$`, "s");
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

function conditionHolds(condition: Statement["Condition"], context: RequestContext): boolean {
    for (const [operator, entries] of Object.entries(condition ?? {})) {
        for (const [key, expected] of Object.entries(entries)) {
            const actual = context[key];
            if (actual === undefined) return false;
            const matches = list(expected).some(e =>
                operator === "StringEquals" ? e === actual : operator === "StringLike" ? globToRegex(e, false).test(actual) : false,
            );
            if (!matches) return false;
        }
    }
    return true;
}

function statementMatches(statement: Statement, action: string, resource: string, context: RequestContext): boolean {
    const actionMatches = list(statement.Action).some(a => globToRegex(a.toLowerCase(), false).test(action.toLowerCase()));
    const resourceMatches = list(statement.Resource).some(r => globToRegex(r, true).test(resource));
    return actionMatches && resourceMatches && conditionHolds(statement.Condition, context);
}

export function isAllowed(policy: PolicyDoc, action: string, resource: string, context: RequestContext = {}): boolean {
    const matching = policy.Statement.filter(s => statementMatches(s, action, resource, context));
    return !matching.some(s => s.Effect === "Deny") && matching.some(s => s.Effect === "Allow");
}

/** A session's effective permission: its role's policy and its session policy must both allow. */
export function isAllowedForSession(policies: PolicyDoc[], action: string, resource: string, context: RequestContext = {}): boolean {
    return policies.every(policy => isAllowed(policy, action, resource, context));
}
