// Policies that keep the first deploy in order: service-linked roles exist, principals exist first.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { recordProgram } from "../../tools/offline/recorder";
import { ACCOUNTS, find, PROVIDERS, resource, runPolicyPack, stack, urn, violationsOf, typed } from "./helpers";
import { doc, LAMBDA_TRUST, role } from "./fixtures";
import { describePolicy } from "./harness";

const ASG_SLR = `arn:aws:iam::${ACCOUNTS.consumer}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const slrKeyPolicy = (principal: string) =>
    JSON.stringify(
        doc(
            { Sid: "Admin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.producer}:root` }, Action: ["kms:DescribeKey"], Resource: "*" },
            { Sid: "ServiceLinkedRoleUse", Effect: "Allow", Principal: { AWS: [principal] }, Action: ["kms:Decrypt"], Resource: "*" },
        ),
    );

describePolicy({
    policy: "iam-service-linked-roles-present",
    target: "ami-key",
    compliant: () =>
        stack(
            resource(
                "aws:iam/serviceLinkedRole:ServiceLinkedRole",
                "consumer-asg-slr",
                { awsServiceName: "autoscaling.amazonaws.com", description: "fleet" },
                { provider: PROVIDERS.consumer },
            ),
            typed(
                aws.kms.Key,
                "ami-key",
                { policy: slrKeyPolicy(ASG_SLR) },
                { dependencies: [urn("aws:iam/serviceLinkedRole:ServiceLinkedRole", "consumer-asg-slr")] },
            ),
        ),
    violations: [
        {
            name: "a key naming an Auto Scaling role no stack creates",
            mutate: r => {
                r.splice(r.indexOf(find(r, "consumer-asg-slr")), 1);
            },
            expect: /names service-linked role .*AWSServiceRoleForAutoScaling, but no ServiceLinkedRole for autoscaling.amazonaws.com in account 222222222222/,
        },
        {
            name: "the role created in another account",
            mutate: r => {
                find(r, "consumer-asg-slr").provider = { ...PROVIDERS.producer, props: PROVIDERS.producer.props };
            },
            expect: /in account 222222222222 is in the stack/,
        },
        {
            name: "a role for another service",
            mutate: r => {
                find(r, "consumer-asg-slr").props.awsServiceName = "imagebuilder.amazonaws.com";
            },
            expect: /no ServiceLinkedRole for autoscaling.amazonaws.com/,
        },
        {
            name: "a role with a custom suffix named without it",
            mutate: r => {
                find(r, "consumer-asg-slr").props.customSuffix = "fleet";
            },
            expect: /no ServiceLinkedRole for autoscaling.amazonaws.com/,
        },
        {
            name: "an Image Builder role in a trust policy",
            on: "distribution",
            mutate: r => {
                r.push(
                    role(
                        "distribution",
                        doc({
                            Effect: "Allow",
                            Action: "sts:AssumeRole",
                            Principal: {
                                AWS: `arn:aws:iam::${ACCOUNTS.producer}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`,
                            },
                        }),
                    ),
                );
            },
            expect: /AWSServiceRoleForImageBuilder, but no ServiceLinkedRole for imagebuilder.amazonaws.com in account 111111111111/,
        },
        {
            name: "an unknown service name on the role resource",
            on: "consumer-asg-slr",
            mutate: r => {
                find(r, "consumer-asg-slr").props.awsServiceName = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            },
            expect: /not known at preview/,
        },
    ],
    otherType: () => stack(role("plain", LAMBDA_TRUST), resource("lakewarden:kms:CustomerKey", "c", { policy: slrKeyPolicy(ASG_SLR) }, { provider: null })),
    unknowns: [
        { resource: "consumer-asg-slr", violates: ["awsServiceName"], allowed: ["description"] },
        { resource: "ami-key", violates: [], allowed: ["*"] },
    ],
    configCases: [
        {
            name: "presentServiceLinkedRoles declares an existing role",
            config: { presentServiceLinkedRoles: [ASG_SLR] },
            mutate: r => {
                r.splice(r.indexOf(find(r, "consumer-asg-slr")), 1);
            },
            expect: "pass",
        },
        {
            name: "a declaration with an account wildcard",
            config: { presentServiceLinkedRoles: ["arn:aws:iam::*:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"] },
            mutate: r => {
                r.splice(r.indexOf(find(r, "consumer-asg-slr")), 1);
            },
            expect: "pass",
        },
        {
            name: "a declaration for another account does not count",
            config: { presentServiceLinkedRoles: [ASG_SLR.replace(ACCOUNTS.consumer, ACCOUNTS.producer)] },
            mutate: r => {
                r.splice(r.indexOf(find(r, "consumer-asg-slr")), 1);
            },
            expect: /no ServiceLinkedRole/,
        },
    ],
});

const READER_ARN = `arn:aws:iam::${ACCOUNTS.producer}:role/lakewarden-reader`;
const readerKeyPolicy = () =>
    doc(
        { Sid: "Admin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.producer}:root` }, Action: ["kms:DescribeKey"], Resource: "*" },
        { Sid: "Reader", Effect: "Allow", Principal: { AWS: READER_ARN }, Action: ["kms:Decrypt"], Resource: "*" },
    );
const READER_URN = urn("aws:iam/role:Role", "reader-role");
const orderStack = () =>
    stack(
        role("reader-role", LAMBDA_TRUST, { name: "lakewarden-reader" }),
        typed(aws.kms.Key, "data-key", { policy: readerKeyPolicy() }, { dependencies: [READER_URN] }),
        resource("lakewarden:kms:CustomerKey", "wrapper", {}, { provider: null }),
    );
const keyWithout = (r: ReturnType<typeof stack>) => {
    find(r, "data-key").dependencies = [];
};

describePolicy({
    policy: "iam-principals-exist-first",
    target: "data-key",
    compliant: orderStack,
    violations: [
        {
            name: "a key policy naming a role it does not wait for",
            mutate: keyWithout,
            expect: /statement 2 \("Reader"\) names arn:aws:iam::111111111111:role\/lakewarden-reader, created in this stack by .*reader-role, but nothing makes this resource wait for it/,
        },
        {
            name: "a trust policy naming another role of the stack",
            on: "org-reader",
            mutate: r => {
                r.push(
                    role(
                        "org-reader",
                        doc({
                            Effect: "Allow",
                            Action: "sts:AssumeRole",
                            Principal: { AWS: READER_ARN },
                            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-lw0example1" } },
                        }),
                        { name: "org-reader" },
                        PROVIDERS.consumer,
                    ),
                );
            },
            expect: /assumeRolePolicy statement 1 names arn:aws:iam::111111111111:role\/lakewarden-reader/,
        },
        {
            name: "a topic policy naming a role on a path",
            on: "topic-policy",
            mutate: r => {
                find(r, "reader-role").props.path = "/service/";
                r.push(
                    typed(aws.sns.TopicPolicy, "topic-policy", {
                        arn: "arn:aws:sns:eu-west-1:111111111111:t",
                        policy: JSON.stringify(
                            doc({
                                Effect: "Allow",
                                Action: "sns:Publish",
                                Principal: { AWS: `arn:aws:iam::${ACCOUNTS.producer}:role/service/lakewarden-reader` },
                                Resource: "arn:aws:sns:eu-west-1:111111111111:t",
                            }),
                        ),
                    }),
                );
            },
            expect: /names arn:aws:iam::111111111111:role\/service\/lakewarden-reader/,
        },
        {
            name: "a StackSet template whose member role trusts a role of the stack",
            on: "baseline",
            mutate: r => {
                r.push(
                    typed(aws.cloudformation.StackSet, "baseline", {
                        name: "baseline",
                        templateBody: JSON.stringify({
                            Resources: {
                                Member: {
                                    Type: "AWS::IAM::Role",
                                    Properties: {
                                        AssumeRolePolicyDocument: doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: READER_ARN } }),
                                    },
                                },
                            },
                        }),
                    }),
                );
            },
            expect: /templateBody Resources.Member.Properties.AssumeRolePolicyDocument statement 1 names/,
        },
        {
            name: "an unknown key policy",
            mutate: r => {
                find(r, "data-key").props.policy = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            },
            expect: /not known at preview/,
        },
    ],
    otherType: () =>
        stack(
            role("reader-role", LAMBDA_TRUST, { name: "lakewarden-reader" }),
            typed(aws.iam.RolePolicy, "p", {
                role: "lakewarden-reader",
                policy: doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: READER_ARN }),
            }),
        ),
    unknowns: [
        {
            resource: "data-key",
            violates: ["policy", "policy.Statement*"],
            allowed: [
                "policy.Version",
                "policy.Statement.*.Sid",
                "policy.Statement.*.Resource*",
                "policy.Statement.*.Action*",
                "policy.Statement.*.Principal*",
            ],
        },
        // An unknown name means the principal can only be referenced through its output, which records the dependency.
        {
            resource: "reader-role",
            violates: ["assumeRolePolicy", "assumeRolePolicy.Statement*"],
            allowed: ["name", "assumeRolePolicy.Version", "assumeRolePolicy.Statement.*.Action*", "assumeRolePolicy.Statement.*.Principal*"],
        },
    ],
});

describe("iam-principals-exist-first: what counts as waiting", () => {
    const run = (resources: ReturnType<typeof stack>) => violationsOf(runPolicyPack(resources, {}), "iam-principals-exist-first");
    it("a dependency of the component holding the policy", () => {
        const r = orderStack();
        keyWithout(r);
        find(r, "data-key").parent = urn("lakewarden:kms:CustomerKey", "wrapper");
        find(r, "wrapper").dependencies = [READER_URN];
        assert.deepStrictEqual(
            run(r).map(v => v.message),
            [],
        );
    });
    it("a dependency on something that itself waits for the role", () => {
        const r = orderStack();
        keyWithout(r);
        r.push(
            typed(
                aws.iam.RolePolicy,
                "reader-policy",
                { role: "lakewarden-reader", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) },
                { dependencies: [READER_URN] },
            ),
        );
        find(r, "data-key").dependencies = [urn("aws:iam/rolePolicy:RolePolicy", "reader-policy")];
        assert.deepStrictEqual(
            run(r).map(v => v.message),
            [],
        );
    });
    it("a dependency on a component whose child is the role", () => {
        const r = orderStack();
        keyWithout(r);
        find(r, "reader-role").parent = urn("lakewarden:kms:CustomerKey", "wrapper");
        find(r, "data-key").dependencies = [urn("lakewarden:kms:CustomerKey", "wrapper")];
        assert.deepStrictEqual(
            run(r).map(v => v.message),
            [],
        );
    });
    it("not a principal of another account with the same name", () => {
        const r = orderStack();
        keyWithout(r);
        find(r, "reader-role").provider = { ...PROVIDERS.consumer, props: PROVIDERS.consumer.props };
        assert.deepStrictEqual(
            run(r).map(v => v.message),
            [],
        );
    });
});

describe("iam-principals-exist-first over what the recorder sees", () => {
    // A small program under Pulumi's mocks: the dependencies reach the pack as the engine sends them.
    async function plan(wait: "none" | "direct" | "component") {
        const recording = await recordProgram("dev", {}, () => {
            const provider = new aws.Provider("producer", { region: "eu-west-1", allowedAccountIds: [ACCOUNTS.producer] });
            const role = new aws.iam.Role("reader", { name: "lakewarden-reader", assumeRolePolicy: JSON.stringify(LAMBDA_TRUST) }, { provider });
            const holder = new pulumi.ComponentResource("lakewarden:test:Holder", "holder", {}, wait === "component" ? { dependsOn: [role] } : {});
            new aws.kms.Key("data", { policy: JSON.stringify(readerKeyPolicy()) }, { provider, parent: holder, dependsOn: wait === "direct" ? [role] : [] });
        });
        return violationsOf(runPolicyPack(recording.resources, {}), "iam-principals-exist-first").map(v => v.message);
    }
    it("refuses a key naming the role by string without waiting", async () => {
        assert.ok((await plan("none")).some(m => /names arn:aws:iam::111111111111:role\/lakewarden-reader/.test(m)));
    });
    it("accepts dependsOn on the key", async () => {
        assert.deepStrictEqual(await plan("direct"), []);
    });
    it("accepts dependsOn on the key's component", async () => {
        assert.deepStrictEqual(await plan("component"), []);
    });
});
