import * as aws from "@pulumi/aws";
import { ACCOUNTS, find, type PlannedResource, resource, stack, urn, typed } from "./helpers";
import { CONSUMER_ROLE_ARN, doc, KEY_ARN, ORG_CONFIG, ROLE_ARN } from "./fixtures";
import { describePolicy } from "./harness";

const ROOT = { Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.producer}:root` }, Action: "kms:*", Resource: "*" };
const CONSUMER_USE = { Sid: "Consumer", Effect: "Allow", Principal: { AWS: CONSUMER_ROLE_ARN }, Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: "*" };
const LOGS = {
    Sid: "Logs",
    Effect: "Allow",
    Principal: { Service: "logs.eu-west-1.amazonaws.com" },
    Action: ["kms:Encrypt", "kms:Decrypt"],
    Resource: "*",
    Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${ACCOUNTS.producer}:log-group:*` } },
};
const keyProps = () => ({
    description: "lakewarden data key",
    keyUsage: "ENCRYPT_DECRYPT",
    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
    enableKeyRotation: true,
    rotationPeriodInDays: 365,
    deletionWindowInDays: 30,
    policy: doc(ROOT, CONSUMER_USE, LOGS),
});
const keyStack = () => stack(typed(aws.kms.Key, "data-key", keyProps()));
const set = (name: string, props: Record<string, unknown>) => (r: PlannedResource[]) => {
    Object.assign(find(r, name).props, props);
};
const otherTypes = () =>
    stack(
        resource("aws:kms/alias:Alias", "alias", {
            name: "alias/x",
            targetKeyId: KEY_ARN,
            enableKeyRotation: false,
            bypassPolicyLockoutSafetyCheck: true,
            operations: ["CreateGrant"],
            policy: doc({ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }),
        }),
    );
const keySettings = ["description", "keyUsage", "deletionWindowInDays", "policy*"];

describePolicy({
    policy: "kms-key-rotation",
    target: "data-key",
    compliant: keyStack,
    violations: [
        { name: "rotation off", mutate: set("data-key", { enableKeyRotation: false }), expect: /enableKeyRotation is not true/ },
        {
            name: "rotation not declared",
            mutate: r => {
                delete find(r, "data-key").props.enableKeyRotation;
            },
            expect: /enableKeyRotation is not true/,
        },
        { name: "rotation period too long", mutate: set("data-key", { rotationPeriodInDays: 730 }), expect: /rotationPeriodInDays is 730, more than 365/ },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "data-key", violates: ["enableKeyRotation", "rotationPeriodInDays", "customerMasterKeySpec"], allowed: keySettings }],
    configCases: [
        { name: "maxRotationPeriodDays 730", config: { maxRotationPeriodDays: 730 }, mutate: set("data-key", { rotationPeriodInDays: 730 }), expect: "pass" },
        {
            name: "asymmetric keys cannot rotate",
            config: {},
            mutate: set("data-key", { customerMasterKeySpec: "RSA_2048", enableKeyRotation: false }),
            expect: "pass",
        },
    ],
});

describePolicy({
    policy: "kms-key-policy-scoped",
    target: "data-key",
    config: ORG_CONFIG,
    compliant: () => stack(typed(aws.kms.Key, "data-key", keyProps()), typed(aws.kms.KeyPolicy, "other-key-policy", { keyId: KEY_ARN, policy: doc(ROOT) })),
    violations: [
        {
            name: "Principal * without conditions",
            mutate: set("data-key", { policy: doc(ROOT, { ...CONSUMER_USE, Principal: "*" }) }),
            expect: /allows Principal "\*" with no condition/,
        },
        {
            name: "kms:* to another account",
            mutate: set("data-key", { policy: doc(ROOT, { ...CONSUMER_USE, Action: "kms:*" }) }),
            expect: /grants kms:\* to principals outside/,
        },
        {
            name: "an account outside the environment",
            mutate: set("data-key", { policy: doc(ROOT, { ...CONSUMER_USE, Principal: { AWS: ACCOUNTS.stranger } }) }),
            expect: /999999999999, which is not an account of this environment/,
        },
        {
            name: "a service principal without pinning",
            mutate: set("data-key", { policy: doc(ROOT, { ...LOGS, Condition: undefined }) }),
            expect: /service principal logs.eu-west-1.amazonaws.com with no aws:SourceArn/,
        },
        {
            name: "an open KeyPolicy resource",
            mutate: set("other-key-policy", { policy: JSON.stringify(doc({ ...ROOT, Principal: { AWS: "*" } })) }),
            expect: /allows Principal "\*"/,
            on: "other-key-policy",
        },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "data-key",
            violates: [
                "policy",
                "policy.Statement",
                "policy.Statement.*.Effect",
                "policy.Statement.*.Principal*",
                "policy.Statement.*.Action*",
                "policy.Statement.*.Condition*",
                "policy.Statement.0",
                "policy.Statement.1",
                "policy.Statement.2",
            ],
            allowed: [
                "description",
                "keyUsage",
                "customerMasterKeySpec",
                "enableKeyRotation",
                "rotationPeriodInDays",
                "deletionWindowInDays",
                "policy.Version",
                "policy.Statement.*.Sid",
                "policy.Statement.*.Resource",
                "policy.Statement.2.Condition.ArnLike.kms:EncryptionContext:aws:logs:arn",
            ],
        },
    ],
    configCases: [
        {
            name: "Principal * pinned by kms:CallerAccount of the environment",
            config: {},
            mutate: set("data-key", {
                policy: doc(ROOT, {
                    ...CONSUMER_USE,
                    Principal: "*",
                    Condition: { StringEquals: { "kms:CallerAccount": ACCOUNTS.consumer, "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
                }),
            }),
            expect: "pass",
        },
        {
            name: "trustedAccounts admits an outside account",
            config: { trustedAccounts: [ACCOUNTS.stranger] },
            mutate: set("data-key", { policy: doc(ROOT, { ...CONSUMER_USE, Principal: { AWS: ACCOUNTS.stranger } }) }),
            expect: "pass",
        },
    ],
});

describePolicy({
    policy: "kms-key-policy-explicit",
    target: "data-key",
    compliant: keyStack,
    violations: [
        {
            name: "no key policy",
            mutate: r => {
                delete find(r, "data-key").props.policy;
            },
            expect: /has no explicit key policy/,
        },
    ],
    otherType: () => stack(typed(aws.kms.ReplicaKey, "replica", { description: "no policy" })),
    unknowns: [{ resource: "data-key", violates: [], allowed: ["*"] }],
    configCases: [
        {
            name: "a KeyPolicy resource counts as explicit",
            config: {},
            mutate: r => {
                delete find(r, "data-key").props.policy;
                r.push(
                    typed(
                        aws.kms.KeyPolicy,
                        "data-key-policy",
                        { keyId: KEY_ARN, policy: doc(ROOT) },
                        { propertyDependencies: { keyId: [urn("aws:kms/key:Key", "data-key")] } },
                    ),
                );
            },
            expect: "pass",
        },
    ],
});

describePolicy({
    policy: "kms-key-deletion-safety",
    target: "data-key",
    compliant: keyStack,
    violations: [
        {
            name: "bypassPolicyLockoutSafetyCheck",
            mutate: set("data-key", { bypassPolicyLockoutSafetyCheck: true }),
            expect: /bypassPolicyLockoutSafetyCheck is set/,
        },
        { name: "a 7-day deletion window", mutate: set("data-key", { deletionWindowInDays: 7 }), expect: /deletionWindowInDays is 7, less than 14/ },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "data-key",
            violates: ["deletionWindowInDays"],
            allowed: ["description", "keyUsage", "customerMasterKeySpec", "enableKeyRotation", "rotationPeriodInDays", "policy*"],
        },
    ],
    configCases: [
        { name: "minDeletionWindowDays 7", config: { minDeletionWindowDays: 7 }, mutate: set("data-key", { deletionWindowInDays: 7 }), expect: "pass" },
        {
            name: "an unknown bypass flag",
            config: {},
            mutate: set("data-key", { bypassPolicyLockoutSafetyCheck: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
            expect: /bypassPolicyLockoutSafetyCheck is not known/,
        },
    ],
});

describePolicy({
    policy: "kms-grant-scoped",
    target: "grant",
    compliant: () =>
        stack(
            typed(aws.kms.Grant, "grant", {
                name: "glue-decrypt",
                keyId: KEY_ARN,
                granteePrincipal: ROLE_ARN,
                operations: ["Decrypt", "GenerateDataKey"],
            }),
        ),
    violations: [
        { name: "CreateGrant", mutate: set("grant", { operations: ["CreateGrant", "Decrypt"] }), expect: /grants CreateGrant/ },
        { name: "a wildcard grantee", mutate: set("grant", { granteePrincipal: "*" }), expect: /granteePrincipal \* is not a named principal/ },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "grant", violates: ["operations*"], allowed: ["name", "keyId", "granteePrincipal"] }],
    configCases: [
        { name: "requireEncryptionContext", config: { requireEncryptionContext: true }, expect: /no encryption-context constraint/ },
        {
            name: "allowedOperations extended",
            config: { allowedOperations: ["Decrypt", "GenerateDataKey", "CreateGrant"] },
            mutate: set("grant", { operations: ["CreateGrant"] }),
            expect: "pass",
        },
    ],
});
