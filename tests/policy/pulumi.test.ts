import * as aws from "@pulumi/aws";
import { ACCOUNTS, awsProvider, find, type PlannedResource, resource, stack, typed } from "./helpers";
import { describePolicy } from "./harness";

const setProvider = (props: Record<string, unknown>) => (r: PlannedResource[]) => {
    Object.assign(find(r, "producer").props, props);
};

describePolicy({
    policy: "pulumi-provider-account-guard",
    target: "producer",
    compliant: () => stack(),
    violations: [
        {
            name: "no allowedAccountIds",
            mutate: setProvider({ allowedAccountIds: undefined }),
            expect: /allowedAccountIds is undefined; it must name exactly one/,
        },
        {
            name: "two accounts",
            mutate: setProvider({ allowedAccountIds: JSON.stringify([ACCOUNTS.producer, ACCOUNTS.consumer]) }),
            expect: /exactly one 12-digit account/,
        },
        { name: "no assumed role", mutate: setProvider({ assumeRoles: undefined }), expect: /ambient credentials/ },
        {
            name: "a role of another account",
            mutate: setProvider({ assumeRoles: JSON.stringify([{ roleArn: `arn:aws:iam::${ACCOUNTS.consumer}:role/deploy`, sessionName: "x" }]) }),
            expect: /is not in the allowed account/,
        },
        {
            name: "no session name",
            mutate: setProvider({ assumeRoles: [{ roleArn: `arn:aws:iam::${ACCOUNTS.producer}:role/deploy` }] }),
            expect: /has no sessionName/,
        },
        { name: "no default tags", mutate: setProvider({ defaultTags: undefined }), expect: /has no defaultTags/ },
    ],
    otherType: () => [awsProvider("producer", ACCOUNTS.producer, { allowedAccountIds: undefined })].map(p => ({ ...p, type: "pulumi:providers:gcp" })),
    unknowns: [{ resource: "producer", violates: ["allowedAccountIds", "assumeRoles", "region", "defaultTags"] }],
    configCases: [
        { name: "requireExternalId", config: { requireExternalId: true }, expect: /has no externalId/ },
        { name: "default tags optional", config: { requireDefaultTags: false }, mutate: setProvider({ defaultTags: undefined }), expect: "pass" },
    ],
});

describePolicy({
    policy: "pulumi-no-default-provider",
    target: "queue",
    compliant: () => stack(typed(aws.sqs.Queue, "queue", { name: "lw" }), resource("lakewarden:storage:SecureBucket", "component", {}, { provider: null })),
    violations: [
        {
            name: "the default provider",
            mutate: r => {
                find(r, "queue").provider = {
                    urn: "urn:pulumi:dev::lakewarden::pulumi:providers:aws::default_7_48_0",
                    name: "default_7_48_0",
                    type: "pulumi:providers:aws",
                    props: {},
                };
            },
            expect: /uses the default provider/,
        },
        {
            name: "no provider at all",
            mutate: r => {
                find(r, "queue").provider = undefined;
            },
            expect: /has no provider/,
        },
    ],
    otherType: () => stack(resource("lakewarden:storage:SecureBucket", "queue", {}, { provider: null })),
    unknowns: [{ resource: "queue", violates: [], allowed: ["name"] }],
});
