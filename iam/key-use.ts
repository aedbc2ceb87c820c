/**
 * What a user of a customer key needs from it, declared by the component that encrypts with the key
 * (CustomerKey.allow). The key policy is assembled from every declaration, so a component that starts
 * encrypting something brings its key statement with it instead of relying on what a stack wrote.
 */
import type * as pulumi from "@pulumi/pulumi";
import { accountRoot, type Conditions } from "./documents";
import type { AccountScope } from "../naming/resources";

export interface KeyUse {
    /** Statement id (letters and digits); one id per need, so two components declaring the same need share it. */
    sid: string;
    /** An AWS service principal (e.g. `logs.eu-west-1.amazonaws.com`) or IAM principals (role ARNs, account roots). */
    principal: { service: string } | { aws: string[] };
    actions: string[];
    /** Pins the caller: kms:ViaService, kms:EncryptionContext:*, aws:SourceArn/SourceAccount, ... */
    conditions?: Conditions;
    /** The AWS document the need comes from. */
    source: string;
    /**
     * The resources that create the IAM principals named here: KMS rejects a key policy naming a principal
     * that does not exist yet ("MalformedPolicyDocument ... invalid principals"), so the key waits for them.
     */
    principalResources?: pulumi.Resource[];
}

export const USE_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"];

/** Principals of the key's account, allowed by their IAM policies, calling KMS through `service` in the key's region. */
function throughService(sid: string, scope: AccountScope, service: string, actions: string[], source: string, extra?: Conditions): KeyUse {
    const pinned: Conditions = { StringEquals: { "kms:CallerAccount": scope.accountId, "kms:ViaService": `${service}.${scope.region}.amazonaws.com` } };
    return { sid, principal: { aws: [accountRoot(scope.accountId)] }, actions, conditions: { ...pinned, ...extra }, source };
}

/** Lambda: creating or updating a function with `kmsKeyArn` makes Lambda create a grant as the deployer. */
export function lambdaEnvironmentUse(scope: AccountScope): KeyUse {
    return throughService(
        "LambdaEnvironmentGrants",
        scope,
        "lambda",
        ["kms:CreateGrant"],
        "AWS Lambda Developer Guide, Securing environment variables (the function's creator needs kms:CreateGrant on a customer key)",
        { Bool: { "kms:GrantIsForAWSResource": true } },
    );
}

/** DynamoDB: the table's creator lets DynamoDB create grants; readers and writers use the key through DynamoDB. */
export function dynamoDbTableUse(scope: AccountScope): KeyUse {
    return throughService(
        "DynamoDbTables",
        scope,
        "dynamodb",
        ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
        "AWS KMS Developer Guide, How Amazon DynamoDB uses AWS KMS (key policy with kms:ViaService and kms:CallerAccount)",
    );
}

/** SSM SecureString: the writer (PutParameter at deploy) and the reader (GetParameter) call KMS through SSM. */
export function ssmSecureStringUse(scope: AccountScope): KeyUse {
    return throughService(
        "SsmSecureStrings",
        scope,
        "ssm",
        ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        "AWS Systems Manager User Guide, How AWS Systems Manager Parameter Store uses AWS KMS (kms:ViaService ssm.<region>.amazonaws.com)",
    );
}

/** SQS: producers need GenerateDataKey and consumers Decrypt, both through SQS. */
export function sqsQueueUse(scope: AccountScope): KeyUse {
    return throughService(
        "SqsQueues",
        scope,
        "sqs",
        ["kms:Decrypt", "kms:GenerateDataKey"],
        "Amazon SQS Developer Guide, Key management (producers kms:GenerateDataKey, consumers kms:Decrypt)",
    );
}

/** SNS: publishers of the account call KMS through SNS. */
export function snsTopicUse(scope: AccountScope): KeyUse {
    return throughService(
        "SnsTopics",
        scope,
        "sns",
        ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Amazon SNS Developer Guide, Data encryption: publishers need kms:GenerateDataKey* and kms:Decrypt",
    );
}

/** CloudWatch Logs encrypts a log group with the key, held to that log group by the encryption context. */
export function logGroupUse(scope: AccountScope, logGroupArns: string[]): KeyUse {
    return {
        sid: "CloudWatchLogsGroups",
        principal: { service: `logs.${scope.region}.amazonaws.com` },
        actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
        conditions: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": [...logGroupArns].sort() } },
        source: "Amazon CloudWatch Logs User Guide, Encrypt log data using AWS KMS (key policy with kms:EncryptionContext:aws:logs:arn)",
    };
}

/** S3 server access log delivery writes SSE-KMS objects as the logging service, for this account's buckets. */
export function s3AccessLogDeliveryUse(scope: AccountScope): KeyUse {
    return {
        sid: "S3ServerAccessLogDelivery",
        principal: { service: "logging.s3.amazonaws.com" },
        actions: ["kms:GenerateDataKey"],
        conditions: { StringEquals: { "aws:SourceAccount": scope.accountId } },
        source: "Amazon S3 User Guide, Permissions for log delivery (SSE-KMS target buckets: key policy for logging.s3.amazonaws.com)",
    };
}

/** EventBridge sends a failed event to a customer-key queue as the service, for the named rules only. */
export function eventBridgeDeadLetterUse(scope: AccountScope, ruleArns: string[]): KeyUse {
    return {
        sid: "EventBridgeDeadLetters",
        principal: { service: "events.amazonaws.com" },
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        conditions: { ArnLike: { "aws:SourceArn": [...ruleArns].sort() }, StringEquals: { "aws:SourceAccount": scope.accountId } },
        source: "Amazon EventBridge User Guide, Using dead-letter queues: encrypted queues need events.amazonaws.com kms:Decrypt and kms:GenerateDataKey",
    };
}

/** EventBridge delivers to an encrypted SNS topic or SQS queue as the service, for the named rules only. */
export function eventBridgeEncryptedTargetsUse(ruleArns: string[]): KeyUse {
    return {
        sid: "EventBridgeEncryptedTargets",
        principal: { service: "events.amazonaws.com" },
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        conditions: { ArnEquals: { "aws:SourceArn": ruleArns } },
        source: "Amazon EventBridge User Guide, Permissions for encrypted targets (SQS queue and SNS topic with a customer key)",
    };
}

/** CloudWatch alarms of this account publish to an encrypted SNS topic as the service. */
export function cloudWatchAlarmsUse(scope: AccountScope): KeyUse {
    return {
        sid: "CloudWatchAlarmsPublish",
        principal: { service: "cloudwatch.amazonaws.com" },
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        conditions: { StringEquals: { "aws:SourceAccount": scope.accountId } },
        source: "Amazon CloudWatch User Guide, Using Amazon SNS with encrypted topics (key policy for cloudwatch.amazonaws.com)",
    };
}

/** Merges uses that share a sid (same principal, actions and conditions apart from list values). */
export function mergeUses(uses: KeyUse[]): KeyUse[] {
    const bySid = new Map<string, KeyUse>();
    for (const use of uses) {
        const seen = bySid.get(use.sid);
        if (!seen) {
            bySid.set(use.sid, { ...use, principalResources: [...(use.principalResources ?? [])] });
            continue;
        }
        bySid.set(use.sid, mergeTwo(seen, use));
    }
    return [...bySid.values()];
}

function mergeTwo(a: KeyUse, b: KeyUse): KeyUse {
    const shape = (u: KeyUse) =>
        JSON.stringify({ p: "service" in u.principal ? u.principal.service : "aws", a: [...u.actions].sort(), c: conditionShape(u.conditions) });
    if (shape(a) !== shape(b)) {
        throw new Error(`key use ${a.sid} declared twice with different principals, actions or conditions (${a.source} / ${b.source})`);
    }
    const principal = "aws" in a.principal && "aws" in b.principal ? { aws: union(a.principal.aws, b.principal.aws) } : a.principal;
    return {
        ...a,
        principal,
        conditions: mergeConditions(a.conditions, b.conditions),
        principalResources: [...(a.principalResources ?? []), ...(b.principalResources ?? [])],
    };
}

/** Operators and keys, with values that are not lists (a list value may grow when uses merge). */
function conditionShape(conditions: Conditions | undefined): unknown {
    return Object.entries(conditions ?? {})
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([op, keys]) => [
            op,
            Object.entries(keys)
                .sort(([x], [y]) => x.localeCompare(y))
                .map(([k, v]) => [k, Array.isArray(v) ? "list" : v]),
        ]);
}

function mergeConditions(a: Conditions | undefined, b: Conditions | undefined): Conditions | undefined {
    if (!a || !b) {
        return a ?? b;
    }
    const theirs = b as Record<string, Record<string, unknown> | undefined>;
    const merged: Record<string, Record<string, unknown>> = {};
    for (const [op, keys] of Object.entries(a as Record<string, Record<string, unknown>>)) {
        merged[op] = {};
        for (const [key, value] of Object.entries(keys)) {
            const other = theirs[op]?.[key];
            merged[op][key] = Array.isArray(value) && Array.isArray(other) ? union(value, other) : value;
        }
    }
    return merged;
}

function union(a: readonly string[], b: readonly string[]): string[] {
    return [...new Set([...a, ...b])].sort();
}

/** The ARN of a service-linked role (they live under aws-service-role/<service>/). */
export function serviceLinkedRoleArn(accountId: string, service: string, roleName: string): string {
    return `arn:aws:iam::${accountId}:role/aws-service-role/${service}/${roleName}`;
}

/**
 * Auto Scaling launches instances with its service-linked role, whose policy carries no KMS permission:
 * a key encrypting their volumes (or the AMI's snapshots) must name the role, for use and for the EBS grants.
 */
export function autoScalingVolumeUses(roleArns: string[], roles: pulumi.Resource[]): KeyUse[] {
    const source = "Amazon EC2 Auto Scaling User Guide, Required AWS KMS key policy for use with encrypted volumes";
    const principal = { aws: [...roleArns].sort() };
    return [
        { sid: "AutoScalingServiceLinkedRoleUse", principal, actions: USE_ACTIONS, source, principalResources: roles },
        {
            sid: "AutoScalingServiceLinkedRoleGrants",
            principal,
            actions: ["kms:CreateGrant"],
            conditions: { Bool: { "kms:GrantIsForAWSResource": true } },
            source,
            principalResources: roles,
        },
    ];
}
