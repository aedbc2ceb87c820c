import * as pulumi from "@pulumi/pulumi";
import type { KeyUse } from "./key-use";

/**
 * IAM policy documents as structured objects, typed so that the document the pack reads at a first
 * `pulumi preview` is the document that will be deployed.
 *
 * The engine serialises a document that holds any Output of a resource not created yet as ONE unknown
 * string at a first preview (pulumi.jsonStringify resolves only when every Output inside has), and the
 * pack then cannot read any statement of it and refuses it. So every part of a statement is a plain
 * value: Sid, Effect, Action, Principal, Condition operators, keys and values, and the Resource ARNs,
 * which are computed from the model (deterministic names, account ids: `roleArnOf`, `accountRoot`, the
 * components' `arn` fields). Passing an Output to any of them does not compile. Plain statements give a
 * plain string: known at preview, read by the pack statement by statement.
 *
 * The one exception is what the engine really leaves unknown at a first preview and the model cannot
 * compute: the ARN of a resource created in the same stack whose ARN carries a random part (a KMS key
 * id, a RAM share id). It is written `createdArn(resource)`, and only in `Resource` or as the value of
 * an `Arn*` condition operator (`aws:SourceArn`). A document with one is an Output, unknown at a first
 * preview, and the pack blocks it there (`npm run plan -- --preview` shows which): prefer a form that
 * avoids it, as keyUseStatement does with the key's alias.
 */
type Principal = { AWS: string | readonly string[] } | { Service: string | readonly string[] } | { Federated: string };

declare const CREATED: unique symbol;

/** The ARN output of a resource this stack creates: unknown at a first preview. Made by `createdArn` only. */
export type CreatedArn = pulumi.Output<string> & { readonly [CREATED]: true };

const createdArns = new WeakSet<object>();

/** Marks a resource's own `arn` output as the one unknown a statement may carry (see above). */
export function createdArn(resource: pulumi.CustomResource & { arn: pulumi.Output<string> }): CreatedArn {
    createdArns.add(resource.arn);
    return resource.arn as CreatedArn;
}

/** A condition key: `service:key`, e.g. `aws:SourceAccount`, `kms:ViaService`. */
type ConditionKey = `${string}:${string}`;
type ConditionValue = string | readonly string[] | boolean;

// IAM condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators",
// docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html), with
// the ForAllValues:/ForAnyValue: set qualifiers and the IfExists suffix: a misspelled one does not compile.
type BaseOperator =
    | "StringEquals"
    | "StringNotEquals"
    | "StringEqualsIgnoreCase"
    | "StringNotEqualsIgnoreCase"
    | "StringLike"
    | "StringNotLike"
    | "NumericEquals"
    | "NumericNotEquals"
    | "NumericLessThan"
    | "NumericLessThanEquals"
    | "NumericGreaterThan"
    | "NumericGreaterThanEquals"
    | "DateEquals"
    | "DateNotEquals"
    | "DateLessThan"
    | "DateLessThanEquals"
    | "DateGreaterThan"
    | "DateGreaterThanEquals"
    | "Bool"
    | "BinaryEquals"
    | "IpAddress"
    | "NotIpAddress";
type ArnOperator = "ArnEquals" | "ArnLike" | "ArnNotEquals" | "ArnNotLike";
type Qualified<O extends string> = `${"" | "ForAllValues:" | "ForAnyValue:"}${O}${"" | "IfExists"}`;

/** Conditions of plain values (operator, `service:key`, value). */
export type Conditions = { [O in Qualified<BaseOperator | ArnOperator>]?: Record<ConditionKey, ConditionValue> } & {
    Null?: Record<ConditionKey, "true" | "false" | boolean>;
};

/** Conditions whose Arn* operators may also take a createdArn. */
type CreatedArnConditions = Omit<Conditions, Qualified<ArnOperator>> & { [O in Qualified<ArnOperator>]?: Record<ConditionKey, ConditionValue | CreatedArn> };

/** A statement of plain values only: its document is a plain string, known at preview. */
export interface Statement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action: readonly string[];
    Resource?: readonly string[];
    Principal?: Principal | "*";
    Condition?: Conditions;
}

/** A statement that names a resource created in the same stack by its ARN output (see above). */
type StatementWithCreatedArn = Omit<Statement, "Resource" | "Condition"> & { Resource?: readonly (string | CreatedArn)[]; Condition?: CreatedArnConditions };

/**
 * The document of plain statements is a string, known at preview. With a `createdArn` inside it is an
 * Output (typed Input: it is a string when every createdArn is in fact known), unknown at a first preview.
 */
export function policyDocument(statements: readonly Statement[]): string;
export function policyDocument(statements: readonly StatementWithCreatedArn[]): pulumi.Input<string>;
export function policyDocument(statements: readonly StatementWithCreatedArn[]): pulumi.Input<string> {
    const document = { Version: "2012-10-17", Statement: statements.map(normalise) };
    const outputs = statements.flatMap(checkedOutputs);
    return outputs.length === 0 ? JSON.stringify(document) : pulumi.jsonStringify(document);
}

/** Actions sorted and de-duplicated so diffs of a document show real changes only. */
function normalise<S extends StatementWithCreatedArn>(statement: S): S {
    return { ...statement, Action: [...new Set(statement.Action)].sort() };
}

/**
 * The Outputs of a statement, each a `createdArn` where one may stand; any other Output (a caller
 * that cast its way past the types, or JavaScript) is refused here, naming the statement and place.
 */
function checkedOutputs(statement: StatementWithCreatedArn): CreatedArn[] {
    const found: CreatedArn[] = [];
    const visit = (value: unknown, where: string, mayBeCreated: boolean): void => {
        if (pulumi.Output.isInstance(value)) {
            if (!mayBeCreated || !createdArns.has(value)) {
                throw new Error(
                    `policyDocument: statement ${statement.Sid}: ${where} is an Output; a document with one is a single unknown string at a first preview, ` +
                        "which the policy pack refuses. Compute the value from the model; only createdArn(resource) may stand in Resource or an Arn* condition",
                );
            }
            found.push(value as CreatedArn);
        } else if (Array.isArray(value)) {
            value.forEach((v, i) => visit(v, `${where}[${i}]`, mayBeCreated));
        } else if (value !== null && typeof value === "object") {
            for (const [key, v] of Object.entries(value)) {
                const arnValue = where === "Condition" && /^(ForAllValues:|ForAnyValue:)?Arn/.test(key);
                visit(v, `${where}.${key}`, mayBeCreated || arnValue);
            }
        }
    };
    for (const [key, value] of Object.entries(statement)) {
        visit(value, key, key === "Resource");
    }
    return found;
}

export function accountRoot(accountId: string): string {
    return `arn:aws:iam::${accountId}:root`;
}

export function roleArnOf(accountId: string, roleName: string): string {
    return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/**
 * A customer key as its users see it: its ARN (random, unknown at preview), its alias (from the model),
 * and `allow`, through which a user declares what it needs from the key's policy.
 */
export interface KeyRef {
    arn: pulumi.Input<string>;
    aliasName: string;
    allow(use: KeyUse): KeyRef;
}

/**
 * Use of a customer key through one service, scoped by the key's alias rather than its ARN so the
 * document is fully known at preview and the policy pack can read it.
 */
export function keyUseStatement(
    sid: string,
    scope: { accountId: string; region: string },
    key: Pick<KeyRef, "aliasName">,
    actions: string[],
    viaService: string,
): Statement {
    return {
        Sid: sid,
        Effect: "Allow",
        Action: actions,
        Resource: [`arn:aws:kms:${scope.region}:${scope.accountId}:key/*`],
        Condition: {
            "ForAnyValue:StringEquals": { "kms:ResourceAliases": key.aliasName },
            StringEquals: { "kms:ViaService": `${viaService}.${scope.region}.amazonaws.com` },
        },
    };
}

/** Trust policy for an AWS service, pinned to the account and, given its model-computed ARN, to the source (confused-deputy protection). */
export function serviceTrust(service: string, accountId: string, sourceArn?: string): string {
    const condition: Statement["Condition"] = { StringEquals: { "aws:SourceAccount": accountId } };
    if (sourceArn !== undefined) {
        condition.ArnLike = { "aws:SourceArn": sourceArn };
    }
    return policyDocument([{ Sid: "TrustService", Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"], Condition: condition }]);
}

/** Refuses every request for `actions` on `resources` that does not come over TLS (aws:SecureTransport false). */
export function denyInsecureTransport(actions: string[], resources: string[]): Statement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: actions,
        Resource: resources,
        Condition: { Bool: { "aws:SecureTransport": false } },
    };
}
