// Policies that keep the first deploy in order: service-linked roles exist, principals exist first.
import { ACCOUNTS, find, PROVIDERS, resource, stack, urn } from "./helpers";
import { doc, LAMBDA_TRUST, role } from "./fixtures";
import { describePolicy } from "./harness";

const ASG_SLR = `arn:aws:iam::${ACCOUNTS.consumer}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const slrKeyPolicy = (principal: string) =>
    JSON.stringify(doc(
        { Sid: "Admin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.producer}:root` }, Action: ["kms:DescribeKey"], Resource: "*" },
        { Sid: "ServiceLinkedRoleUse", Effect: "Allow", Principal: { AWS: [principal] }, Action: ["kms:Decrypt"], Resource: "*" },
    ));

describePolicy({
    policy: "iam-service-linked-roles-present",
    target: "ami-key",
    compliant: () =>
        stack(
            resource("aws:iam/serviceLinkedRole:ServiceLinkedRole", "consumer-asg-slr", { awsServiceName: "autoscaling.amazonaws.com", description: "fleet" }, { provider: PROVIDERS.consumer }),
            resource("aws:kms/key:Key", "ami-key", { policy: slrKeyPolicy(ASG_SLR) }, { dependencies: [urn("aws:iam/serviceLinkedRole:ServiceLinkedRole", "consumer-asg-slr")] }),
        ),
    violations: [
        { name: "a key naming an Auto Scaling role no stack creates", mutate: r => { r.splice(r.indexOf(find(r, "consumer-asg-slr")), 1); }, expect: /names service-linked role .*AWSServiceRoleForAutoScaling, but no ServiceLinkedRole for autoscaling.amazonaws.com in account 222222222222/ },
        { name: "the role created in another account", mutate: r => { find(r, "consumer-asg-slr").provider = { ...PROVIDERS.producer, props: PROVIDERS.producer.props }; }, expect: /in account 222222222222 is in the stack/ },
        { name: "a role for another service", mutate: r => { find(r, "consumer-asg-slr").props.awsServiceName = "imagebuilder.amazonaws.com"; }, expect: /no ServiceLinkedRole for autoscaling.amazonaws.com/ },
        { name: "a role with a custom suffix named without it", mutate: r => { find(r, "consumer-asg-slr").props.customSuffix = "fleet"; }, expect: /no ServiceLinkedRole for autoscaling.amazonaws.com/ },
        {
            name: "an Image Builder role in a trust policy",
            on: "distribution",
            mutate: r => { r.push(role("distribution", doc({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.producer}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder` } }))); },
            expect: /AWSServiceRoleForImageBuilder, but no ServiceLinkedRole for imagebuilder.amazonaws.com in account 111111111111/,
        },
        { name: "an unknown service name on the role resource", on: "consumer-asg-slr", mutate: r => { find(r, "consumer-asg-slr").props.awsServiceName = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; }, expect: /not known at preview/ },
    ],
    otherType: () => stack(role("plain", LAMBDA_TRUST), resource("lakewarden:kms:CustomerKey", "c", { policy: slrKeyPolicy(ASG_SLR) }, { provider: null })),
    unknowns: [
        { resource: "consumer-asg-slr", violates: ["awsServiceName"], allowed: ["description"] },
        { resource: "ami-key", violates: [], allowed: ["*"] },
    ],
    configCases: [
        { name: "presentServiceLinkedRoles declares an existing role", config: { presentServiceLinkedRoles: [ASG_SLR] }, mutate: r => { r.splice(r.indexOf(find(r, "consumer-asg-slr")), 1); }, expect: "pass" },
        { name: "a declaration with an account wildcard", config: { presentServiceLinkedRoles: ["arn:aws:iam::*:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"] }, mutate: r => { r.splice(r.indexOf(find(r, "consumer-asg-slr")), 1); }, expect: "pass" },
        { name: "a declaration for another account does not count", config: { presentServiceLinkedRoles: [ASG_SLR.replace(ACCOUNTS.consumer, ACCOUNTS.producer)] }, mutate: r => { r.splice(r.indexOf(find(r, "consumer-asg-slr")), 1); }, expect: /no ServiceLinkedRole/ },
    ],
});
