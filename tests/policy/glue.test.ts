import * as aws from "@pulumi/aws";
import { ACCOUNTS, find, type PlannedResource, resource, stack, typed } from "./helpers";
import { doc, KEY_ARN, lakeStack, ORG_CONFIG, ROLE_ARN } from "./fixtures";
import { describePolicy } from "./harness";

const set = (name: string, props: Record<string, unknown>) => (r: PlannedResource[]) => {
    Object.assign(find(r, name).props, props);
};
const otherTypes = () =>
    stack(
        resource("aws:athena/database:Database", "db", {
            name: "x",
            securityConfiguration: "",
            dataCatalogEncryptionSettings: { encryptionAtRest: { catalogEncryptionMode: "DISABLED" } },
            encryptionConfiguration: {},
            policy: doc({ Effect: "Allow", Principal: "*", Action: "glue:*", Resource: "*" }),
            storageDescriptor: { columns: [{ name: "ssn" }] },
        }),
    );

const catalogSettings = () => ({
    catalogId: ACCOUNTS.producer,
    dataCatalogEncryptionSettings: {
        connectionPasswordEncryption: { awsKmsKeyId: KEY_ARN, returnConnectionPasswordEncrypted: true },
        encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: KEY_ARN },
    },
});
describePolicy({
    policy: "glue-data-catalog-encryption",
    target: "catalog",
    compliant: () => stack(typed(aws.glue.DataCatalogEncryptionSettings, "catalog", catalogSettings())),
    violations: [
        {
            name: "catalog encryption disabled",
            mutate: r => {
                find(r, "catalog").props.dataCatalogEncryptionSettings = {
                    ...catalogSettings().dataCatalogEncryptionSettings,
                    encryptionAtRest: { catalogEncryptionMode: "DISABLED" },
                };
            },
            expect: /catalogEncryptionMode is "?DISABLED"?/,
        },
        {
            name: "the AWS-managed glue key",
            mutate: r => {
                find(r, "catalog").props.dataCatalogEncryptionSettings = {
                    ...catalogSettings().dataCatalogEncryptionSettings,
                    encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: "alias/aws/glue" },
                };
            },
            expect: /AWS-managed key alias\/aws\/glue/,
        },
        {
            name: "connection passwords in clear",
            mutate: r => {
                find(r, "catalog").props.dataCatalogEncryptionSettings = {
                    ...catalogSettings().dataCatalogEncryptionSettings,
                    connectionPasswordEncryption: { returnConnectionPasswordEncrypted: false },
                };
            },
            expect: /returnConnectionPasswordEncrypted is false/,
        },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "catalog",
            violates: [
                "dataCatalogEncryptionSettings",
                "dataCatalogEncryptionSettings.connectionPasswordEncryption",
                "dataCatalogEncryptionSettings.encryptionAtRest",
                "*.returnConnectionPasswordEncrypted",
                "*.catalogEncryptionMode",
            ],
            allowed: ["catalogId", "*.awsKmsKeyId", "*.sseAwsKmsKeyId"],
        },
    ],
});

const securityConfiguration = () => ({
    name: "lw-glue",
    encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN },
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY_ARN },
    },
});
const withPart = (part: string, value: object) => (r: PlannedResource[]) => {
    const config = securityConfiguration();
    find(r, "lw-glue").props.encryptionConfiguration = { ...config.encryptionConfiguration, [part]: value };
};
describePolicy({
    policy: "glue-security-configuration-encrypted",
    target: "lw-glue",
    compliant: () => stack(typed(aws.glue.SecurityConfiguration, "lw-glue", securityConfiguration())),
    violations: [
        {
            name: "CloudWatch logs unencrypted",
            mutate: withPart("cloudwatchEncryption", { cloudwatchEncryptionMode: "DISABLED" }),
            expect: /cloudwatchEncryptionMode is "?DISABLED"?/,
        },
        { name: "S3 with SSE-S3", mutate: withPart("s3Encryption", { s3EncryptionMode: "SSE-S3" }), expect: /s3EncryptionMode is "?SSE-S3"?/ },
        {
            name: "bookmarks without a key",
            mutate: withPart("jobBookmarksEncryption", { jobBookmarksEncryptionMode: "CSE-KMS" }),
            expect: /jobBookmarksEncryption has no customer-managed KMS key/,
        },
    ],
    otherType: otherTypes,
    unknowns: [
        { resource: "lw-glue", violates: ["encryptionConfiguration", "encryptionConfiguration.*Encryption", "*Mode"], allowed: ["name", "*.kmsKeyArn"] },
    ],
});

describePolicy({
    policy: "glue-job-crawler-security-configuration",
    target: "job",
    compliant: () =>
        stack(
            typed(aws.glue.Job, "job", {
                name: "sanitise",
                roleArn: ROLE_ARN,
                command: { scriptLocation: "s3://lw-code/sanitise.py", pythonVersion: "3" },
                securityConfiguration: "lw-glue",
            }),
            typed(aws.glue.Crawler, "crawler", { name: "discover", role: ROLE_ARN, databaseName: "company", securityConfiguration: "lw-glue" }),
        ),
    violations: [
        { name: "a job without one", mutate: set("job", { securityConfiguration: undefined }), expect: /has no securityConfiguration/ },
        { name: "a crawler without one", mutate: set("crawler", { securityConfiguration: "" }), expect: /has no securityConfiguration/, on: "crawler" },
    ],
    otherType: otherTypes,
    unknowns: [
        { resource: "job", violates: [], allowed: ["*"] },
        { resource: "crawler", violates: [], allowed: ["*"] },
    ],
});

const CATALOG_SHARE = {
    Sid: "Consumer",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCOUNTS.consumer}:root` },
    Action: ["glue:GetDatabase", "glue:GetTable"],
    Resource: `arn:aws:glue:eu-west-1:${ACCOUNTS.producer}:*`,
};
const RAM = {
    Sid: "Ram",
    Effect: "Allow",
    Principal: { Service: "ram.amazonaws.com" },
    Action: "glue:ShareResource",
    Resource: `arn:aws:glue:eu-west-1:${ACCOUNTS.producer}:*`,
    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNTS.producer } },
};
describePolicy({
    policy: "glue-catalog-resource-policy-scoped",
    target: "catalog-policy",
    config: ORG_CONFIG,
    compliant: () => stack(typed(aws.glue.ResourcePolicy, "catalog-policy", { policy: JSON.stringify(doc(CATALOG_SHARE, RAM)), enableHybrid: "TRUE" })),
    violations: [
        { name: "an open catalog", mutate: set("catalog-policy", { policy: doc({ ...CATALOG_SHARE, Principal: "*" }) }), expect: /allows Principal "\*"/ },
        {
            name: "glue:* to a consumer",
            mutate: set("catalog-policy", { policy: doc({ ...CATALOG_SHARE, Action: "glue:*" }) }),
            expect: /grants glue:\* to principals outside/,
        },
    ],
    otherType: otherTypes,
    unknowns: [{ resource: "catalog-policy", violates: ["policy"], allowed: ["enableHybrid"] }],
});

describePolicy({
    policy: "glue-table-columns-classified",
    target: "employees",
    compliant: () =>
        stack(
            ...lakeStack(),
            typed(aws.glue.CatalogTable, "employees-link", {
                name: "employees",
                databaseName: "shared",
                targetTable: { catalogId: ACCOUNTS.producer, databaseName: "company", name: "employees" },
            }),
        ),
    violations: [
        {
            name: "an unclassified column",
            mutate: r => {
                (find(r, "employees").props.storageDescriptor as { columns: object[] }).columns.push({ name: "email", type: "string" });
            },
            expect: /column email has no valid lakewarden:classification/,
        },
        {
            name: "an unknown class",
            mutate: r => {
                find(r, "employees").props.partitionKeys = [{ name: "year", type: "int", parameters: { "lakewarden:classification": "restricted" } }];
            },
            expect: /column year has no valid/,
        },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "employees",
            violates: ["storageDescriptor", "storageDescriptor.columns*", "partitionKeys*"],
            allowed: ["databaseName", "name", "catalogId", "tableType", "storageDescriptor.location", "*.type", "*.name"],
        },
        { resource: "employees-link", violates: [], allowed: ["*"] },
    ],
});
