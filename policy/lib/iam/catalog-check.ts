// Checks one IAM policy document against AWS's Service Authorization Reference (lib/iam/catalog):
// what AWS would refuse, and what it accepts but never matches.
import { isUnknown, UNKNOWN } from "../unknown";
import { isDict } from "../values";
import { arnFormatMatches, type CatalogAction, conditionKeyApplies, isGlobalConditionKey, isWildcardOnly, lookupAction, resourceArnFormats } from "./catalog";
import { type Principals, type Statement } from "./document";
import { type DocumentSource, knownActions, walkStatements } from "./sources";

/** One Action entry and the catalogue actions it grants (a pattern grants several). */
interface Resolved {
    entry: string;
    service: string;
    actions: CatalogAction[];
}

/** Policy variables and CloudFormation `${...}` substitutions stand for any value. */
function normalise(value: string): string {
    return value.replace(/\$\{[^}]*\}/g, "*");
}

/**
 * API Gateway resource policies may write `execute-api:/stage/METHOD/path`; API Gateway expands it
 * to the API's ARN when the policy is saved (API Gateway Developer Guide, "API Gateway resource
 * policy examples").
 */
function expandShorthand(value: string): string {
    return value.startsWith("execute-api:/") ? `arn:aws:execute-api:*:*:*${value.slice("execute-api:".length)}` : value;
}

/** Why an ARN in a policy is refused or never matches; undefined when well formed. */
export function arnProblem(value: string): string | undefined {
    if (value === "") {
        return "is empty";
    }
    if (value === "*") {
        return undefined;
    }
    const parts = expandShorthand(normalise(value)).split(":");
    if (parts[0] !== "arn" && parts[0] !== "*") {
        return "is not an ARN";
    }
    if (parts.length < 6 && !parts[parts.length - 1].includes("*")) {
        return "is not an ARN (fewer than 6 colon-separated parts)";
    }
    if (parts.slice(1, 3).some(p => p === "")) {
        return "has an empty partition or service";
    }
    if (parts.slice(5).join(":") === "") {
        return "has an empty resource part";
    }
    return undefined;
}

const AWS_PRINCIPAL =
    /^(\d{12}|\*|arn:aws[a-z-]*:(iam::(\d{12}|aws):(root|role\/.+|user\/.+|federated-user\/.+|oidc-provider\/.+|saml-provider\/.+)|sts::\d{12}:(assumed-role|federated-user)\/.+))$/;

function principalProblems(principals: Principals | undefined, where: string, report: (m: string) => void): void {
    for (const p of principals?.aws ?? []) {
        if (p === "") {
            report(`${where}: an AWS principal is empty; IAM refuses the policy`);
        } else if (!AWS_PRINCIPAL.test(normalise(p).replace(/\*/g, "111111111111"))) {
            report(`${where}: AWS principal "${p}" is neither an account id nor an IAM/STS principal ARN`);
        }
    }
    for (const s of principals?.service ?? []) {
        if (!/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(s)) {
            report(`${where}: service principal "${s}" is not a service principal name`);
        }
    }
}

/** `Ref`/`Fn::GetAtt`/`Fn::Sub` objects of a CloudFormation template: Sub strings keep their shape, others are unknown. */
export function resolveIntrinsics(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(resolveIntrinsics);
    }
    if (isDict(value)) {
        const keys = Object.keys(value);
        if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) {
            const sub = value["Fn::Sub"];
            if (typeof sub === "string") {
                return sub;
            }
            if (Array.isArray(sub) && typeof sub[0] === "string") {
                return sub[0];
            }
            return UNKNOWN;
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIntrinsics(v)]));
    }
    return value;
}

function checkConditions(statement: Statement, resolved: Resolved[], where: string, report: (m: string) => void): void {
    if (statement.conditions === undefined || statement.conditions === "unknown") {
        return; // unknown condition blocks are the concern of the policies that rely on conditions
    }
    const concrete = statement.actions !== undefined && !resolved.some(r => r.service === "*");
    for (const c of statement.conditions) {
        if (c.key.startsWith("aws:")) {
            if (!isGlobalConditionKey(c.key)) {
                report(`${where}: condition key "${c.key}" is not an AWS global condition key`);
            }
        } else if (
            concrete &&
            resolved.length > 0 &&
            !c.key.includes(".") &&
            !resolved.some(r => r.actions.some(a => conditionKeyApplies(c.key, r.service, a)))
        ) {
            report(`${where}: condition key "${c.key}" applies to none of the statement's actions, so the statement never matches`);
        }
        if (/arn/i.test(c.operator) || /arn$/i.test(c.key)) {
            for (const v of c.values) {
                if (typeof v === "string" && !isUnknown(v)) {
                    const problem = arnProblem(v);
                    if (problem) {
                        report(`${where}: condition ${c.operator} ${c.key} value "${v}" ${problem}`);
                    }
                }
            }
        }
    }
}

function checkResources(statement: Statement, resolved: Resolved[], where: string, report: (m: string) => void): void {
    if (statement.resources === undefined || statement.actions === undefined) {
        return;
    }
    const known: string[] = [];
    let someUnknown = false;
    for (const r of statement.resources) {
        if (typeof r !== "string" || isUnknown(r) || r.includes(UNKNOWN)) {
            someUnknown = true; // an output of this program: the engine checks the resolved value
            continue;
        }
        const problem = arnProblem(r);
        if (problem) {
            report(`${where}: Resource "${r}" ${problem}`);
            continue;
        }
        known.push(expandShorthand(normalise(r)));
    }
    if (resolved.some(x => x.service === "*") || known.includes("*")) {
        return;
    }
    const matches = (service: string, action: CatalogAction, arn: string) =>
        resourceArnFormats(service, action).some(f => arnFormatMatches(f.type, f.arn, arn));
    for (const arn of known) {
        if (!resolved.some(x => x.actions.some(a => matches(x.service, a, arn)))) {
            report(`${where}: Resource "${arn}" matches none of the resource types of the statement's actions, so it never applies`);
        }
    }
    if (someUnknown) {
        return;
    }
    for (const x of resolved) {
        if (x.actions.every(isWildcardOnly)) {
            report(`${where}: "${x.entry}" supports only Resource "*", so naming ARNs never allows it`);
        } else if (known.length > 0 && !x.actions.some(a => known.some(arn => matches(x.service, a, arn)))) {
            const types = [...new Set(x.actions.flatMap(a => resourceArnFormats(x.service, a).map(f => f.type)))];
            report(`${where}: "${x.entry}" applies to none of the statement's resources (it takes ${types.join(", ")})`);
        }
    }
}

/** Wildcard patterns resolve to every action they grant; checks of a pattern look at each. */
function resolveActions(entries: string[], where: string, report: (m: string) => void): Resolved[] {
    const resolved: Resolved[] = [];
    for (const entry of entries) {
        const found = lookupAction(entry);
        if (found.kind === "malformed") {
            report(`${where}: action "${entry}" is not of the form service:Action`);
        } else if (found.kind === "unknown-service") {
            report(`${where}: action "${entry}" names service prefix "${found.service}", which the Service Authorization Reference does not list`);
        } else if (found.kind === "no-match") {
            report(`${where}: action "${entry}" matches no action of the Service Authorization Reference`);
        } else if (found.service === "*") {
            resolved.push({ entry, service: "*", actions: [] });
        } else {
            resolved.push({ entry, service: found.service, actions: found.actions });
        }
    }
    return resolved;
}

/** Validates every statement of the document; unknown documents or effects are reported by the walker. */
export function checkDocument(source: DocumentSource, report: (message: string) => void): void {
    walkStatements(source, report, "it against the Service Authorization Reference", (statement, where) => {
        principalProblems(statement.principals, where, report);
        principalProblems(statement.notPrincipals, where, report);
        const actions = resolveActions(knownActions(statement, where, report), where, report);
        if (statement.notActions) {
            resolveActions(knownActions({ ...statement, actions: statement.notActions }, where, report), where, report);
            return;
        }
        checkConditions(statement, actions, where, report);
        checkResources(statement, actions, where, report);
    });
}
