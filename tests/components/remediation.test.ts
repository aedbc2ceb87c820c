import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { remediationSchema, type Remediation } from "../../config/remediation";
import { CustomerKey } from "../../components/kms/customer-key";
import { FindingRemediation, MACIE_FINDING_PATTERN, TAG_COMPLIANCE_INPUT } from "../../components/remediation/finding-remediation";
import { MacieDiscovery } from "../../components/remediation/macie-discovery";
import { memberRemediationTemplate } from "../../cloudformation/member-remediation";
import { QuarantineBucketPolicy, QUARANTINE_READ_ACTIONS } from "../../iam/quarantine-bucket-policy";
import { SecureBucket } from "../../components/storage/secure-bucket";
import { runPolicyPack } from "../policy/helpers";
import { ofType, recordComponent, type RecordedResource, type Recording } from "../helpers/program";
import { docOf, type PolicyDoc } from "../helpers/documents";

const security = "210987654321";
const members = ["222233334444", "333344445555"];
const scope = { environment: "test", accountId: security, region: "eu-west-1" };
const releaser = `arn:aws:iam::${security}:role/lakewarden-test-releaser`;
const settings = remediationSchema.parse({
    notification: { kind: "teams", webhookSecretName: "lakewarden/test/remediation/webhook" },
    releaserRoleArns: [releaser],
    customDataIdentifiers: [{ name: "xyz-account-number", regex: "(XYZ-)\\d{1,2}", keywords: ["account"], ignoreWords: ["XYZ-00"], maximumMatchDistance: 20 }],
}) as Remediation;

function build(): void {
    const provider = new aws.Provider("security", {
        region: scope.region,
        allowedAccountIds: [security],
        assumeRoles: [{ roleArn: `arn:aws:iam::${security}:role/lakewarden-deploy`, sessionName: "lakewarden-test" }],
        defaultTags: { tags: { project: "lakewarden" } },
    });
    const key = new CustomerKey(
        "security",
        {
            scope,
            purpose: "security",
            description: "security",
            viaServices: ["dynamodb", "lambda", "logs", "s3", "secretsmanager", "sns", "sqs", "states"],
        },
        { provider },
    );
    const logs = new SecureBucket("logs", { scope, purpose: "access-logs", key, receivesAccessLogs: true }, { provider });
    new MacieDiscovery(
        "macie",
        { scope, key, accessLogBucket: logs.bucket.id, quarantinePrefix: settings.quarantinePrefix, customDataIdentifiers: settings.customDataIdentifiers },
        { provider },
    );
    new FindingRemediation(
        "remediation",
        {
            scope,
            key,
            settings,
            memberAccountIds: members,
            securityBusName: "lakewarden-test-security",
            securityBusArn: `arn:aws:events:eu-west-1:${security}:event-bus/lakewarden-test-security`,
        },
        { provider },
    );
}

function named(recording: Recording, type: string, name: string): RecordedResource {
    const found = ofType(recording, type).find(r => r.props.name === name);
    assert.ok(found, `${type} ${name}`);
    return found;
}

function rolePolicyOf(recording: Recording, roleName: string): PolicyDoc {
    const policy = ofType(recording, "aws:iam/rolePolicy:RolePolicy").find(p => p.props.role === roleName);
    assert.ok(policy, `policy of ${roleName}`);
    return docOf(policy.props.policy);
}

describe("Macie finding remediation components", () => {
    let recording: Recording;
    before(async () => {
        recording = await recordComponent(build);
    });

    it("puts every resource in the security account", () => {
        const owned = recording.resources.filter(r => r.type.startsWith("aws:"));
        assert.ok(owned.length > 40, `${owned.length} resources`);
        for (const r of owned) assert.equal(r.accountId, security, `${r.type} ${r.name}`);
    });

    it("scans tagged buckets daily with the custom identifiers, never the quarantine prefix, results under the CMK", () => {
        const [job] = ofType(recording, "aws:macie2/classificationJob:ClassificationJob");
        assert.equal(job.props.jobType, "SCHEDULED");
        assert.deepEqual(job.props.scheduleFrequency, { dailySchedule: true });
        const definition = job.props.s3JobDefinition as Record<string, Record<string, { ands: unknown[] }>>;
        assert.deepEqual(definition.bucketCriteria.includes.ands, [
            { tagCriterion: { comparator: "EQ", tagValues: [{ key: "RequireMacieScan", value: "True" }] } },
        ]);
        assert.deepEqual(definition.scoping.excludes.ands, [{ simpleScopeTerm: { comparator: "STARTS_WITH", key: "OBJECT_KEY", values: ["quarantine/"] } }]);
        assert.equal((job.props.customDataIdentifierIds as string[]).length, 1);
        const [identifier] = ofType(recording, "aws:macie/customDataIdentifier:CustomDataIdentifier");
        assert.equal(identifier.props.regex, "(XYZ-)\\d{1,2}");
        const [exportConfig] = ofType(recording, "aws:macie2/classificationExportConfiguration:ClassificationExportConfiguration");
        const destination = exportConfig.props.s3Destination as { bucketName: string; kmsKeyArn: string };
        assert.equal(destination.bucketName, `lw-test-${security}-eu-west-1-macie-results`);
        assert.match(destination.kmsKeyArn, /^arn:aws:kms:eu-west-1:210987654321:key\//);
    });

    it("keeps the tracking table on the CMK with PITR and the workflows' key schema", () => {
        const table = named(recording, "aws:dynamodb/table:Table", "lakewarden-test-remediation-tracking");
        assert.equal(table.props.hashKey, "findingId");
        assert.equal(table.props.rangeKey, "versionId");
        assert.deepEqual(table.props.pointInTimeRecovery, { enabled: true });
        assert.equal((table.props.serverSideEncryption as { enabled: boolean }).enabled, true);
        const secret = named(recording, "aws:secretsmanager/secret:Secret", "lakewarden/test/remediation/webhook");
        assert.match(String(secret.props.kmsKeyId), /:key\//);
        assert.equal(ofType(recording, "aws:secretsmanager/secretVersion:SecretVersion").length, 0);
    });

    it("lets the quarantine and release functions assume only their own role in each member account", () => {
        for (const [fn, role] of [
            ["quarantine-object", "quarantine"],
            ["release-object", "release"],
        ] as const) {
            const doc = rolePolicyOf(recording, `lakewarden-test-${fn}-fn`);
            const assume = doc.Statement.filter(s => s.Action.some(a => a.startsWith("sts:")));
            assert.deepEqual(assume, [
                {
                    Sid: fn === "quarantine-object" ? "AssumeMemberQuarantineRoles" : "AssumeMemberReleaseRoles",
                    Effect: "Allow",
                    Action: ["sts:AssumeRole"],
                    Resource: members.map(m => `arn:aws:iam::${m}:role/lakewarden-test-${role}`),
                },
            ]);
            assert.deepEqual(
                doc.Statement.map(s => s.Sid),
                ["WriteOwnLogs", assume[0].Sid],
            );
        }
        assert.deepEqual(
            rolePolicyOf(recording, "lakewarden-test-macie-decision-fn").Statement.map(s => s.Sid),
            ["WriteOwnLogs"],
        );
    });

    it("gives the state machine roles exactly their tasks, the table and their own state key", () => {
        const fnArn = (f: string) => `arn:aws:lambda:eu-west-1:${security}:function:lakewarden-test-${f}`;
        const table = `arn:aws:dynamodb:eu-west-1:${security}:table/lakewarden-test-remediation-tracking`;
        for (const [workflow, functions] of [
            ["quarantine", ["macie-decision", "notify-webhook", "quarantine-object"]],
            ["release", ["notify-webhook", "release-object"]],
        ] as const) {
            const doc = rolePolicyOf(recording, `lakewarden-test-${workflow}-sfn`);
            const bySid = Object.fromEntries(doc.Statement.map(s => [s.Sid, s]));
            assert.deepEqual(Object.keys(bySid).sort(), [
                "DeliverExecutionLogs",
                "EncryptOwnState",
                "InvokeWorkflowFunctions",
                "TableKeyViaDynamoDb",
                "TrackFindings",
            ]);
            assert.deepEqual(bySid.InvokeWorkflowFunctions, {
                Sid: "InvokeWorkflowFunctions",
                Effect: "Allow",
                Action: ["lambda:InvokeFunction"],
                Resource: functions.map(fnArn),
            });
            assert.deepEqual(bySid.TrackFindings, { Sid: "TrackFindings", Effect: "Allow", Action: ["dynamodb:UpdateItem"], Resource: [table] });
            assert.deepEqual(bySid.TableKeyViaDynamoDb.Condition?.StringEquals, { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" });
            assert.deepEqual(bySid.EncryptOwnState.Condition?.StringEquals, {
                "kms:EncryptionContext:aws:states:stateMachineArn": `arn:aws:states:eu-west-1:${security}:stateMachine:lakewarden-test-${workflow}`,
            });
        }
        assert.deepEqual(rolePolicyOf(recording, "lakewarden-test-macie-findings-starter").Statement, [
            {
                Sid: "StartWorkflow",
                Effect: "Allow",
                Action: ["states:StartExecution"],
                Resource: [`arn:aws:states:eu-west-1:${security}:stateMachine:lakewarden-test-quarantine`],
            },
        ]);
    });

    it("runs both workflows as STANDARD machines logging ALL to CMK log groups, state encrypted with the CMK", () => {
        const machines = ofType(recording, "aws:sfn/stateMachine:StateMachine");
        assert.deepEqual(machines.map(m => m.props.name).sort(), ["lakewarden-test-quarantine", "lakewarden-test-release"]);
        for (const machine of machines) {
            assert.equal(machine.props.type, "STANDARD");
            const logging = machine.props.loggingConfiguration as { level: string; logDestination: string };
            assert.equal(logging.level, "ALL");
            const group = named(recording, "aws:cloudwatch/logGroup:LogGroup", `/lakewarden/states/${machine.props.name}`);
            assert.ok(logging.logDestination.startsWith("arn:aws:logs:") && logging.logDestination.endsWith(":*"));
            assert.match(String(group.props.kmsKeyId), /:key\//);
            const encryption = machine.props.encryptionConfiguration as { type: string; kmsKeyId: string };
            assert.equal(encryption.type, "CUSTOMER_MANAGED_KMS_KEY");
            assert.match(encryption.kmsKeyId, /^arn:aws:kms:eu-west-1:210987654321:key\//);
            const definition = JSON.parse(String(machine.props.definition)) as { States: Record<string, unknown> };
            assert.ok(Object.keys(definition.States).length > 5);
        }
    });

    it("starts the quarantine workflow from Macie findings on the default bus and notifies on tag compliance from the security bus", () => {
        const findings = named(recording, "aws:cloudwatch/eventRule:EventRule", "lakewarden-test-macie-findings");
        assert.equal(findings.props.eventBusName, undefined);
        assert.deepEqual(JSON.parse(String(findings.props.eventPattern)), MACIE_FINDING_PATTERN);
        const compliance = named(recording, "aws:cloudwatch/eventRule:EventRule", "lakewarden-test-tag-compliance");
        assert.equal(compliance.props.eventBusName, "lakewarden-test-security");
        const target = ofType(recording, "aws:cloudwatch/eventTarget:EventTarget").find(t => t.props.rule === "lakewarden-test-tag-compliance");
        assert.equal(target?.props.arn, `arn:aws:lambda:eu-west-1:${security}:function:lakewarden-test-notify-webhook`);
        assert.deepEqual((target?.props.inputTransformer as { inputPaths: unknown }).inputPaths, TAG_COMPLIANCE_INPUT.paths);
    });

    it("exposes POST /releases with AWS_IAM only, its resource policy naming only the releaser roles", () => {
        const [method] = ofType(recording, "aws:apigateway/method:Method");
        assert.equal(method.props.httpMethod, "POST");
        assert.equal(method.props.authorization, "AWS_IAM");
        const [integration] = ofType(recording, "aws:apigateway/integration:Integration");
        assert.equal(integration.props.type, "AWS_PROXY");
        const [policy] = ofType(recording, "aws:apigateway/restApiPolicy:RestApiPolicy");
        const doc = docOf(policy.props.policy);
        const allows = doc.Statement.filter(s => s.Effect === "Allow");
        assert.deepEqual(allows, [
            {
                Sid: "ReleasersMayRelease",
                Effect: "Allow",
                Principal: { AWS: [releaser] },
                Action: ["execute-api:Invoke"],
                Resource: ["execute-api:/*/POST/releases"],
            },
        ]);
        const deny = doc.Statement.find(s => s.Effect === "Deny");
        assert.deepEqual(deny?.Condition, { ArnNotLike: { "aws:PrincipalArn": [releaser] } });
        const [stage] = ofType(recording, "aws:apigateway/stage:Stage");
        const accessLogs = stage.props.accessLogSettings as { destinationArn: string; format: string };
        assert.match(accessLogs.destinationArn, /log-group:\/lakewarden\/apigateway\/lakewarden-test-release-api/);
        assert.ok(JSON.parse(accessLogs.format).callerArn === "$context.identity.userArn");
        const fn = named(recording, "aws:lambda/function:Function", "lakewarden-test-release-api");
        assert.equal((fn.props.environment as { variables: Record<string, string> }).variables.RELEASER_ROLE_ARNS, releaser);
    });

    it("leaves no mandatory violation of the policy pack (prod config)", () => {
        const result = runPolicyPack(recording.resources, { configFile: path.join(__dirname, "../../policy/config/prod.json") });
        const mandatory = result.violations.filter(v => v.enforcementLevel === "mandatory");
        assert.deepEqual(
            mandatory.map(v => `${v.policyName}: ${v.resourceName}: ${v.message}`),
            [],
        );
        assert.deepEqual(
            result.violations.map(v => `${v.policyName}: ${v.resourceName}`),
            [],
        );
        assert.ok(result.policiesRun > 50);
    });
});

describe("member remediation template and quarantine bucket policy", () => {
    const options = {
        environment: "test",
        securityAccountId: security,
        organizationId: "o-lw0example1",
        quarantinePrefix: "quarantine/",
        investigationRoleName: "lakewarden-test-investigator",
        investigatorPrincipalArns: [releaser],
    };
    type Role = {
        Properties: {
            RoleName: string;
            AssumeRolePolicyDocument: { Statement: { Principal: unknown; Condition: unknown }[] };
            Policies: { PolicyDocument: { Statement: { Resource: unknown; Condition?: unknown }[] } }[];
        };
    };
    const resources = memberRemediationTemplate(options) as unknown as Record<string, Role>;

    it("trusts exactly the matching security function role, by session name, inside the organisation", () => {
        for (const [logical, workflow, fn] of [
            ["RemediationQuarantineRole", "quarantine", "quarantine-object"],
            ["RemediationReleaseRole", "release", "release-object"],
        ]) {
            const role = resources[logical].Properties;
            assert.equal(role.RoleName, `lakewarden-test-${workflow}`);
            const [statement] = role.AssumeRolePolicyDocument.Statement;
            assert.deepEqual(statement.Principal, { AWS: [`arn:aws:iam::${security}:role/lakewarden-test-${fn}-fn`] });
            assert.deepEqual(statement.Condition, {
                StringEquals: { "aws:PrincipalOrgID": "o-lw0example1" },
                StringLike: { "sts:RoleSessionName": `lakewarden-${workflow}-*` },
            });
        }
    });

    it("binds the member policies to the deploying account through Fn::Sub", () => {
        const statements = resources.RemediationQuarantineRole.Properties.Policies[0].PolicyDocument.Statement;
        const own = statements.find(s => s.Condition !== undefined && JSON.stringify(s.Condition).includes("aws:ResourceAccount"));
        assert.deepEqual((own?.Condition as { StringEquals: unknown }).StringEquals, { "aws:ResourceAccount": { "Fn::Sub": "${AWS::AccountId}" } });
        assert.equal(resources.RemediationInvestigationRole.Properties.RoleName, "lakewarden-test-investigator");
    });

    it("denies reading the quarantine prefix to all but the investigation and workflow roles", () => {
        const statements = QuarantineBucketPolicy({
            environment: "test",
            accountId: members[0],
            quarantinePrefix: "quarantine/",
            investigationRoleName: "lakewarden-test-investigator",
        })("arn:aws:s3:::data-a");
        const read = statements.find(s => s.Sid === "QuarantineReadOnlyByInvestigationAndWorkflows");
        assert.deepEqual(read, {
            Sid: "QuarantineReadOnlyByInvestigationAndWorkflows",
            Effect: "Deny",
            Principal: "*",
            Action: QUARANTINE_READ_ACTIONS,
            Resource: ["arn:aws:s3:::data-a/quarantine/*"],
            Condition: {
                ArnNotLike: {
                    "aws:PrincipalArn": [
                        `arn:aws:iam::${members[0]}:role/lakewarden-test-investigator`,
                        `arn:aws:iam::${members[0]}:role/lakewarden-test-quarantine`,
                        `arn:aws:iam::${members[0]}:role/lakewarden-test-release`,
                    ],
                },
            },
        });
        const write = statements.find(s => s.Sid === "QuarantineWrittenOnlyByWorkflows");
        assert.ok(!JSON.stringify(write?.Condition).includes("investigator"));
    });
});
