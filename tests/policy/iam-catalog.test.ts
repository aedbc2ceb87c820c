import * as aws from "@pulumi/aws";
// iam-catalog-valid: every IAM document against AWS's Service Authorization Reference.
import * as assert from "assert";
import { checkDocument } from "../../policy/lib/iam/catalog-check";
import { isStarOnlyAction } from "../../policy/lib/iam/actions";
import { sessionPolicy } from "../../lambdas/quarantine-object/session-policy";
import { stepActions, type StepKind } from "../../lambdas/quarantine-object/steps";
import { ACCOUNTS, find, type PlannedResource, resource, stack, typed } from "./helpers";
import { doc, KEY_ARN, LAMBDA_TRUST, role, rolePolicy, type StatementInput } from "./fixtures";
import { describePolicy } from "./harness";

const BUCKET = "arn:aws:s3:::lw-raw";
const READER = doc(
    { Sid: "List", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [BUCKET], Condition: { StringLike: { "s3:prefix": ["sales/*"] } } },
    { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: [`${BUCKET}/*`] },
    {
        Sid: "Key",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [KEY_ARN],
        Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "aws:PrincipalOrgID": "o-lw0example1" } },
    },
    {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`arn:aws:logs:eu-west-1:${ACCOUNTS.producer}:log-group:/aws/lambda/reader:*`],
    },
    { Sid: "StarOnly", Effect: "Allow", Action: ["xray:PutTraceSegments", "ec2:DescribeNetworkInterfaces"], Resource: ["*"] },
);
const TEMPLATE = {
    Resources: {
        MemberRole: {
            Type: "AWS::IAM::Role",
            Properties: {
                AssumeRolePolicyDocument: doc({
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${ACCOUNTS.security}:role/lakewarden-quarantine` },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:PrincipalOrgID": "o-lw0example1" } },
                }),
                Policies: [
                    {
                        PolicyName: "quarantine",
                        PolicyDocument: doc({
                            Effect: "Allow",
                            Action: ["s3:PutObjectTagging"],
                            Resource: { "Fn::Sub": "arn:${AWS::Partition}:s3:::lw-*-${AWS::AccountId}/*" } as never,
                        }),
                    },
                ],
            },
        },
    },
};

function statement(name: string, s: StatementInput, key = "policy") {
    return (r: PlannedResource[]) => {
        find(r, name).props[key] = doc(s);
    };
}

const compliant = () =>
    stack(
        rolePolicy("reader", READER),
        role("reader-role", LAMBDA_TRUST),
        typed(aws.kms.Key, "data-key", {
            policy: JSON.stringify(
                doc({
                    Sid: "Admin",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${ACCOUNTS.producer}:root` },
                    Action: ["kms:DescribeKey", "kms:PutKeyPolicy"],
                    Resource: "*",
                }),
            ),
        }),
        typed(aws.lambda.Permission, "invoke", {
            action: "lambda:InvokeFunction",
            function: "reader",
            principal: "events.amazonaws.com",
            sourceArn: `arn:aws:events:eu-west-1:${ACCOUNTS.producer}:rule/x`,
        }),
        typed(aws.cloudformation.StackSet, "baseline", { name: "baseline", templateBody: JSON.stringify(TEMPLATE) }),
        typed(aws.organizations.Policy, "scp", {
            type: "SERVICE_CONTROL_POLICY",
            content: JSON.stringify(
                doc({
                    Effect: "Deny",
                    Action: ["lakeformation:PutDataLakeSettings"],
                    Resource: "*",
                    Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/lakewarden-deploy" } },
                }),
            ),
        }),
        typed(aws.organizations.Policy, "tags", {
            type: "TAG_POLICY",
            content: JSON.stringify({ tags: { Owner: { tag_key: { "@@assign": "Owner" } } } }),
        }),
        typed(aws.apigateway.RestApiPolicy, "api", {
            restApiId: "abc",
            policy: JSON.stringify(
                doc({
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${ACCOUNTS.security}:role/releaser` },
                    Action: "execute-api:Invoke",
                    Resource: "execute-api:/*/POST/releases",
                }),
            ),
        }),
    );

describePolicy({
    policy: "iam-catalog-valid",
    target: "reader",
    compliant,
    violations: [
        {
            name: "a misspelt action",
            mutate: statement("reader", { Effect: "Allow", Action: "s3:GetObjcet", Resource: `${BUCKET}/*` }),
            expect: /"s3:GetObjcet" matches no action/,
        },
        {
            name: "an unknown service prefix",
            mutate: statement("reader", { Effect: "Allow", Action: "lakeformaton:GetDataAccess", Resource: "*" }),
            expect: /service prefix "lakeformaton"/,
        },
        {
            name: "a pattern matching no action",
            mutate: statement("reader", { Effect: "Allow", Action: "s3:Fetch*", Resource: `${BUCKET}/*` }),
            expect: /"s3:Fetch\*" matches no action/,
        },
        {
            name: "a malformed action",
            mutate: statement("reader", { Effect: "Allow", Action: "GetObject", Resource: `${BUCKET}/*` }),
            expect: /not of the form service:Action/,
        },
        {
            name: "a condition key no action of the statement takes",
            mutate: statement("reader", {
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: `${BUCKET}/*`,
                Condition: { StringLike: { "s3:prefix": "x/*" } },
            }),
            expect: /condition key "s3:prefix" applies to none/,
        },
        {
            name: "an unknown global condition key",
            mutate: statement("reader", {
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: `${BUCKET}/*`,
                Condition: { StringEquals: { "aws:PrincipalOrgId2": "o-x" } },
            }),
            expect: /"aws:principalorgid2" is not an AWS global condition key/,
        },
        {
            name: "an object action on the bucket ARN",
            mutate: statement("reader", { Effect: "Allow", Action: "s3:GetObject", Resource: BUCKET }),
            expect: /"s3:GetObject" applies to none of the statement's resources/,
        },
        {
            name: "a bucket action on objects only",
            mutate: statement("reader", { Effect: "Allow", Action: "s3:ListBucket", Resource: `${BUCKET}/*` }),
            expect: /Resource "arn:aws:s3:::lw-raw\/\*" matches none of the resource types/,
        },
        {
            name: "a star-only action given an ARN",
            mutate: statement("reader", { Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: `arn:aws:iam::${ACCOUNTS.producer}:role/x` }),
            expect: /"sts:GetCallerIdentity" supports only Resource "\*"/,
        },
        {
            name: "an empty Resource ARN",
            mutate: statement("reader", { Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [""] }),
            expect: /Resource "" is empty/,
        },
        {
            name: "a malformed ARN",
            mutate: statement("reader", { Effect: "Allow", Action: ["sts:AssumeRole"], Resource: ["arn:aws:iam:role/x"] }),
            expect: /is not an ARN/,
        },
        {
            name: "an empty ARN in an ARN condition",
            mutate: statement("reader", {
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: `${BUCKET}/*`,
                Condition: { ArnEquals: { "aws:SourceArn": "" } },
            }),
            expect: /aws:sourcearn value "" is empty/,
        },
        {
            name: "an empty principal in a trust policy",
            on: "reader-role",
            mutate: statement("reader-role", { Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: "" } }, "assumeRolePolicy"),
            expect: /an AWS principal is empty/,
        },
        {
            name: "a malformed principal in a key policy",
            on: "data-key",
            mutate: statement("data-key", { Effect: "Allow", Action: "kms:Decrypt", Principal: { AWS: "lakewarden-reader" }, Resource: "*" }),
            expect: /AWS principal "lakewarden-reader" is neither/,
        },
        {
            name: "a misspelt action in a key policy",
            on: "data-key",
            mutate: statement("data-key", {
                Effect: "Allow",
                Action: "kms:GenerateDatakeys",
                Principal: { AWS: `arn:aws:iam::${ACCOUNTS.producer}:root` },
                Resource: "*",
            }),
            expect: /"kms:GenerateDatakeys" matches no action/,
        },
        {
            name: "a Lambda permission with an unknown action",
            on: "invoke",
            mutate: r => {
                find(r, "invoke").props.action = "lambda:Invoke";
            },
            expect: /action lambda:Invoke is not an action/,
        },
        {
            name: "a Lambda permission with an empty source ARN",
            on: "invoke",
            mutate: r => {
                find(r, "invoke").props.sourceArn = "";
            },
            expect: /sourceArn "" is empty/,
        },
        {
            name: "a StackSet template role policy with a wrong resource type",
            on: "baseline",
            mutate: r => {
                const t = structuredClone(TEMPLATE);
                t.Resources.MemberRole.Properties.Policies[0].PolicyDocument = doc({
                    Effect: "Allow",
                    Action: ["s3:PutObjectTagging"],
                    Resource: { "Fn::Sub": "arn:${AWS::Partition}:s3:::lw-bucket" } as never,
                });
                find(r, "baseline").props.templateBody = JSON.stringify(t);
            },
            expect: /templateBody Resources.MemberRole.Properties.Policies\[0\].PolicyDocument .*"s3:PutObjectTagging" applies to none/,
        },
        {
            name: "a StackSet template that is not JSON",
            on: "baseline",
            mutate: r => {
                find(r, "baseline").props.templateBody = "Resources:\n  X: {}";
            },
            expect: /not a JSON template/,
        },
        {
            name: "an SCP naming a non-existent action",
            on: "scp",
            mutate: r => {
                find(r, "scp").props.content = JSON.stringify(doc({ Effect: "Deny", Action: "lakeformation:PutDataLakeSetting", Resource: "*" }));
            },
            expect: /"lakeformation:PutDataLakeSetting" matches no action/,
        },
    ],
    otherType: () => stack(resource("aws:ecr/repository:Repository", "repo", { policy: doc({ Effect: "Allow", Action: "s3:Nope", Resource: "" }) })),
    unknowns: [
        {
            resource: "reader",
            violates: ["policy", "policy.Statement*"],
            allowed: ["role", "name", "policy.Version", "policy.Statement.*.Sid", "policy.Statement.*.Resource*", "policy.Statement.*.Condition*"],
        },
        { resource: "invoke", violates: ["action"], allowed: ["function", "principal", "sourceArn"] },
        { resource: "baseline", violates: ["templateBody"], allowed: ["name"] },
        { resource: "scp", violates: ["type", "content"] },
    ],
});

describe("iam-catalog-valid building blocks", () => {
    it("derives star-only actions from the catalogue instead of a hand-kept list", () => {
        assert.ok(isStarOnlyAction("sts:GetCallerIdentity"));
        assert.ok(isStarOnlyAction("lakeformation:GetDataAccess"));
        assert.ok(!isStarOnlyAction("s3:PutObject"));
        assert.ok(!isStarOnlyAction("organizations:ListAccountsForParent"), "takes ou and root ARNs");
        assert.ok(!isStarOnlyAction("ec2:Describe*"), "some Describe actions take resources");
        assert.ok(isStarOnlyAction("s3:PutObject", ["s3:PutObject"]), "a reviewed extra entry");
    });

    for (const step of ["copy", "verify", "deleteSource"] as StepKind[]) {
        it(`accepts the session policy the quarantine function passes to AssumeRole for ${step}`, () => {
            const found: string[] = [];
            const actions = stepActions(step);
            const policy = sessionPolicy({
                partition: "aws",
                region: "eu-west-1",
                accountId: ACCOUNTS.producer,
                bucket: "lw-raw",
                bucketActions: actions.bucket,
                grants: [
                    { actions: actions.source, bucket: "lw-raw", key: "sales/2026/a*.csv", widenTo: "sales/2026/" },
                    { actions: actions.target, bucket: "lw-raw", key: "quarantine/sales/2026/a*.csv", widenTo: "quarantine/" },
                ],
            });
            checkDocument({ label: "session policy", value: policy }, m => found.push(m));
            assert.deepStrictEqual(found, []);
        });
    }
});
