// Where policy documents live on each resource type, and a walker over their statements that
// turns unknown or malformed documents into violations instead of silent passes.
import type { Resource } from "../define";
import { isUnknown } from "../unknown";
import { asList, dig, isDict } from "../values";
import { parseDocument, type Statement, statementLabel } from "./document";

export interface DocumentSource {
    label: string;
    value: unknown;
}

export const IDENTITY_POLICY_TYPES = [
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/role:Role",
] as const;

export function identityDocuments(r: Resource): DocumentSource[] {
    if (r.type === "aws:iam/role:Role") {
        const inline = asList(r.props.inlinePolicies);
        if (inline.some(isUnknown)) {
            return [{ label: "inlinePolicies", value: inline.find(isUnknown) }];
        }
        return inline.filter(isDict).map((p, i) => ({
            label: `inline policy ${typeof p.name === "string" ? `"${p.name}"` : i + 1}`,
            value: p.policy,
        }));
    }
    return [{ label: "policy", value: r.props.policy }];
}

/** Resource types that carry a resource-based policy, and the property that holds it. */
export const RESOURCE_POLICY_PROPERTY: Readonly<Record<string, string>> = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "policy",
    "aws:apigateway/restApi:RestApi": "policy",
    "aws:apigateway/restApiPolicy:RestApiPolicy": "policy",
    "aws:glue/resourcePolicy:ResourcePolicy": "policy",
};

export function resourcePolicyDocument(r: Resource): DocumentSource {
    const property = RESOURCE_POLICY_PROPERTY[r.type] ?? "policy";
    return { label: property, value: dig(r.props, property) };
}

export function trustDocument(r: Resource): DocumentSource {
    return { label: "assumeRolePolicy", value: r.props.assumeRolePolicy };
}

/**
 * Calls `visit` for every statement of the document. An unknown or invalid document, or a
 * statement whose Effect is unknown, is reported: what cannot be read cannot pass.
 */
export function walkStatements(
    source: DocumentSource,
    report: (message: string) => void,
    verifying: string,
    visit: (statement: Statement, where: string) => void,
): void {
    const doc = parseDocument(source.value);
    if (doc.kind === "unknown") {
        report(
            `${source.label} is not known at preview, so ${verifying} cannot be verified; build it as an object whose Effect, Action and Principal are plain strings`,
        );
        return;
    }
    if (doc.kind === "invalid") {
        report(`${source.label} is ${doc.reason}, so ${verifying} cannot be verified`);
        return;
    }
    if (doc.kind === "absent") {
        return;
    }
    for (const statement of doc.statements) {
        const where = `${source.label} ${statementLabel(statement)}`;
        if (isUnknown(statement.effect)) {
            report(`${where}: Effect is not known at preview, so ${verifying} cannot be verified`);
            continue;
        }
        visit(statement, where);
    }
}

/** The statement's actions; reports unknown entries. */
export function knownActions(statement: Statement, where: string, report: (message: string) => void): string[] {
    const result: string[] = [];
    for (const action of statement.actions ?? []) {
        if (typeof action === "string" && !isUnknown(action)) {
            result.push(action);
        } else {
            report(`${where}: an Action is not known at preview; actions must be plain strings`);
        }
    }
    return result;
}
