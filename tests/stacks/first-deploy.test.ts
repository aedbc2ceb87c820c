/**
 * What the first `pulumi up` in fresh accounts needs, read from the recorded program (issue 10): keys
 * their services can use, principals created before the policies naming them, service-linked roles that
 * exist, Macie delegated before it is configured, no empty ARN, log buckets that accept their delivery.
 */
import * as assert from "node:assert/strict";
import { DEPLOY_ACCOUNT_VARIABLE } from "../../stacks/providers";
import { ofType, recordStack, type RecordedResource, type Recording, withSection, sectionOf, sharedStack } from "../helpers/program";

interface Statement {
    Sid: string;
    Effect: string;
    Action: string[];
    Principal?: { AWS?: string | string[]; Service?: string | string[] } | "*";
    Resource?: string[];
    Condition?: Record<string, Record<string, unknown>>;
}

const docOf = (r: RecordedResource, prop = "policy") => JSON.parse(String(r.props[prop])) as { Statement: Statement[] };
const keyNamed = (rec: Recording, name: string) => {
    const key = ofType(rec, "aws:kms/key:Key").find(k => k.name === name);
    assert.ok(key, `no key ${name}`);
    return key;
};
const principalsOf = (s: Statement) => (s.Principal && s.Principal !== "*" ? [s.Principal.AWS ?? [], s.Principal.Service ?? []].flat() : []);
/** Statements of a key's policy that let `principal` do `action` (through `viaService` when given). */
function allows(key: RecordedResource, principal: string, action: string, viaService?: string): Statement[] {
    return docOf(key).Statement.filter(
        s =>
            s.Effect === "Allow" &&
            principalsOf(s).includes(principal) &&
            s.Action.some(a => a === action || (a.endsWith("*") && action.startsWith(a.slice(0, -1)))) &&
            (viaService === undefined || [s.Condition?.StringEquals?.["kms:ViaService"]].flat().includes(viaService)) &&
            // A Bool condition on a key the request lacks never matches: only grants may carry kms:GrantIsForAWSResource.
            (action === "kms:CreateGrant" || s.Condition?.Bool?.["kms:GrantIsForAWSResource"] === undefined),
    );
}
const named = (rec: Recording, urnOrName: string) => rec.resources.find(r => r.urn === urnOrName);
const dependsOnUrn = (rec: Recording, resource: RecordedResource, predicate: (r: RecordedResource) => boolean) =>
    resource.dependencies.map(d => named(rec, d)).some(r => r !== undefined && predicate(r));

describe("first deploy (issue 10)", () => {
    let dev: Recording;
    let prod: Recording;
    before(async () => {
        dev = await sharedStack("dev");
        prod = await sharedStack("prod");
    });

    describe("1. keys their users can use", () => {
        it("lets the deployer create Lambda and DynamoDB grants and use SSM SecureStrings with the security key", () => {
            const key = keyNamed(dev, "security-security");
            const root = "arn:aws:iam::444455556666:root";
            assert.ok(allows(key, root, "kms:CreateGrant", "lambda.eu-west-1.amazonaws.com").length > 0, "Lambda kmsKeyArn needs kms:CreateGrant");
            assert.ok(allows(key, root, "kms:CreateGrant", "dynamodb.eu-west-1.amazonaws.com").length > 0, "DynamoDB needs kms:CreateGrant");
            // The OU row filters' mapping is a SecureString: prod shares Security Lake's tables by OU (dev does not).
            const prodKey = keyNamed(prod, "security-security");
            for (const action of ["kms:Encrypt", "kms:Decrypt"]) {
                assert.ok(
                    allows(prodKey, "arn:aws:iam::210987654321:root", action, "ssm.eu-west-1.amazonaws.com").length > 0,
                    `SecureString ${action} through SSM`,
                );
            }
        });

        it("names every StartExecution and DescribeExecution caller of a customer-key state machine in its key", () => {
            const key = keyNamed(dev, "security-security");
            const starter = "arn:aws:iam::444455556666:role/lakewarden-dev-macie-findings-starter";
            const releaseApi = "arn:aws:iam::444455556666:role/lakewarden-dev-release-api-fn";
            const context = (s: Statement) => s.Condition?.StringEquals?.["kms:EncryptionContext:aws:states:stateMachineArn"];
            assert.deepEqual(allows(key, starter, "kms:GenerateDataKey").map(context), [
                "arn:aws:states:eu-west-1:444455556666:stateMachine:lakewarden-dev-quarantine",
            ]);
            assert.ok(allows(key, releaseApi, "kms:GenerateDataKey").length > 0, "the release API starts releases");
            assert.ok(allows(key, releaseApi, "kms:Decrypt").length > 0, "the release API describes them");
            const fleetKey = keyNamed(dev, "analytics-fleet-key");
            assert.ok(allows(fleetKey, "arn:aws:iam::123456789012:role/lakewarden-dev-fleet-refresh-starter", "kms:GenerateDataKey").length > 0);
            // Every role that starts a machine (an EventBridge target role) is in the key of that machine's account.
            for (const rec of [dev, prod]) {
                for (const target of ofType(rec, "aws:cloudwatch/eventTarget:EventTarget").filter(t => String(t.props.arn).includes(":stateMachine:"))) {
                    const keys = ofType(rec, "aws:kms/key:Key").filter(k => k.accountId === target.accountId);
                    assert.ok(
                        keys.some(k => allows(k, String(target.props.roleArn), "kms:GenerateDataKey").length > 0),
                        `${target.urn}: its role cannot start the machine`,
                    );
                }
            }
        });

        it("lets Macie's service-linked role decrypt every producer's data", () => {
            for (const rec of [dev, prod]) {
                for (const producer of sectionOf<{ name: string; role: string; id: string }[]>(rec === dev ? "dev" : "prod", "accounts").filter(
                    a => a.role === "producer",
                )) {
                    const key = keyNamed(rec, `${producer.name}-data`);
                    const slr = `arn:aws:iam::${producer.id}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`;
                    assert.ok(allows(key, slr, "kms:Decrypt").length > 0, `${producer.name}: Macie cannot read its objects`);
                }
            }
        });

        it("makes the EMR instance role and the EMR service role users of the analytics key", () => {
            const key = keyNamed(dev, "analytics-analytics");
            for (const role of ["lakewarden-dev-emr-instance", "lakewarden-dev-emr-service"]) {
                const arn = `arn:aws:iam::123456789012:role/${role}`;
                assert.ok(allows(key, arn, "kms:GenerateDataKey").length > 0 && allows(key, arn, "kms:Decrypt").length > 0, `${role} is no key user`);
                assert.ok(allows(key, arn, "kms:CreateGrant").length > 0, `${role} cannot create EBS grants`);
            }
        });

        it("lets CloudWatch Logs use the key of every customer-key log group, for that log group", () => {
            for (const rec of [dev, prod]) {
                for (const group of ofType(rec, "aws:cloudwatch/logGroup:LogGroup").filter(g => g.props.kmsKeyId !== undefined)) {
                    const arn = `arn:aws:logs:${group.provider?.props.region}:${group.accountId}:log-group:${String(group.props.name)}`;
                    const keys = ofType(rec, "aws:kms/key:Key").filter(k => k.accountId === group.accountId);
                    const ok = keys.some(k =>
                        docOf(k).Statement.some(
                            s =>
                                principalsOf(s).some(p => p.startsWith("logs.")) &&
                                [s.Condition?.ArnLike?.["kms:EncryptionContext:aws:logs:arn"]].flat().includes(arn),
                        ),
                    );
                    assert.ok(ok, `${group.urn}: no key lets CloudWatch Logs encrypt ${arn}`);
                }
            }
        });
    });

    describe("2. principals exist before the policies naming them", () => {
        it("creates the org-reader role after the reconciler role it trusts", () => {
            // Prod shares Security Lake's tables by OU (dev does not: one Security Lake administrator per organisation).
            const reader = ofType(prod, "aws:iam/role:Role").find(r => r.props.name === "lakewarden-prod-org-reader");
            assert.ok(reader);
            assert.ok(dependsOnUrn(prod, reader, r => r.type === "aws:iam/role:Role" && r.props.name === "lakewarden-prod-ou-row-filters-fn"));
        });

        it("deploys the StackSet's member roles after the function roles they trust", () => {
            for (const instance of ofType(dev, "aws:cloudformation/stackSetInstance:StackSetInstance")) {
                for (const role of ["lakewarden-dev-quarantine-object-fn", "lakewarden-dev-release-object-fn"]) {
                    assert.ok(
                        dependsOnUrn(dev, instance, r => r.props.name === role),
                        `${instance.urn} does not wait for ${role}`,
                    );
                }
            }
        });

        it("writes the fleet topic policy after the fleet-refresh role it names", () => {
            const policy = ofType(dev, "aws:sns/topicPolicy:TopicPolicy").find(p => String(p.props.policy).includes("fleet-refresh-sfn"));
            assert.ok(policy);
            assert.ok(dependsOnUrn(dev, policy, r => r.props.name === "lakewarden-dev-fleet-refresh-sfn"));
        });

        it("writes every key policy after the IAM roles of this program it names", () => {
            for (const rec of [dev, prod]) {
                const roles = new Map<string, RecordedResource>();
                for (const role of ofType(rec, "aws:iam/role:Role")) {
                    roles.set(`arn:aws:iam::${role.accountId}:role/${String(role.props.name)}`, role);
                }
                for (const slr of ofType(rec, "aws:iam/serviceLinkedRole:ServiceLinkedRole")) {
                    const service = String(slr.props.awsServiceName);
                    const roleName = {
                        "autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling",
                        "imagebuilder.amazonaws.com": "AWSServiceRoleForImageBuilder",
                        "macie.amazonaws.com": "AWSServiceRoleForAmazonMacie",
                    }[service];
                    roles.set(`arn:aws:iam::${slr.accountId}:role/aws-service-role/${service}/${roleName}`, slr);
                }
                for (const key of ofType(rec, "aws:kms/key:Key")) {
                    for (const principal of docOf(key).Statement.flatMap(principalsOf)) {
                        const creator = roles.get(principal);
                        if (creator) {
                            assert.ok(key.dependencies.includes(creator.urn), `${key.urn} names ${principal} without waiting for it`);
                        }
                    }
                }
            }
        });
    });

    describe("3. service-linked roles", () => {
        it("creates Auto Scaling's in each fleet account and Image Builder's in the build account", () => {
            const slrs = ofType(dev, "aws:iam/serviceLinkedRole:ServiceLinkedRole").map(s => `${s.accountId}/${String(s.props.awsServiceName)}`);
            assert.ok(slrs.includes("123456789012/autoscaling.amazonaws.com"));
            assert.ok(slrs.includes("777788889999/imagebuilder.amazonaws.com"));
            assert.ok(slrs.includes("777788889999/macie.amazonaws.com"));
            const distribution = ofType(dev, "aws:iam/role:Role").find(r => r.props.name === "EC2ImageBuilderDistributionCrossAccountRole");
            assert.ok(distribution && dependsOnUrn(dev, distribution, r => r.props.awsServiceName === "imagebuilder.amazonaws.com"));
        });

        it("names but does not create a role the account model declares present", async () => {
            const accounts = sectionOf<Record<string, unknown>[]>("dev", "accounts").map(a =>
                a.name === "analytics" ? { ...a, existingServiceLinkedRoles: ["autoscaling.amazonaws.com"] } : a,
            );
            const rec = await recordStack("dev", { config: withSection("dev", "accounts", accounts) });
            assert.ok(!ofType(rec, "aws:iam/serviceLinkedRole:ServiceLinkedRole").some(s => s.accountId === "123456789012"));
            const ami = ofType(rec, "aws:kms/key:Key").find(k => k.name.startsWith("producer-ami-"));
            assert.ok(
                ami &&
                    allows(ami, "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", "kms:Decrypt")
                        .length > 0,
            );
        });
    });

    describe("4. Macie", () => {
        it("configures the organisation only after the delegation, and enrols existing producers", () => {
            const [config] = ofType(prod, "aws:macie2/organizationConfiguration:OrganizationConfiguration");
            assert.ok(dependsOnUrn(prod, config, r => r.type === "aws:macie2/organizationAdminAccount:OrganizationAdminAccount"));
            const members = ofType(prod, "aws:macie2/member:Member");
            assert.deepEqual(members.map(m => m.props.accountId).sort(), ["222233334444", "333344445555"]);
            for (const member of members) {
                assert.ok(member.props.email, "CreateMember needs the account's email");
                assert.ok(dependsOnUrn(prod, member, r => r.type === "aws:macie2/organizationAdminAccount:OrganizationAdminAccount"));
                assert.ok(dependsOnUrn(prod, member, r => r.type === "aws:iam/serviceLinkedRole:ServiceLinkedRole" && r.accountId === member.props.accountId));
            }
        });

        it("in dev (prod owns the organisation's delegation) invites the producer, which enables Macie after its service-linked role and accepts", () => {
            for (const type of ["organizationAdminAccount:OrganizationAdminAccount", "organizationConfiguration:OrganizationConfiguration"]) {
                assert.deepEqual(ofType(dev, `aws:macie2/${type}`), [], type);
            }
            const [member] = ofType(dev, "aws:macie2/member:Member");
            assert.deepEqual([member.props.accountId, member.props.invite, member.accountId], ["777788889999", true, "444455556666"]);
            const [accepter] = ofType(dev, "aws:macie2/invitationAccepter:InvitationAccepter");
            assert.deepEqual([accepter.props.administratorAccountId, accepter.accountId], ["444455556666", "777788889999"]);
            assert.ok(accepter.dependencies.includes(member.urn), "the invitation exists before it is accepted");
            const account = ofType(dev, "aws:macie2/account:Account").find(a => a.accountId === "777788889999");
            assert.ok(account && accepter.dependencies.includes(account.urn), "Macie is enabled in the member before it accepts");
            assert.ok(dependsOnUrn(dev, account, r => r.type === "aws:iam/serviceLinkedRole:ServiceLinkedRole" && r.accountId === "777788889999"));
            const results = ofType(dev, "aws:macie2/classificationExportConfiguration:ClassificationExportConfiguration").find(
                r => r.accountId === "777788889999",
            );
            assert.ok(results && results.dependencies.includes(accepter.urn), "the scan stage's Macie settings wait for the membership");
        });

        it("refuses a producer without its email when remediation is on, naming the key", async () => {
            const accounts = sectionOf<Record<string, unknown>[]>("dev", "accounts").map(({ email: _email, ...a }) => a);
            await assert.rejects(
                recordStack("dev", { config: withSection("dev", "accounts", accounts) }),
                /lakewarden:accounts\[producer\]\.email: producer "producer" needs its account email/,
            );
        });

        it("starts the quarantine from Macie findings with a customer-key dead-letter queue", () => {
            const target = ofType(dev, "aws:cloudwatch/eventTarget:EventTarget").find(t =>
                String(t.props.arn).endsWith(":stateMachine:lakewarden-dev-quarantine"),
            );
            assert.ok((target?.props.deadLetterConfig as { arn?: string } | undefined)?.arn);
        });
    });

    describe("5. Image Builder", () => {
        it("ships the CIS component (over the provider's 16,000-character data limit) as an encrypted S3 object the build role may read", () => {
            const [component] = ofType(dev, "aws:imagebuilder/component:Component");
            assert.equal(component.props.data, undefined);
            const uri = String(component.props.uri);
            const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
            const object = ofType(dev, "aws:s3/bucketObject:BucketObject").find(o => o.props.bucket === bucket && o.props.key === key);
            assert.ok(object, `nothing uploads ${uri}`);
            assert.ok(String(object.props.content).length > 16_000, "the document is the one that does not fit in data");
            assert.equal(object.props.serverSideEncryption, "aws:kms");
            assert.ok(component.dependencies.includes(object.urn));
            const buildPolicy = ofType(dev, "aws:iam/rolePolicy:RolePolicy").find(p => p.name === "producer-ami-instance");
            assert.ok(
                buildPolicy &&
                    docOf(buildPolicy).Statement.some(s => s.Action.includes("s3:GetObject") && (s.Resource ?? []).includes(`arn:aws:s3:::${bucket}/${key}`)),
            );
        });

        it("takes the parent image and the sample cluster's image from the architecture the instance types have", () => {
            const names = dev.invokes.filter(i => i.token === "aws:ssm/getParameter:getParameter").map(i => String(i.inputs.name));
            assert.deepEqual([...new Set(names)], ["/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"]);
        });

        it("refuses an instance type of the other architecture, naming the key", async () => {
            const pipeline = { ...sectionOf<Record<string, unknown>>("dev", "amiPipeline"), architecture: "x86_64" };
            await assert.rejects(
                recordStack("dev", { config: withSection("dev", "amiPipeline", pipeline) }),
                /lakewarden:amiPipeline\.instanceType: m7g\.large is arm64, but amiPipeline\.architecture is x86_64/,
            );
            const x86 = { ...pipeline, instanceType: "m7i.large" };
            await assert.rejects(
                recordStack("dev", { config: withSection("dev", "amiPipeline", x86) }),
                /lakewarden:fleets\[0\]\.sampleCluster\.instanceType: m7g\.large is arm64/,
            );
        });
    });

    describe("6. absent means absent", () => {
        it("refuses sections that need a management account without one, and writes no empty ARN once they are gone", async () => {
            const prodAccounts = sectionOf<{ role: string }[]>("prod", "accounts").filter(a => a.role !== "management");
            await assert.rejects(
                recordStack("prod", { config: withSection("prod", "accounts", prodAccounts) }),
                /lakewarden:ouSharing\.mappings: .*management/,
            );
            const accounts = sectionOf<{ role: string }[]>("dev", "accounts").filter(a => a.role !== "management");
            await assert.rejects(recordStack("dev", { config: withSection("dev", "accounts", accounts) }), /lakewarden:sensitiveData\.targetOus: .*management/);
            const { targetOus: _targetOus, ...sensitiveData } = sectionOf<Record<string, unknown>>("dev", "sensitiveData");
            const config: Record<string, string> = { ...withSection("dev", "accounts", accounts), "lakewarden:sensitiveData": JSON.stringify(sensitiveData) };
            delete config["lakewarden:ouSharing"];
            const rec = await recordStack("dev", { config });
            for (const fn of ofType(rec, "aws:lambda/function:Function")) {
                const variables = (fn.props.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
                assert.ok(!Object.values(variables).includes(""), `${fn.name}: an empty variable`);
                assert.ok(!("ORG_READ_ROLE_ARN" in variables), `${fn.name}: ORG_READ_ROLE_ARN without a management account`);
            }
            for (const policy of ofType(rec, "aws:iam/rolePolicy:RolePolicy")) {
                for (const s of docOf(policy).Statement) {
                    assert.ok(!(s.Resource ?? []).includes(""), `${policy.urn}: empty ARN in ${s.Sid}`);
                }
            }
        });

        it("reads the OU tree of its own organisation only", () => {
            const reader = ofType(prod, "aws:iam/rolePolicy:RolePolicy").find(p => p.name === "management-org-reader");
            assert.ok(reader);
            const [read] = docOf(reader).Statement;
            assert.deepEqual(read.Resource, [
                "arn:aws:organizations::111122223333:ou/o-lw0example1/ou-*",
                "arn:aws:organizations::111122223333:root/o-lw0example1/r-*",
            ]);
        });
    });

    describe("7. log buckets accept their delivery", () => {
        it("lets headerless log writers in and still refuses another encryption", () => {
            for (const policy of ofType(dev, "aws:s3/bucketPolicy:BucketPolicy")) {
                const doc = docOf(policy);
                const receives =
                    doc.Statement.some(s => s.Sid === "AllowAccessLogDelivery") ||
                    /access-logs|image-builder-logs|query-results/.test(policy.name + JSON.stringify(doc));
                const strict = doc.Statement.find(s => s.Sid === "DenyNonKmsEncryption");
                if (doc.Statement.some(s => s.Sid === "AllowAccessLogDelivery")) {
                    assert.equal(strict, undefined, `${policy.urn} denies the log delivery it allows`);
                    const other = doc.Statement.find(s => s.Sid === "DenyOtherEncryptionHeaders");
                    assert.deepEqual(other?.Condition?.Null, { "s3:x-amz-server-side-encryption": false });
                }
                assert.ok(receives || strict, `${policy.urn}: data bucket without the SSE deny`);
            }
            const delivery = ofType(dev, "aws:s3/bucketPolicy:BucketPolicy")
                .flatMap(p => docOf(p).Statement)
                .filter(s => s.Sid === "AllowAccessLogDelivery");
            for (const s of delivery) {
                assert.ok(s.Condition?.StringEquals?.["aws:SourceAccount"] && s.Condition?.ArnLike?.["aws:SourceArn"]);
            }
            for (const bucket of ["image-builder-logs", "query-results"]) {
                const policy = ofType(dev, "aws:s3/bucketPolicy:BucketPolicy").find(p => String(p.props.policy).includes(`-${bucket}/`));
                assert.ok(
                    policy && docOf(policy).Statement.some(s => s.Sid === "DenyOtherEncryptionHeaders"),
                    `${bucket}: AWSTOE / EMR writes without an SSE header`,
                );
            }
        });
    });

    describe("per-account deploy", () => {
        afterEach(() => {
            delete process.env[DEPLOY_ACCOUNT_VARIABLE];
        });

        it("skips credential validation and the account-id lookup on every provider outside the targeted account", async () => {
            process.env[DEPLOY_ACCOUNT_VARIABLE] = "analytics";
            const rec = await recordStack("dev");
            const providers = ofType(rec, "pulumi:providers:aws");
            for (const provider of providers) {
                // Provider inputs travel as strings under mocks; the SDK fills the provider's defaults ("false").
                const outside = provider.name !== "analytics";
                assert.equal(String(provider.props.skipCredentialsValidation) === "true", outside, provider.name);
                assert.equal(String(provider.props.skipRequestingAccountId) === "true", outside, provider.name);
            }
            assert.ok(
                ofType(dev, "pulumi:providers:aws").every(p => String(p.props.skipCredentialsValidation) !== "true"),
                "a whole-environment deploy validates every account",
            );
        });

        it("refuses a target that names no account", async () => {
            process.env[DEPLOY_ACCOUNT_VARIABLE] = "nobody";
            await assert.rejects(recordStack("dev"), /LAKEWARDEN_DEPLOY_ACCOUNT: names no account of dev/);
        });
    });
});
