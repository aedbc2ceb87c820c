import * as assert from "node:assert/strict";
import type { RecordedResource } from "../../tools/offline/recorder";
import { renderPlan, runPlan } from "../../tools/plan";
import { sharedStack } from "../helpers/program";

type Mutation = (resources: RecordedResource[]) => void;

function first(resources: RecordedResource[], type: string, where: (r: RecordedResource) => boolean = () => true): RecordedResource {
    const found = resources.find(r => r.type === type && where(r));
    assert.ok(found, `the program has no ${type} to mutate`);
    return found;
}

function editDocument(resource: RecordedResource, key: string, edit: (doc: { Statement: Record<string, unknown>[] }) => void): void {
    const doc = JSON.parse(String(resource.props[key])) as { Statement: Record<string, unknown>[] };
    edit(doc);
    resource.props[key] = JSON.stringify(doc);
}

/** Bad variants of the real program's resources; each must be caught by the policy named. */
/** `expect`: what the violation must say, where the program's current state could trip the policy anyway. */
const MUTATIONS: { name: string; stack: string; policy: string; mutate: Mutation; expect?: RegExp }[] = [
    {
        name: "a bucket's encryption dropped to SSE-S3",
        stack: "prod",
        policy: "s3-bucket-sse-kms-cmk",
        mutate: rs => {
            first(rs, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").props.rules = [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
            ];
        },
    },
    {
        name: "a bucket's public access block removed",
        stack: "dev",
        policy: "s3-bucket-public-access-block",
        mutate: rs => {
            rs.splice(rs.indexOf(first(rs, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")), 1);
        },
    },
    {
        name: "a bucket policy without the TLS deny",
        stack: "dev",
        policy: "s3-bucket-tls-only-policy",
        mutate: rs =>
            editDocument(
                first(rs, "aws:s3/bucketPolicy:BucketPolicy"),
                "policy",
                d => (d.Statement = d.Statement.filter(s => s.Sid !== "DenyInsecureTransport")),
            ),
    },
    {
        name: "a cross-account grant widened to ALL",
        stack: "prod",
        policy: "lf-cross-account-grant-least-privilege",
        mutate: rs => {
            const grant = first(rs, "aws:lakeformation/permissions:Permissions", r => r.name.startsWith("hr-lake-shares-"));
            grant.props.permissions = ["ALL"];
            grant.props.permissionsWithGrantOptions = ["ALL"];
        },
    },
    {
        name: "a grant to IAM_ALLOWED_PRINCIPALS",
        stack: "dev",
        policy: "lf-no-grant-to-iam-allowed-principals",
        mutate: rs => {
            first(rs, "aws:lakeformation/permissions:Permissions").props.principal = "IAM_ALLOWED_PRINCIPALS";
        },
    },
    {
        name: "a share of the whole sensitive employees table",
        stack: "dev",
        policy: "lf-sensitive-data-requires-filter",
        mutate: rs => {
            const grant = first(
                rs,
                "aws:lakeformation/permissions:Permissions",
                r => r.name.endsWith("employees-columns-select") && r.name.startsWith("producer-"),
            );
            const twc = grant.props.tableWithColumns as Record<string, unknown>;
            delete grant.props.tableWithColumns;
            grant.props.table = { catalogId: twc.catalogId, databaseName: twc.databaseName, name: twc.name };
        },
    },
    {
        name: "a grant to an account outside the environment",
        stack: "prod",
        policy: "lf-cross-account-grant-env-accounts",
        mutate: rs => {
            first(rs, "aws:lakeformation/permissions:Permissions", r => r.name.startsWith("sales-lake-shares-")).props.principal = "999999999999";
        },
    },
    {
        name: "default permissions for IAM_ALLOWED_PRINCIPALS",
        stack: "dev",
        policy: "lf-settings-no-default-permissions",
        mutate: rs => {
            first(rs, "aws:lakeformation/dataLakeSettings:DataLakeSettings").props.createTableDefaultPermissions = [
                { permissions: ["ALL"], principal: "IAM_ALLOWED_PRINCIPALS" },
            ];
        },
    },
    {
        name: "a location registered with hybrid access",
        stack: "dev",
        policy: "lf-resource-registration",
        mutate: rs => {
            first(rs, "aws:lakeformation/resource:Resource").props.hybridAccessEnabled = true;
        },
    },
    {
        name: "`*` added to a role policy",
        stack: "prod",
        policy: "iam-no-wildcard-actions",
        mutate: rs =>
            editDocument(first(rs, "aws:iam/rolePolicy:RolePolicy"), "policy", d =>
                d.Statement.push({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::x/*" }),
            ),
    },
    {
        name: "a write on Resource `*`",
        stack: "dev",
        policy: "iam-no-wildcard-resources",
        mutate: rs =>
            editDocument(first(rs, "aws:iam/rolePolicy:RolePolicy"), "policy", d =>
                d.Statement.push({ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }),
            ),
    },
    {
        name: "a runtime role trusting an account outside the environment, unconditioned",
        stack: "dev",
        policy: "iam-trust-cross-account-conditions",
        mutate: rs =>
            editDocument(
                first(rs, "aws:iam/role:Role", r => String(r.props.name).endsWith("-runtime")),
                "assumeRolePolicy",
                d => {
                    d.Statement[0].Principal = { AWS: "arn:aws:iam::999999999999:root" };
                    delete d.Statement[0].Condition;
                },
            ),
    },
    {
        name: "a key's rotation removed",
        stack: "prod",
        policy: "kms-key-rotation",
        mutate: rs => {
            first(rs, "aws:kms/key:Key").props.enableKeyRotation = false;
        },
    },
    {
        name: "a key policy opened to everyone",
        stack: "dev",
        policy: "kms-key-policy-scoped",
        mutate: rs =>
            editDocument(first(rs, "aws:kms/key:Key"), "policy", d =>
                d.Statement.push({ Effect: "Allow", Principal: "*", Action: ["kms:Decrypt"], Resource: "*" }),
            ),
    },
    {
        name: "the security bus opened beyond the organisation",
        stack: "prod",
        policy: "eventbridge-bus-policy-scoped",
        mutate: rs =>
            editDocument(
                first(rs, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", r => r.name === "security-bus"),
                "policy",
                d => delete d.Statement[0].Condition,
            ),
    },
    {
        name: "a log group without its customer key",
        stack: "dev",
        policy: "log-group-kms-cmk",
        mutate: rs => {
            delete first(rs, "aws:cloudwatch/logGroup:LogGroup").props.kmsKeyId;
        },
    },
    {
        name: "the Athena workgroup no longer enforced",
        stack: "dev",
        policy: "athena-workgroup-encrypted",
        mutate: rs => {
            (first(rs, "aws:athena/workgroup:Workgroup").props.configuration as Record<string, unknown>).enforceWorkgroupConfiguration = false;
        },
    },
    {
        name: "a provider without allowedAccountIds",
        stack: "prod",
        policy: "pulumi-provider-account-guard",
        mutate: rs => {
            const provider = first(rs, "pulumi:providers:aws");
            delete provider.props.allowedAccountIds;
            for (const r of rs.filter(x => x.provider?.urn === provider.urn)) {
                delete r.provider?.props.allowedAccountIds;
            }
        },
    },
    {
        name: "the reconciler role's policy naming an empty ARN (no management account)",
        stack: "prod",
        policy: "iam-catalog-valid",
        expect: /Resource "" is empty/,
        mutate: rs =>
            editDocument(
                first(rs, "aws:iam/rolePolicy:RolePolicy", r => r.name.includes("ou-row-filters")),
                "policy",
                d => d.Statement.push({ Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [""] }),
            ),
    },
    {
        name: "an object action on a bucket ARN",
        stack: "dev",
        policy: "iam-catalog-valid",
        expect: /"s3:GetObject" applies to none of the statement's resources/,
        mutate: rs =>
            editDocument(first(rs, "aws:iam/rolePolicy:RolePolicy"), "policy", d =>
                d.Statement.push({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::lw-dev-bucket"] }),
            ),
    },
    {
        name: "the org-reader role no longer waiting for the reconciler role it trusts",
        stack: "prod",
        policy: "iam-principals-exist-first",
        expect: /assumeRolePolicy .* names arn:aws:iam::\d{12}:role\/lakewarden-prod-ou-row-filters-fn/,
        mutate: rs => {
            const reader = first(rs, "aws:iam/role:Role", r => String(r.props.name).endsWith("-org-reader"));
            for (let r: RecordedResource | undefined = reader; r; r = rs.find(x => x.urn === r?.parent)) {
                r.dependencies = [];
                r.propertyDependencies = {};
            }
        },
    },
    {
        name: "the service-linked roles the fleet keys name removed",
        stack: "prod",
        policy: "iam-service-linked-roles-present",
        expect: /AWSServiceRoleForAutoScaling/,
        mutate: rs => {
            for (const slr of rs.filter(r => r.type === "aws:iam/serviceLinkedRole:ServiceLinkedRole")) {
                rs.splice(rs.indexOf(slr), 1);
            }
        },
    },
    {
        name: "the security key no longer granting anyone kms:CreateGrant (Lambda and DynamoDB deploys)",
        stack: "prod",
        policy: "kms-key-usable",
        expect: /kms:CreateGrant through lambda/,
        mutate: rs =>
            editDocument(
                first(rs, "aws:kms/key:Key", r => r.name === "security-security"),
                "policy",
                d => {
                    d.Statement = d.Statement.filter(s => ![s.Action].flat().includes("kms:CreateGrant"));
                },
            ),
    },
    {
        name: "a producer data key without Macie's service-linked role",
        stack: "dev",
        policy: "kms-key-usable",
        expect: /AWSServiceRoleForAmazonMacie kms:Decrypt/,
        mutate: rs =>
            editDocument(
                first(rs, "aws:kms/key:Key", r => r.name === "producer-data"),
                "policy",
                d => {
                    d.Statement = d.Statement.filter(s => !JSON.stringify(s.Principal ?? "").includes("AWSServiceRoleForAmazonMacie"));
                },
            ),
    },
    {
        name: "a scan stage key without Macie's service-linked role (its scanned bucket is in the daily job's scope)",
        stack: "dev",
        policy: "kms-key-usable",
        expect: /AWSServiceRoleForAmazonMacie kms:Decrypt/,
        mutate: rs =>
            editDocument(
                first(rs, "aws:kms/key:Key", r => r.name === "producer-scan-ingest-key"),
                "policy",
                d => {
                    d.Statement = d.Statement.filter(s => s.Sid !== "MacieClassifiesObjects");
                },
            ),
    },
    {
        name: "the scan stage's approval method open to any caller",
        stack: "dev",
        policy: "apigateway-method-authorized",
        mutate: rs => {
            first(rs, "aws:apigateway/method:Method", r => r.name === "producer-scan-ingest-api").props.authorization = "NONE";
        },
    },
    {
        name: "the scan stage's run role starting Macie jobs on any resource",
        stack: "prod",
        policy: "iam-no-wildcard-resources",
        mutate: rs =>
            editDocument(
                first(rs, "aws:iam/rolePolicy:RolePolicy", r => r.name === "sales-lake-scan-orders-run"),
                "policy",
                d => {
                    const start = d.Statement.find(s => s.Sid === "StartRunJobs");
                    assert.ok(start, "StartRunJobs");
                    start.Resource = ["*"];
                    delete start.Condition;
                },
            ),
    },
    {
        name: "the CIS component document inlined past 16,000 characters",
        stack: "dev",
        policy: "pulumi-provider-input-limits",
        expect: /data is \d+ characters, over the limit of 16000/,
        mutate: rs => {
            const component = first(rs, "aws:imagebuilder/component:Component");
            delete component.props.uri;
            component.props.data = `name: cis\nschemaVersion: 1.0\nphases: []\n# ${"x".repeat(16000)}`;
        },
    },
];

describe("the pack over bad variants of the real program", () => {
    for (const m of MUTATIONS) {
        it(`catches ${m.name} (${m.policy})`, async () => {
            const result = await runPlan({ stack: m.stack, recording: await sharedStack(m.stack), mutate: m.mutate });
            const caught = result.policy?.violations.filter(v => v.policyName === m.policy && v.enforcementLevel === "mandatory") ?? [];
            assert.ok(caught.length > 0, `${m.policy} did not catch it:\n${renderPlan(result)}`);
            if (m.expect) {
                assert.ok(
                    caught.some(v => m.expect?.test(v.message)),
                    `${m.policy} did not report ${m.expect}:\n${caught.map(v => v.message).join("\n")}`,
                );
            }
            assert.equal(result.exitCode, 1);
        });
    }
});
