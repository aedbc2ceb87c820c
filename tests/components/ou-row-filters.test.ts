import * as assert from "node:assert/strict";
import { parseMappingDocument } from "../../lambdas/ou-reconciler/mapping";
import { ofType, sharedStack, type Recording } from "../helpers/program";

interface Doc {
    Statement: { Sid: string; Action: string[]; Resource?: string[]; Principal?: { AWS?: string }; Condition?: Record<string, Record<string, unknown>> }[];
}

describe("OU row-filter reconciler wiring (prod)", () => {
    let prod: Recording;
    const security = "210987654321";
    const management = "111122223333";
    before(async () => {
        prod = await sharedStack("prod");
    });

    it("delivers a mapping the Lambda's own schema accepts, with account names resolved to ids", () => {
        const [parameter] = ofType(prod, "aws:ssm/parameter:Parameter");
        assert.equal(parameter.accountId, security);
        assert.equal(parameter.props.type, "SecureString");
        const doc = parseMappingDocument(JSON.parse(String(parameter.props.value)));
        assert.deepEqual(
            doc.mappings.map(m => `${m.ouId}->${m.consumers.join(",")}`),
            ["ou-lw00-workload1x->666677778888", "ou-lw00-finance1x->999900001111", "r-lw00->666677778888"],
        );
        assert.ok(doc.mappings.every(m => m.tables.every(t => t.catalogId === security && t.accountColumn === "accountid")));
    });

    it("runs the Lambda in the security account with its mapping and the management read role", () => {
        const fn = ofType(prod, "aws:lambda/function:Function").find(f => f.props.name === "lakewarden-prod-ou-row-filters");
        assert.ok(fn);
        assert.equal(fn.accountId, security);
        assert.equal(fn.props.runtime, "nodejs22.x");
        assert.equal(fn.props.reservedConcurrentExecutions, 1);
        const variables = (fn.props.environment as { variables: Record<string, string> }).variables;
        assert.equal(variables.MAPPING_PARAMETER_NAME, "/lakewarden/prod/ou-row-filters/mapping");
        assert.equal(variables.ORG_READ_ROLE_ARN, `arn:aws:iam::${management}:role/lakewarden-prod-org-reader`);
        assert.ok((fn.props.deadLetterConfig as { targetArn: string }).targetArn.includes(":lakewarden-prod-ou-row-filters-dlq"));
    });

    it("lets only that Lambda role, inside the organisation, read the OU tree", () => {
        const reader = ofType(prod, "aws:iam/role:Role").find(r => r.props.name === "lakewarden-prod-org-reader");
        assert.ok(reader);
        assert.equal(reader.accountId, management);
        const trust = JSON.parse(String(reader.props.assumeRolePolicy)) as Doc;
        assert.deepEqual(trust.Statement[0].Principal, { AWS: `arn:aws:iam::${security}:role/lakewarden-prod-ou-row-filters-fn` });
        assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { "aws:PrincipalOrgID": "o-lw0example1" } });
        const policy = ofType(prod, "aws:iam/rolePolicy:RolePolicy").find(p => p.name === "management-org-reader");
        const statements = (JSON.parse(String(policy?.props.policy)) as Doc).Statement;
        assert.deepEqual(
            statements.flatMap(s => s.Action),
            ["organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"],
        );
        // Root and OU ARNs carry the management account id (Service Authorization Reference, AWS Organizations resource types).
        assert.deepEqual(
            statements.flatMap(s => s.Resource),
            [`arn:aws:organizations::${management}:ou/o-lw0example1/ou-*`, `arn:aws:organizations::${management}:root/o-lw0example1/r-*`],
        );
    });

    it("forwards organisation changes from us-east-1 of the management account to the security bus", () => {
        const rule = ofType(prod, "aws:cloudwatch/eventRule:EventRule").find(r => r.props.name === "lakewarden-prod-org-changes");
        assert.ok(rule);
        assert.equal(rule.provider?.name, "management-us-east-1");
        assert.equal(rule.accountId, management);
        const target = ofType(prod, "aws:cloudwatch/eventTarget:EventTarget").find(t => t.name === "management-org-events-security");
        assert.equal(target?.props.arn, `arn:aws:events:eu-west-1:${security}:event-bus/lakewarden-prod-security`);
        const onBus = ofType(prod, "aws:cloudwatch/eventRule:EventRule").find(r => r.props.name === "lakewarden-prod-ou-row-filters-org-changes");
        assert.equal(onBus?.props.eventBusName, "lakewarden-prod-security");
    });

    it("alarms on any reconcile error and invokes only from its own rules", () => {
        const [alarm] = ofType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(alarm.props.dimensions, { FunctionName: "lakewarden-prod-ou-row-filters" });
        const permissions = ofType(prod, "aws:lambda/permission:Permission").filter(p => p.props.function === "lakewarden-prod-ou-row-filters");
        assert.equal(permissions.length, 2);
        for (const permission of permissions) {
            assert.equal(permission.props.sourceAccount, security);
            assert.match(
                String(permission.props.sourceArn),
                /^arn:aws:events:eu-west-1:210987654321:rule\/(lakewarden-prod-security\/)?lakewarden-prod-ou-row-filters-/,
            );
        }
    });
});
