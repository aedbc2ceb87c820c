// What the key requirement table needs to know about the stack: the key a resource is encrypted
// with (through the property's dependency on the Key, as the engine records it), the account and
// region of a resource, who deploys an account, and which roles of the stack call an action on an
// ARN (their identity policies say so).
import type { Resource } from "./define";
import { allowedAccountIds, AWS_PROVIDER_TYPE } from "./environment";
import { globsIntersect } from "./iam/catalog";
import { isAllow, parseDocument, restrictingValues, wildcardMatch } from "./iam/document";
import type { RequestPrincipal } from "./iam/evaluate";
import { identityDocuments, IDENTITY_POLICY_TYPES } from "./iam/sources";
import { isUnknown } from "./unknown";
import { asList, isDict } from "./values";

export const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";
const ROLE = "aws:iam/role:Role";

export interface Principal {
    /** For messages: "the deploying role arn:...", "role lakewarden-x", "service logs.eu-west-1.amazonaws.com". */
    label: string;
    request: RequestPrincipal;
}

export interface Caller {
    role: Resource;
    principal: Principal;
}

export class StackIndex {
    private readonly roleByName = new Map<string, Resource>();
    /** Allow statements of identity policies, by service prefix of their actions ("*" for wildcards). */
    private callerCache?: Map<string, { role: Resource; actions: string[]; resources: string[] }[]>;
    /** Resources depending on a resource, by "<type>|<property>". */
    private readonly dependents = new Map<Resource, Map<string, Resource[]>>();
    private readonly children = new Map<Resource, Resource[]>();
    /** Resources by type, in stack order. */
    private readonly byType = new Map<string, Resource[]>();
    /** Identity policies (role policies, inline policies) by the role they belong to, in stack order. */
    private policiesByRole?: Map<Resource, Resource[]>;

    constructor(readonly resources: Resource[]) {
        for (const r of resources) {
            const sameType = this.byType.get(r.type);
            if (sameType) {
                sameType.push(r);
            } else {
                this.byType.set(r.type, [r]);
            }
            if (r.type === ROLE && typeof r.props.name === "string") {
                this.roleByName.set(`${this.account(r)}|${r.props.name}`, r);
            }
            if (r.parent) {
                this.children.set(r.parent, [...(this.children.get(r.parent) ?? []), r]);
            }
            for (const [property, deps] of Object.entries(r.propertyDependencies)) {
                for (const dep of deps) {
                    const byKey = this.dependents.get(dep) ?? new Map<string, Resource[]>();
                    const key = `${r.type}|${property}`;
                    byKey.set(key, [...(byKey.get(key) ?? []), r]);
                    this.dependents.set(dep, byKey);
                }
            }
        }
    }

    /** The stack's resources of one type, in stack order (one pass over the stack for every lookup). */
    ofType(type: string): readonly Resource[] {
        return this.byType.get(type) ?? [];
    }

    account(r: Resource): string {
        const props = r.type === AWS_PROVIDER_TYPE ? r.props : r.provider?.props;
        return allowedAccountIds(props)[0] ?? "000000000000";
    }

    region(r: Resource): string {
        const region = r.provider?.props.region;
        return typeof region === "string" && !isUnknown(region) ? region : "us-east-1";
    }

    /** The Key behind a property: its dependency on a Key, or on an Alias targeting one. */
    keyOf(r: Resource, property: string): Resource | undefined {
        for (const dep of r.propertyDependencies[property] ?? []) {
            if (dep.type === KEY) {
                return dep;
            }
            if (dep.type === ALIAS) {
                const target = (dep.propertyDependencies.targetKeyId ?? []).find(d => d.type === KEY);
                if (target) {
                    return target;
                }
            }
        }
        return undefined;
    }

    /** Alias names of a key (kms:ResourceAliases). */
    aliasesOf(key: Resource): string[] {
        return this.attached(key, ALIAS, "targetKeyId")
            .filter(a => typeof a.props.name === "string")
            .map(a => String(a.props.name));
    }

    /** The role that deploys the resource's account (its provider's first assumed role), else any principal of the account. */
    deployer(r: Resource): Principal {
        const account = this.account(r);
        const assumed = asList(r.provider?.props.assumeRoles).find(isDict);
        const arn = assumed && typeof assumed.roleArn === "string" && !isUnknown(assumed.roleArn) ? assumed.roleArn : undefined;
        return { label: arn ? `the deploying role ${arn}` : `the deploying principal of ${account}`, request: { kind: "aws", arn, account } };
    }

    rolePrincipal(role: Resource): Principal {
        const account = this.account(role);
        const name = typeof role.props.name === "string" ? role.props.name : role.name;
        const path = typeof role.props.path === "string" ? role.props.path : "/";
        return { label: `role ${name}`, request: { kind: "aws", arn: `arn:aws:iam::${account}:role${path}${name}`, account } };
    }

    /** A role of the stack by ARN (as written in an input), if it is one. */
    roleByArn(arn: unknown): Resource | undefined {
        const m = typeof arn === "string" ? /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn) : null;
        return m ? this.roleByName.get(`${m[1]}|${m[2]}`) : undefined;
    }

    siblings(r: Resource): Resource[] {
        return r.parent ? (this.children.get(r.parent) ?? []).filter(x => x !== r) : [];
    }

    private roleOfPolicy(policy: Resource): Resource | undefined {
        if (policy.type === ROLE) {
            return policy;
        }
        const dep = (policy.propertyDependencies.role ?? []).find(d => d.type === ROLE);
        if (dep) {
            return dep;
        }
        const name = policy.props.role;
        return typeof name === "string" ? this.roleByName.get(`${this.account(policy)}|${name}`) : undefined;
    }

    /** The identity policy documents of a role of the stack (its role policies and inline policies). */
    identityPolicies(role: Resource): unknown[] {
        if (!this.policiesByRole) {
            this.policiesByRole = new Map();
            for (const r of this.resources) {
                const owner = (IDENTITY_POLICY_TYPES as readonly string[]).includes(r.type) ? this.roleOfPolicy(r) : undefined;
                if (owner) {
                    this.policiesByRole.set(owner, [...(this.policiesByRole.get(owner) ?? []), r]);
                }
            }
        }
        return (this.policiesByRole.get(role) ?? []).flatMap(r => identityDocuments(r).map(source => source.value));
    }

    /** Roles whose identity policies Allow one of `actions` on a resource matching `arn`. */
    callers(actions: readonly string[], arn: string): Caller[] {
        this.callerCache ??= this.indexCallers();
        const found = new Map<Resource, Caller>();
        const prefixes = new Set(["*", ...actions.map(a => a.split(":")[0].toLowerCase())]);
        for (const entry of [...prefixes].flatMap(p => this.callerCache?.get(p) ?? [])) {
            const acts = entry.actions.some(p => actions.some(a => wildcardMatch(p, a)));
            const onArn = entry.resources.some(p => globsIntersect(p.replace(/\$\{[^}]*\}/g, "*"), arn));
            if (acts && onArn && !found.has(entry.role)) {
                found.set(entry.role, { role: entry.role, principal: this.rolePrincipal(entry.role) });
            }
        }
        return [...found.values()];
    }

    private indexCallers(): Map<string, { role: Resource; actions: string[]; resources: string[] }[]> {
        const index = new Map<string, { role: Resource; actions: string[]; resources: string[] }[]>();
        const entries = this.resources
            .filter(r => (IDENTITY_POLICY_TYPES as readonly string[]).includes(r.type))
            .flatMap(r => {
                const role = this.roleOfPolicy(r);
                if (!role) {
                    return [];
                }
                return identityDocuments(r).flatMap(source => {
                    const doc = parseDocument(source.value);
                    return doc.kind !== "ok"
                        ? []
                        : doc.statements.filter(isAllow).map(s => ({
                              role,
                              actions: (s.actions ?? []).filter((a): a is string => typeof a === "string" && !isUnknown(a)),
                              resources: (s.resources ?? []).filter((x): x is string => typeof x === "string" && !isUnknown(x)),
                          }));
                });
            });
        for (const entry of entries) {
            const prefixes = new Set(entry.actions.map(a => (a === "*" ? "*" : a.split(":")[0].toLowerCase())));
            for (const p of prefixes) {
                index.set(p, [...(index.get(p) ?? []), entry]);
            }
        }
        return index;
    }

    /**
     * Service principals a resource policy (on the resource or a separate *Policy resource) lets call one
     * of `actions`, each with the source ARN its statement pins (aws:SourceArn), which the service sends.
     */
    servicePrincipals(documents: unknown[], actions: readonly string[]): { service: string; sourceArn?: string }[] {
        const found = new Map<string, { service: string; sourceArn?: string }>();
        for (const d of documents) {
            const doc = parseDocument(d);
            if (doc.kind !== "ok") {
                continue;
            }
            for (const s of doc.statements.filter(isAllow)) {
                const acts = (s.actions ?? []).some(p => typeof p === "string" && actions.some(a => wildcardMatch(p, a)));
                if (!acts) {
                    continue;
                }
                const sources = (restrictingValues(s, "aws:SourceArn") ?? []).filter((v): v is string => typeof v === "string" && !isUnknown(v));
                for (const service of s.principals?.service ?? []) {
                    for (const sourceArn of sources.length > 0 ? sources : [undefined]) {
                        found.set(`${service}|${sourceArn ?? ""}`, { service, sourceArn });
                    }
                }
            }
        }
        return [...found.values()];
    }

    /** Resources of `type` whose `property` depends on `target` (e.g. the TopicPolicy of a Topic). */
    attached(target: Resource, type: string, property: string): Resource[] {
        return this.dependents.get(target)?.get(`${type}|${property}`) ?? [];
    }
}
