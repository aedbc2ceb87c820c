import { stackPolicy } from "../../lib/define";
import { evaluatePolicy, type Request } from "../../lib/iam/evaluate";
import { KEY_REQUIREMENTS, type KeyUse } from "../../lib/key-requirements";
import { KEY, StackIndex } from "../../lib/key-usage";
import type { Resource } from "../../lib/define";

const KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";

function requestsOf(use: KeyUse, consumer: Resource, key: Resource, ix: StackIndex): Request[] {
    const context: Record<string, string | boolean | string[]> = { ...(use.context ?? {}), "kms:ResourceAliases": ix.aliasesOf(key) };
    const who = use.principal.request;
    if (who.kind === "aws") {
        context["kms:CallerAccount"] = who.account;
        context["aws:PrincipalAccount"] = who.account;
        if (who.arn) {
            context["aws:PrincipalArn"] = who.arn;
        }
    }
    if (use.via) {
        context["kms:ViaService"] = `${use.via}.${ix.region(consumer)}.amazonaws.com`;
    }
    // DescribeKey carries no encryption context; CreateGrant for AWS resources says so.
    const withoutEncryptionContext = Object.fromEntries(Object.entries(context).filter(([k]) => !/^kms:EncryptionContext:/i.test(k)));
    return use.actions.map(action => ({
        principal: who,
        action,
        context:
            action === "kms:CreateGrant" && use.grantForAwsResource
                ? { ...context, "kms:GrantIsForAWSResource": "true" }
                : action === "kms:DescribeKey"
                  ? withoutEncryptionContext
                  : context,
    }));
}

function decide(documents: unknown[], request: Request): "allowed" | "unknown" | "no" {
    const decisions = documents.map(d => evaluatePolicy(d, request));
    if (decisions.includes("denied")) {
        return "no";
    }
    return decisions.includes("allowed") ? "allowed" : decisions.includes("unknown") ? "unknown" : "no";
}

/** The key ARN the consumer names (wherever it nests in the property); any key of the key's account while not known. */
function keyArnOf(consumer: Resource, property: string, key: Resource, ix: StackIndex): string {
    const found = /arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+/.exec(JSON.stringify(consumer.props[property] ?? ""));
    return found ? found[0] : `arn:aws:kms:${ix.region(key)}:${ix.account(key)}:key/*`;
}

/**
 * Why a principal allowed only through its account's delegation still cannot use the key: a
 * service-linked role's policies carry no KMS permissions; a role of the stack needs an identity
 * policy allowing the action on the key. Principals outside the stack (the deploy role) are the
 * account's prerequisite.
 */
function delegatedGap(request: Request, ix: StackIndex, keyArn: string): string | "unknown" | undefined {
    const who = request.principal;
    if (who.kind !== "aws" || !who.arn) {
        return undefined;
    }
    if (who.arn.includes(":role/aws-service-role/")) {
        return "a service-linked role's own policy grants no KMS actions, so the key policy must name it";
    }
    const role = ix.roleByArn(who.arn);
    if (!role) {
        return undefined;
    }
    const decisions = ix.identityPolicies(role).map(d => evaluatePolicy(d, request, keyArn));
    if (decisions.includes("allowed") && !decisions.includes("denied")) {
        return undefined;
    }
    if (decisions.includes("unknown") && !decisions.includes("denied")) {
        return "unknown";
    }
    return "the key policy delegates to the account, and no identity policy of the role allows it on the key";
}

export const kmsKeyUsable = stackPolicy({
    name: "kms-key-usable",
    concern: "kms",
    description:
        "The policy of every customer-managed key in the stack lets each service and principal that creates, runs or calls a resource " +
        "encrypted with it do what AWS requires (one requirement table, policy/lib/key-requirements.ts, each row citing its AWS document): " +
        "statements are evaluated with principal, action wildcards and conditions (kms:ViaService, kms:CallerAccount, " +
        "kms:GrantIsForAWSResource, encryption context, aws:SourceAccount/SourceArn).",
    severity: "critical",
    remediationSteps:
        "Add a key policy statement for the principal and actions named (for IAM principals of the key's account, through the " +
        "service with kms:ViaService; for AWS services, their service principal with aws:SourceAccount or the encryption context).",
    anchors: {},
    resourceTypes: [KEY, ...new Set(KEY_REQUIREMENTS.map(r => r.type))],
    validateStack(resources, _config, report) {
        const ix = new StackIndex(resources);
        const unknownReported = new Set<Resource>();
        // One violation per key, principal and gap, naming every resource that needs it.
        const gaps = new Map<string, { key: Resource; text: string; source: string; consumers: string[] }>();
        for (const row of KEY_REQUIREMENTS) {
            for (const consumer of ix.ofType(row.type).filter(r => row.applies?.(r) ?? true)) {
                const key = ix.keyOf(consumer, row.keyProperty);
                if (!key) {
                    continue; // not a key of this stack: its policy is not here to evaluate
                }
                const documents = [key.props.policy, ...ix.attached(key, KEY_POLICY, "keyId").map(p => p.props.policy)].filter(d => d !== undefined);
                for (const use of row.uses(consumer, ix)) {
                    const missing: string[] = [];
                    let unknown = false;
                    const keyArn = keyArnOf(consumer, row.keyProperty, key, ix);
                    for (const request of requestsOf(use, consumer, key, ix)) {
                        const decision = decide(documents, request);
                        if (decision === "unknown") {
                            unknown = true;
                        } else if (decision !== "allowed") {
                            missing.push(request.action);
                        } else if (decide(documents, { ...request, accountDelegation: false }) !== "allowed") {
                            // Allowed only through the account: the principal's own IAM policies must allow it too.
                            const gap = delegatedGap(request, ix, keyArn);
                            if (gap === "unknown") {
                                unknown = true;
                            } else if (gap) {
                                missing.push(`${request.action} (${gap})`);
                            }
                        }
                    }
                    if (missing.length > 0) {
                        const text = `key ${key.name} does not let ${use.principal.label} ${missing.join(", ")}${use.via ? ` through ${use.via}` : ""}, needed for ${use.why}`;
                        const gap = gaps.get(`${key.urn}|${text}`) ?? { key, text, source: row.source, consumers: [] };
                        gap.consumers.push(`${consumer.type.split(":").pop()} ${consumer.name}`);
                        gaps.set(`${key.urn}|${text}`, gap);
                    } else if (unknown && !unknownReported.has(key)) {
                        unknownReported.add(key);
                        report(
                            `the policy of key ${key.name} (or an identity policy of ${use.principal.label}) is not known at preview, so whether ${use.principal.label} may use it cannot be verified`,
                            key.urn,
                        );
                    }
                }
            }
        }
        for (const gap of gaps.values()) {
            report(`${gap.text} by ${gap.consumers.join(", ")} (${gap.source})`, gap.key.urn);
        }
    },
});
