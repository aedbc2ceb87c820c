import { type Resource, stackPolicy } from "../../lib/define";
import { ownAccounts } from "../../lib/environment";
import { resolveIntrinsics } from "../../lib/iam/catalog-check";
import { type DocumentSource, RESOURCE_POLICY_PROPERTY, resourcePolicyDocument, trustDocument, walkStatements } from "../../lib/iam/sources";
import { isUnknown } from "../../lib/unknown";
import { isDict, parseJsonish } from "../../lib/values";

const ROLE = "aws:iam/role:Role";
const USER = "aws:iam/user:User";
const STACK_SET = "aws:cloudformation/stackSet:StackSet";

/** ARNs a role or user of this stack will have: account of its provider, path and name. */
function principalArns(r: Resource): string[] {
    const { name, path } = r.props;
    if (typeof name !== "string" || isUnknown(name) || (path !== undefined && (typeof path !== "string" || isUnknown(path)))) {
        return []; // an unnamed or unknown-named principal can only be referenced through its output, which records the dependency
    }
    const kind = r.type === ROLE ? "role" : "user";
    return [...ownAccounts(r)].map(account => `arn:aws:iam::${account}:${kind}${path ?? "/"}${name}`);
}

/** Documents whose principals the service validates when the document is written. */
function documentsOf(r: Resource): DocumentSource[] {
    const documents: DocumentSource[] = [];
    if (r.type === ROLE) {
        documents.push(trustDocument(r));
    }
    if (RESOURCE_POLICY_PROPERTY[r.type]) {
        documents.push(resourcePolicyDocument(r));
    }
    if (r.type === STACK_SET) {
        const template = parseJsonish(r.props.templateBody);
        const walk = (value: unknown, where: string): void => {
            if (Array.isArray(value)) {
                value.forEach((v, i) => walk(v, `${where}[${i}]`));
            } else if (isDict(value)) {
                for (const [k, v] of Object.entries(value)) {
                    if (k === "AssumeRolePolicyDocument" || k === "KeyPolicy" || k === "PolicyDocument") {
                        documents.push({ label: `templateBody ${where}.${k}`, value: resolveIntrinsics(v) });
                    } else {
                        walk(v, `${where}.${k}`);
                    }
                }
            }
        };
        if (isDict(template)) {
            walk(template.Resources, "Resources");
        }
    }
    return documents;
}

/**
 * Everything `r` waits for before it is created: its dependencies (explicit, through its inputs,
 * the custom children of components it depends on) and, because a child is registered only after
 * its parent, whatever its parent components wait for; transitively.
 */
function waitsFor(r: Resource, children: Map<Resource, Resource[]>): Set<Resource> {
    const seen = new Set<Resource>();
    const stack: Resource[] = [...r.dependencies];
    for (let p = r.parent; p; p = p.parent) {
        stack.push(...p.dependencies);
    }
    while (stack.length > 0) {
        const next = stack.pop() as Resource;
        if (seen.has(next)) {
            continue;
        }
        seen.add(next);
        stack.push(...next.dependencies, ...(children.get(next) ?? []));
        for (let p = next.parent; p; p = p.parent) {
            stack.push(...p.dependencies);
        }
    }
    return seen;
}

export const iamPrincipalsExistFirst = stackPolicy({
    name: "iam-principals-exist-first",
    concern: "iam",
    description:
        "A trust, key, topic, queue, event bus, bucket or secret policy (or a StackSet template) that names an IAM role or user " +
        "created in this stack depends on it, directly, through its component or transitively: IAM, KMS, SNS, SQS, S3 and " +
        'EventBridge refuse a policy naming a principal that does not exist yet ("Invalid principal").',
    severity: "high",
    remediationSteps:
        "Build the principal from the role's output (role.arn), which records the dependency, or add `dependsOn: [role]` to the " +
        "resource (or its component) holding the policy. Across accounts the same holds: the role's stack resource must come first.",
    anchors: {},
    resourceTypes: [ROLE, STACK_SET, ...Object.keys(RESOURCE_POLICY_PROPERTY)],
    validateStack(resources, _config, report) {
        const principals = new Map<string, Resource>();
        for (const r of resources.filter(x => x.type === ROLE || x.type === USER)) {
            for (const arn of principalArns(r)) {
                principals.set(arn, r);
            }
        }
        const children = new Map<Resource, Resource[]>();
        for (const r of resources) {
            if (r.parent) {
                children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
            }
        }
        for (const r of resources) {
            const documents = documentsOf(r);
            if (documents.length === 0) {
                continue;
            }
            let before: Set<Resource> | undefined;
            for (const source of documents) {
                walkStatements(
                    source,
                    m => report(m, r.urn),
                    "the order of its principals",
                    (statement, where) => {
                        for (const arn of [...(statement.principals?.aws ?? []), ...(statement.notPrincipals?.aws ?? [])]) {
                            const principal = principals.get(arn);
                            if (!principal || principal === r) {
                                continue;
                            }
                            before ??= waitsFor(r, children);
                            if (!before.has(principal)) {
                                report(
                                    `${where} names ${arn}, created in this stack by ${principal.urn}, but nothing makes this resource wait for it; it is refused while the principal does not exist`,
                                    r.urn,
                                );
                            }
                        }
                    },
                );
            }
        }
    },
});
