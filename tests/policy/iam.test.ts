import * as aws from "@pulumi/aws";
import { ACCOUNTS, find, ORG_ID, resource, stack, typed } from "./helpers";
import { CONSUMER_ROLE_ARN, doc, LAMBDA_TRUST, ORG_CONFIG, role, ROLE_ARN, rolePolicy } from "./fixtures";
import { describePolicy } from "./harness";

const READ = doc({ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::lw-raw/*"] });
const otherTypeStack = () =>
    stack(
        resource("aws:sqs/queue:Queue", "q", {
            policy: doc({ Effect: "Allow", Action: "*", NotResource: "*", Principal: "*" }),
            role: "x",
            managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
            policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
            assumeRolePolicy: doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: "*" }),
        }),
    );
const setStatement = (name: string, statement: object) => (r: ReturnType<typeof stack>) => {
    find(r, name).props.policy = doc(statement as never);
};
const documentUnknowns = {
    resource: "reader",
    violates: ["policy", "policy.Statement*"],
    allowed: ["role", "name", "policy.Version", "policy.Statement.0.Sid", "policy.Statement.0.Resource*"],
};

describePolicy({
    policy: "iam-no-wildcard-actions",
    target: "reader",
    compliant: () => stack(rolePolicy("reader", READ)),
    violations: [
        {
            name: "Action *",
            mutate: setStatement("reader", { Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::lw-raw/*" }),
            expect: /wildcard action "\*"/,
        },
        {
            name: "service:* in a JSON string document",
            mutate: r => {
                find(r, "reader").props.policy = JSON.stringify(doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:*"], Resource: "*" }));
            },
            expect: /wildcard action "s3:\*"/,
        },
        {
            name: "iam:* in a role's inline policy",
            mutate: r => {
                r.push(
                    role("inline-role", LAMBDA_TRUST, {
                        inlinePolicies: [{ name: "admin", policy: JSON.stringify(doc({ Effect: "Allow", Action: "iam:*", Resource: "*" })) }],
                    }),
                );
            },
            expect: /inline policy "admin".*"iam:\*"/,
            on: "inline-role",
        },
        {
            name: "a malformed document",
            mutate: r => {
                find(r, "reader").props.policy = "{not json";
            },
            expect: /not valid JSON/,
        },
    ],
    otherType: otherTypeStack,
    unknowns: [documentUnknowns],
    configCases: [
        {
            name: "forbidPartialWildcards refuses s3:Get*",
            config: { forbidPartialWildcards: true },
            mutate: setStatement("reader", { Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::lw-raw/*" }),
            expect: /partial wildcard action "s3:Get\*"/,
        },
        {
            name: "partial wildcards pass by default",
            config: {},
            mutate: setStatement("reader", { Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::lw-raw/*" }),
            expect: "pass",
        },
    ],
});

describePolicy({
    policy: "iam-no-wildcard-resources",
    target: "reader",
    compliant: () =>
        stack(
            rolePolicy(
                "reader",
                doc(
                    { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::lw-raw/*"] },
                    { Sid: "Describe", Effect: "Allow", Action: ["ec2:DescribeInstances", "lakeformation:GetDataAccess"], Resource: "*" },
                ),
            ),
        ),
    violations: [
        {
            name: "s3:PutObject on *",
            mutate: setStatement("reader", { Effect: "Allow", Action: ["s3:PutObject"], Resource: "*" }),
            expect: /"s3:PutObject" on Resource "\*"/,
        },
        {
            name: "a wildcard list action that is not on the list",
            mutate: setStatement("reader", { Effect: "Allow", Action: ["dynamodb:*"], Resource: ["*"] }),
            expect: /"dynamodb:\*" on Resource "\*"/,
        },
        {
            name: "a condition-scoped write without its scoping key",
            mutate: setStatement("reader", { Effect: "Allow", Action: ["ram:AssociateResourceShare"], Resource: "*" }),
            expect: /"ram:AssociateResourceShare" on Resource "\*"/,
        },
        {
            name: "a condition-scoped write scoped by another key",
            mutate: setStatement("reader", {
                Effect: "Allow",
                Action: ["ram:CreateResourceShare"],
                Resource: "*",
                Condition: { StringLike: { "ram:ResourceShareName": "LakeFormation*" } },
            }),
            expect: /"ram:CreateResourceShare" on Resource "\*"/,
        },
    ],
    otherType: otherTypeStack,
    unknowns: [
        {
            resource: "reader",
            violates: ["policy", "policy.Statement*"],
            allowed: ["role", "name", "policy.Version", "policy.Statement.*.Sid", "policy.Statement.*.Resource*"],
        },
    ],
    configCases: [
        {
            name: "RAM share writes scoped like AWSLakeFormationCrossAccountManager",
            config: {},
            mutate: r => {
                find(r, "reader").props.policy = doc(
                    {
                        Effect: "Allow",
                        Action: ["ram:CreateResourceShare"],
                        Resource: ["*"],
                        Condition: { "ForAllValues:StringEquals": { "ram:RequestedResourceType": ["glue:Database", "glue:Table"] } },
                    },
                    {
                        Effect: "Allow",
                        Action: ["ram:AssociateResourceShare", "ram:DeleteResourceShare"],
                        Resource: ["*"],
                        Condition: { StringLike: { "ram:ResourceShareName": "LakeFormation*" } },
                    },
                );
            },
            expect: "pass",
        },
        {
            name: "additionalStarOnlyActions admits a reviewed action",
            config: { additionalStarOnlyActions: ["s3:PutObject"] },
            mutate: setStatement("reader", { Effect: "Allow", Action: ["s3:PutObject"], Resource: "*" }),
            expect: "pass",
        },
    ],
});

describePolicy({
    policy: "iam-no-allow-notaction-notresource",
    target: "reader",
    compliant: () =>
        stack(
            rolePolicy(
                "reader",
                doc(
                    { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::lw-raw/*"] },
                    { Sid: "DenyOthers", Effect: "Deny", NotAction: ["s3:GetObject"], Resource: "*" },
                ),
            ),
        ),
    violations: [
        {
            name: "Allow with NotAction",
            mutate: setStatement("reader", { Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
            expect: /Allow with NotAction/,
        },
        {
            name: "Allow with NotResource",
            mutate: setStatement("reader", { Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }),
            expect: /Allow with NotResource/,
        },
        {
            name: "Allow with NotPrincipal in a bucket policy",
            mutate: r => {
                r.push(
                    typed(aws.s3.BucketPolicy, "bp", {
                        bucket: "lw-raw",
                        policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::lw-raw/*", NotPrincipal: { AWS: ROLE_ARN } }),
                    }),
                );
            },
            expect: /Allow with NotPrincipal/,
            on: "bp",
        },
    ],
    otherType: () => stack(resource("aws:sqs/queuePolicy2:Other", "q", { policy: doc({ Effect: "Allow", NotAction: "*", Resource: "*" }) })),
    unknowns: [
        {
            resource: "reader",
            violates: ["policy", "policy.Statement", "policy.Statement.0", "policy.Statement.1", "policy.Statement.*.Effect"],
            allowed: [
                "role",
                "name",
                "policy.Version",
                "policy.Statement.*.Sid",
                "policy.Statement.*.Resource*",
                "policy.Statement.*.Action*",
                "policy.Statement.*.NotAction*",
            ],
        },
    ],
});

describePolicy({
    policy: "iam-no-admin-managed-policies",
    target: "attach",
    compliant: () =>
        stack(
            typed(aws.iam.RolePolicyAttachment, "attach", {
                role: "lakewarden-reader",
                policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            }),
        ),
    violations: [
        {
            name: "AdministratorAccess",
            mutate: r => {
                find(r, "attach").props.policyArn = "arn:aws:iam::aws:policy/AdministratorAccess";
            },
            expect: /AdministratorAccess/,
        },
        {
            name: "a *FullAccess policy",
            mutate: r => {
                find(r, "attach").props.policyArn = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
            },
            expect: /AmazonS3FullAccess/,
        },
        {
            name: "PowerUserAccess in Role.managedPolicyArns",
            mutate: r => {
                r.push(role("power", LAMBDA_TRUST, { managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] }));
            },
            expect: /PowerUserAccess/,
            on: "power",
        },
    ],
    otherType: otherTypeStack,
    unknowns: [{ resource: "attach", violates: [], allowed: ["role", "policyArn"] }],
    configCases: [
        {
            name: "additionalForbiddenPolicies",
            config: { additionalForbiddenPolicies: ["AWSLambdaBasicExecutionRole"] },
            expect: /AWSLambdaBasicExecutionRole/,
        },
    ],
});

const PASS = {
    Sid: "Pass",
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: [`arn:aws:iam::${ACCOUNTS.producer}:role/lakewarden-glue-job`],
    Condition: { StringEquals: { "iam:PassedToService": "glue.amazonaws.com" } },
};
describePolicy({
    policy: "iam-passrole-scoped",
    target: "reader",
    compliant: () => stack(rolePolicy("reader", doc(PASS))),
    violations: [
        { name: "PassRole on *", mutate: setStatement("reader", { ...PASS, Resource: "*" }), expect: /iam:PassRole on "\*"/ },
        {
            name: "PassRole on role/*",
            mutate: setStatement("reader", { ...PASS, Resource: `arn:aws:iam::${ACCOUNTS.producer}:role/*` }),
            expect: /iam:PassRole on/,
        },
        { name: "no iam:PassedToService", mutate: setStatement("reader", { ...PASS, Condition: undefined }), expect: /without an iam:PassedToService/ },
        {
            name: "PassRole through iam:Pass*",
            mutate: setStatement("reader", {
                ...PASS,
                Action: "iam:Pass*",
                Condition: { StringEqualsIfExists: { "iam:PassedToService": "glue.amazonaws.com" } },
            }),
            expect: /without an iam:PassedToService/,
        },
    ],
    otherType: otherTypeStack,
    unknowns: [
        {
            resource: "reader",
            violates: [
                "policy",
                "policy.Statement",
                "policy.Statement.0",
                "policy.Statement.0.Effect",
                "policy.Statement.0.Action",
                "policy.Statement.0.Condition*",
            ],
            allowed: ["role", "name", "policy.Version", "policy.Statement.0.Sid", "policy.Statement.0.Resource*"],
        },
    ],
});

describePolicy({
    policy: "iam-no-privilege-escalation",
    target: "reader",
    config: { privilegedNamePatterns: ["lakewarden-*-deploy"] },
    compliant: () =>
        stack(
            rolePolicy("reader", READ),
            rolePolicy("deployer", doc({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: ROLE_ARN }), "lakewarden-dev-deploy"),
        ),
    violations: [
        {
            name: "iam:AttachRolePolicy in a workload role",
            mutate: setStatement("reader", { Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: ROLE_ARN }),
            expect: /grants iam:AttachRolePolicy to "lakewarden-reader"/,
        },
        {
            name: "lakeformation:PutDataLakeSettings via wildcard",
            mutate: setStatement("reader", { Effect: "Allow", Action: "lakeformation:Put*", Resource: "*" }),
            expect: /lakeformation:PutDataLakeSettings/,
        },
        {
            name: "sts:AssumeRole on *",
            mutate: setStatement("reader", { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }),
            expect: /sts:AssumeRole on Resource "\*"/,
        },
    ],
    otherType: otherTypeStack,
    unknowns: [
        {
            resource: "reader",
            violates: ["policy", "policy.Statement*"],
            allowed: ["role", "name", "policy.Version", "policy.Statement.0.Sid", "policy.Statement.0.Resource*"],
        },
    ],
    configCases: [
        { name: "the deploy role is privileged only when listed", config: {}, replace: true, expect: /to "lakewarden-dev-deploy"/ },
        {
            name: "privilegedNamePatterns admits a named role",
            config: { privilegedNamePatterns: ["lakewarden-*-deploy", "lakewarden-reader"] },
            mutate: setStatement("reader", { Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: ROLE_ARN }),
            expect: "pass",
        },
    ],
});

describePolicy({
    policy: "iam-trust-no-public-principal",
    target: "fn-role",
    compliant: () => stack(role("fn-role", LAMBDA_TRUST)),
    violations: [
        {
            name: "Principal *",
            mutate: r => {
                find(r, "fn-role").props.assumeRolePolicy = doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: "*" });
            },
            expect: /any principal/,
        },
        {
            name: "Principal AWS *",
            mutate: r => {
                find(r, "fn-role").props.assumeRolePolicy = JSON.stringify(doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: ["*"] } }));
            },
            expect: /any principal/,
        },
    ],
    otherType: otherTypeStack,
    unknowns: [
        {
            resource: "fn-role",
            violates: [
                "assumeRolePolicy",
                "assumeRolePolicy.Statement",
                "assumeRolePolicy.Statement.0",
                "assumeRolePolicy.Statement.0.Effect",
                "assumeRolePolicy.Statement.0.Principal*",
            ],
            allowed: ["name", "assumeRolePolicy.Version", "assumeRolePolicy.Statement.0.Action"],
        },
    ],
});

const CROSS_TRUST = doc({
    Sid: "Consumer",
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Principal: { AWS: CONSUMER_ROLE_ARN },
    Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
});
describePolicy({
    policy: "iam-trust-cross-account-conditions",
    target: "shared",
    config: ORG_CONFIG,
    compliant: () => stack(role("shared", CROSS_TRUST), role("local", doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: ROLE_ARN } }))),
    violations: [
        {
            name: "no org or external id condition",
            mutate: r => {
                find(r, "shared").props.assumeRolePolicy = doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: CONSUMER_ROLE_ARN } });
            },
            expect: /no aws:PrincipalOrgID condition and no sts:ExternalId/,
        },
        {
            name: "an account outside the environment",
            mutate: r => {
                find(r, "shared").props.assumeRolePolicy = doc({
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Principal: { AWS: `arn:aws:iam::${ACCOUNTS.stranger}:root` },
                    Condition: { StringEquals: { "sts:ExternalId": "lw-ext-1" } },
                });
            },
            expect: /999999999999, which is not an account of this environment/,
        },
        {
            name: "another organisation",
            mutate: r => {
                find(r, "shared").props.assumeRolePolicy = doc({
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Principal: { AWS: ACCOUNTS.consumer },
                    Condition: { StringEquals: { "aws:PrincipalOrgID": "o-otherorg123" } },
                });
            },
            expect: /is not o-lw0example1/,
        },
        {
            name: "an IfExists org condition does not count",
            mutate: r => {
                find(r, "shared").props.assumeRolePolicy = doc({
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Principal: { AWS: ACCOUNTS.consumer },
                    Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": ORG_ID } },
                });
            },
            expect: /no aws:PrincipalOrgID condition/,
        },
    ],
    otherType: otherTypeStack,
    unknowns: [
        {
            resource: "shared",
            violates: [
                "assumeRolePolicy",
                "assumeRolePolicy.Statement",
                "assumeRolePolicy.Statement.0",
                "assumeRolePolicy.Statement.0.Effect",
                "assumeRolePolicy.Statement.0.Condition*",
            ],
            allowed: [
                "name",
                "assumeRolePolicy.Version",
                "assumeRolePolicy.Statement.0.Sid",
                "assumeRolePolicy.Statement.0.Action",
                "assumeRolePolicy.Statement.0.Principal*",
            ],
        },
    ],
    configCases: [
        { name: "without organizationId the condition cannot be verified", config: {}, replace: true, expect: /organizationId is not configured/ },
        {
            name: "trustedAccounts admits an account without a provider",
            config: { ...ORG_CONFIG, trustedAccounts: [ACCOUNTS.stranger] },
            mutate: r => {
                find(r, "shared").props.assumeRolePolicy = doc({
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Principal: { AWS: ACCOUNTS.stranger },
                    Condition: { StringEquals: { "sts:ExternalId": "lw-ext-1" } },
                });
            },
            expect: "pass",
        },
    ],
});

const OIDC = `arn:aws:iam::${ACCOUNTS.producer}:oidc-provider/token.actions.githubusercontent.com`;
const GITHUB_TRUST = doc({
    Effect: "Allow",
    Action: "sts:AssumeRoleWithWebIdentity",
    Principal: { Federated: OIDC },
    Condition: {
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/lakewarden:ref:refs/heads/main" },
    },
});
describePolicy({
    policy: "iam-trust-federated-conditions",
    target: "ci",
    compliant: () => stack(role("ci", GITHUB_TRUST)),
    violations: [
        {
            name: "no sub condition",
            mutate: r => {
                find(r, "ci").props.assumeRolePolicy = doc({
                    Effect: "Allow",
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Principal: { Federated: OIDC },
                    Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
                });
            },
            expect: /without pinning token.actions.githubusercontent.com:sub/,
        },
        {
            name: "sub = repo:*",
            mutate: r => {
                find(r, "ci").props.assumeRolePolicy = doc({
                    Effect: "Allow",
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Principal: { Federated: OIDC },
                    Condition: {
                        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                        StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" },
                    },
                });
            },
            expect: /:sub to a specific value/,
        },
        {
            name: "SAML without SAML:aud",
            mutate: r => {
                find(r, "ci").props.assumeRolePolicy = doc({
                    Effect: "Allow",
                    Action: "sts:AssumeRoleWithSAML",
                    Principal: { Federated: `arn:aws:iam::${ACCOUNTS.producer}:saml-provider/idp` },
                });
            },
            expect: /without pinning SAML:aud/,
        },
    ],
    otherType: otherTypeStack,
    unknowns: [
        {
            resource: "ci",
            violates: [
                "assumeRolePolicy",
                "assumeRolePolicy.Statement",
                "assumeRolePolicy.Statement.0",
                "assumeRolePolicy.Statement.0.Effect",
                "assumeRolePolicy.Statement.0.Condition*",
            ],
            allowed: ["name", "assumeRolePolicy.Version", "assumeRolePolicy.Statement.0.Action", "assumeRolePolicy.Statement.0.Principal*"],
        },
    ],
});

describePolicy({
    policy: "iam-no-user-policies",
    target: "group-attach",
    compliant: () =>
        stack(
            typed(aws.iam.PolicyAttachment, "group-attach", {
                policyArn: "arn:aws:iam::111111111111:policy/read",
                groups: ["analysts"],
                roles: [],
                users: [],
            }),
        ),
    violations: [
        {
            name: "a PolicyAttachment with users",
            mutate: r => {
                find(r, "group-attach").props.users = ["alice"];
            },
            expect: /includes users/,
        },
        {
            name: "a UserPolicy",
            mutate: r => {
                r.push(typed(aws.iam.UserPolicy, "alice-inline", { user: "alice", policy: READ }));
            },
            expect: /UserPolicy gives permissions directly to a user/,
            on: "alice-inline",
        },
    ],
    otherType: () => stack(resource("aws:iam/groupPolicy:GroupPolicy", "gp", { group: "analysts", policy: READ, users: ["alice"] })),
    unknowns: [{ resource: "group-attach", violates: ["users"], allowed: ["policyArn", "groups*", "roles"] }],
    configCases: [],
});
