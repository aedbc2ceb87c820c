import * as pulumi from "@pulumi/pulumi";
import type { KeyUse } from "./key-use";

/**
 * IAM policy documents as structured objects. The engine serialises a document that contains any
 * Output of a resource not created yet as ONE unknown string at a first `pulumi preview`, and the pack
 * then cannot read any statement of it (it refuses it). So: Effect, Action, Principal and Condition
 * are plain strings, and Resource ARNs are computed from the model (deterministic names, account ids)
 * wherever they can be; an Output is acceptable only when it is known at preview (config, an existing
 * resource). `npm run plan -- --preview` leaves new resources' outputs unknown and shows which documents
 * a first preview could not check; CI runs it for every stack.
 */
type Principal = { AWS: string | string[] } | { Service: string | string[] } | { Federated: string };

export type Conditions = Record<string, Record<string, pulumi.Input<string | string[] | boolean>>>;

export interface Statement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource?: pulumi.Input<string>[];
    Principal?: Principal | "*";
    Condition?: Conditions;
}

export function policyDocument(statements: Statement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements.map(normalise) });
}

/** Actions sorted and de-duplicated so diffs of a document show real changes only. */
function normalise(statement: Statement): Statement {
    return { ...statement, Action: [...new Set(statement.Action)].sort() };
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

/** Trust policy for an AWS service, pinned to the account (confused-deputy protection). */
export function serviceTrust(service: string, accountId: string, sourceArn?: pulumi.Input<string>): pulumi.Output<string> {
    const condition: Conditions = { StringEquals: { "aws:SourceAccount": accountId } };
    if (sourceArn !== undefined) {
        condition.ArnLike = { "aws:SourceArn": sourceArn };
    }
    return policyDocument([{ Sid: "TrustService", Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"], Condition: condition }]);
}
